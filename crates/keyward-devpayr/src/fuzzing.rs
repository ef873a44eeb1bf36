//! Hook for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver.

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::fuzzing::Answer;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::client::{PROFILE, decode};
use crate::error::Call;
use crate::has_paid::read_license_check;
use crate::injectables::InjectablePage;
use crate::models::{CursorPage, Domain, License, LicenseCheck, PaymentStatus};
use crate::{devpayr_error, error_reason};

/// Feeds one answer through every path the client decodes an answer with: each call's envelope
/// and typed error, and the license has-paid verdict. Returns the `Display` and `Debug` of every
/// error built and every denial's message, for the caller to search for the answer's secret.
pub fn decode_answer(received: &Answer<'_>) -> Vec<String> {
    let answer = |operation| received.response(&PROFILE, operation);
    let mut texts = Vec::new();
    let mut errors = Vec::new();
    match read_license_check(answer("has-paid (license)"), "has-paid (license)") {
        Ok(LicenseCheck::Denied(denial)) => texts.extend(denial.message),
        Ok(_) => {}
        Err(error) => errors.push(error),
    }
    let calls = [
        envelope::<License>(answer("show license"), Call::Other),
        envelope::<CursorPage<License>>(answer("list licenses"), Call::Other),
        envelope::<Domain>(answer("show domain"), Call::Other),
        envelope::<CursorPage<Domain>>(answer("list domains"), Call::Other),
        envelope::<InjectablePage>(answer("injectable stream"), Call::LicenseKey),
        envelope::<PaymentStatus>(answer("has-paid (project)"), Call::ProjectHasPaid),
        envelope::<Value>(answer("revoke license"), Call::Revoke),
        envelope::<Value>(answer("reactivate license"), Call::Reactivate),
        envelope::<Value>(answer("delete license"), Call::Delete),
    ];
    errors.extend(calls.into_iter().filter_map(Result::err));
    for error in errors {
        let typed = (error_reason(&error), devpayr_error(&error));
        texts.push(format!("{error}"));
        texts.push(format!("{error:?} {typed:?}"));
    }
    texts
}

fn envelope<T: DeserializeOwned + AttachRaw>(
    response: keyward_http::Response,
    call: Call,
) -> Result<(), LicenseError> {
    decode::<T>(response, call).map(drop)
}
