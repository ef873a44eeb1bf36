//! Hook for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver.

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::Response;
use keyward_http::fuzzing::Answer;
use serde::de::DeserializeOwned;

use crate::PolarErrorExt;
use crate::client::PROFILE;
use crate::error::{check, op};
use crate::models::{
    ActivatedLicenseKey, LicenseKey, LicenseKeyWithActivations, ListEnvelope, ValidatedLicenseKey,
};

/// Feeds one answer through every path the client decodes an answer with: the status check and
/// typed error of each operation, then its model. Returns the `Display` and `Debug` of every
/// error built, for the caller to search for the answer's secret.
pub fn decode_answer(received: &Answer<'_>) -> Vec<String> {
    let answer = |operation| check(received.response(&PROFILE, operation));
    let results = [
        model::<ValidatedLicenseKey>(answer(op::VALIDATE)),
        model::<ActivatedLicenseKey>(answer(op::ACTIVATE)),
        answer(op::DEACTIVATE).map(drop),
        model::<LicenseKeyWithActivations>(answer(op::GET_KEY)),
        model::<LicenseKey>(answer(op::UPDATE_KEY)),
        model::<ListEnvelope<LicenseKey>>(answer(op::LIST_KEYS)),
        model::<ActivatedLicenseKey>(answer(op::GET_ACTIVATION)),
    ];
    results
        .into_iter()
        .filter_map(Result::err)
        .flat_map(|e| {
            [
                format!("{e}"),
                format!("{e:?} {:?} {:?}", e.polar_refusal(), e.polar_error()),
            ]
        })
        .collect()
}

fn model<T: DeserializeOwned + AttachRaw>(
    answer: Result<Response, LicenseError>,
) -> Result<(), LicenseError> {
    answer.and_then(|r| r.model::<T>()).map(drop)
}
