//! Hook for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver.

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::Response;
use keyward_http::fuzzing::Answer;
use serde::de::DeserializeOwned;

use crate::CreemErrorExt;
use crate::client::PROFILE;
use crate::error::{check, op};
use crate::models::{License, ListEnvelope};

/// Feeds one answer through every path the client decodes an answer with; returns the
/// `Display` and `Debug` of every error built, for the caller to search for the secret.
pub fn decode_answer(received: &Answer<'_>) -> Vec<String> {
    let answer = |operation| check(received.response(&PROFILE, operation));
    let results = [
        model::<License>(answer(op::ACTIVATE)),
        model::<License>(answer(op::VALIDATE)),
        model::<License>(answer(op::DEACTIVATE)),
        model::<ListEnvelope>(answer(op::LIST_CUSTOMER)),
    ];
    results
        .into_iter()
        .filter_map(Result::err)
        .flat_map(|e| [format!("{e}"), format!("{e:?} {:?}", e.creem_refusal())])
        .collect()
}

fn model<T: DeserializeOwned + AttachRaw>(
    answer: Result<Response, LicenseError>,
) -> Result<(), LicenseError> {
    answer.and_then(|r| r.model::<T>()).map(drop)
}
