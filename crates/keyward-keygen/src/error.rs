//! Reading Keygen's error bodies: the JSON:API `errors` array. Every call returns
//! [`LicenseError`]; [`json_api_errors`] recovers the typed array it keeps (redacted).

use keyward_core::LicenseError;
use keyward_core::jsonapi::ErrorDocument;
use serde::Deserialize;

use crate::models::JsonApiError;

/// The `errors` array an error's response carried (a typed view of
/// [`LicenseError::provider_body`]); empty when there was none.
pub fn json_api_errors(error: &LicenseError) -> Vec<JsonApiError> {
    error
        .provider_body()
        .and_then(|body| ErrorDocument::deserialize(body).ok())
        .map(|e| e.errors)
        .unwrap_or_default()
}

/// Reads a Keygen error body into `(code, message)`: the first error's `code` (else its
/// `source.pointer`), and every error's `detail` (else `title`), joined.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    serde_json::from_slice::<ErrorDocument>(body)
        .map(|document| document.code_and_message())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_code_and_detail() {
        // features/api/v1/machines/create.feature
        let (code, message) = parse_error_body(
            br#"{"errors":[{"title":"Unprocessable resource","detail":"has already been taken","code":"FINGERPRINT_TAKEN","source":{"pointer":"/data/attributes/fingerprint"}}]}"#,
        );
        assert_eq!(code.as_deref(), Some("FINGERPRINT_TAKEN"));
        assert_eq!(message.as_deref(), Some("has already been taken"));
        let (code, message) = parse_error_body(br#"{"errors":[{"title":"Not found"}]}"#);
        assert_eq!((code, message.as_deref()), (None, Some("Not found")));
        assert_eq!(parse_error_body(b"<html>"), (None, None));
    }
}
