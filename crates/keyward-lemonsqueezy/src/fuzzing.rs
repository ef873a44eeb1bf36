//! Hook for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver.

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::fuzzing::Answer;
use serde::de::DeserializeOwned;

use crate::client::PROFILE;
use crate::error::{json_api_errors, license_api_error_body};
use crate::licenses::{operation, read_answer};
use crate::models::{Document, LicenseKey, LicenseKeyInstance, LicenseVerb, ListPage};

/// Feeds one answer through every path the client decodes an answer with: the License API
/// verdicts of activate, validate and deactivate, and the JSON:API documents and pages. Returns
/// the `Display` and `Debug` of every error built and every verdict's error text, for the caller
/// to search for the answer's secret.
pub fn decode_answer(received: &Answer<'_>) -> Vec<String> {
    let answer = |operation| received.response(&PROFILE, operation);
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    for verb in [
        LicenseVerb::Activate,
        LicenseVerb::Validate,
        LicenseVerb::Deactivate,
    ] {
        match read_answer(verb, answer(operation(verb))) {
            Ok(verdict) => texts.extend(verdict.error),
            Err(error) => errors.push(error),
        }
    }
    let document = |operation| answer(operation).error_for_status();
    errors.extend(
        [
            model::<Document<LicenseKey>>(document("retrieve license key")),
            model::<Document<LicenseKeyInstance>>(document("retrieve license key instance")),
            model::<ListPage<LicenseKey>>(document("list license keys")),
            model::<ListPage<LicenseKeyInstance>>(document("list license key instances")),
        ]
        .into_iter()
        .filter_map(Result::err),
    );
    for error in errors {
        let details = (json_api_errors(&error), license_api_error_body(&error));
        texts.push(format!("{error}"));
        texts.push(format!("{error:?} {details:?}"));
    }
    texts
}

fn model<T: DeserializeOwned + AttachRaw>(
    answer: Result<keyward_http::Response, LicenseError>,
) -> Result<(), LicenseError> {
    answer.and_then(|r| r.model::<T>()).map(drop)
}
