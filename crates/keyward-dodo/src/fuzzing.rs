//! Hook for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver.

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::Response;
use keyward_http::fuzzing::Answer;
use serde::de::DeserializeOwned;

use crate::DodoErrorExt;
use crate::client::PROFILE;
use crate::error::{check, op};
use crate::models::{
    Activation, Entitlement, EntitlementGrant, LicenseKey, LicenseKeyGrant, LicenseKeyInstance,
    ListEnvelope, Validation,
};

/// Feeds one answer through every path the client decodes an answer with: the status check and
/// typed error of each operation, then its model. Returns the `Display` and `Debug` of every
/// error built, for the caller to search for the answer's secret.
pub fn decode_answer(received: &Answer<'_>) -> Vec<String> {
    let answer = |operation| check(received.response(&PROFILE, operation));
    let results = [
        model::<Activation>(answer(op::ACTIVATE)),
        answer(op::VALIDATE).and_then(|r| r.json::<Validation>().map(drop)),
        answer(op::DEACTIVATE).map(drop),
        model::<LicenseKey>(answer(op::GET_KEY)),
        model::<LicenseKey>(answer(op::UPDATE_KEY)),
        model::<ListEnvelope<LicenseKey>>(answer(op::LIST_KEYS)),
        model::<LicenseKeyInstance>(answer(op::GET_INSTANCE)),
        model::<ListEnvelope<LicenseKeyInstance>>(answer(op::LIST_INSTANCES)),
        model::<Entitlement>(answer(op::GET_ENTITLEMENT)),
        model::<ListEnvelope<Entitlement>>(answer(op::LIST_ENTITLEMENTS)),
        model::<EntitlementGrant>(answer(op::DELIVER_KEY)),
        model::<ListEnvelope<EntitlementGrant>>(answer(op::LIST_GRANTS)),
        model::<ListEnvelope<LicenseKeyGrant>>(answer(op::LIST_CUSTOMER_GRANTS)),
    ];
    results
        .into_iter()
        .filter_map(Result::err)
        .flat_map(|e| {
            let typed = (e.is_activation_limit_reached(), e.is_inactive_license());
            [
                format!("{e}"),
                format!("{e:?} {:?} {typed:?}", e.dodo_code()),
            ]
        })
        .collect()
}

fn model<T: DeserializeOwned + AttachRaw>(
    answer: Result<Response, LicenseError>,
) -> Result<(), LicenseError> {
    answer.and_then(|r| r.model::<T>()).map(drop)
}
