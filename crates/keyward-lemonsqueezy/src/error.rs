//! Reading Lemon Squeezy's error bodies: JSON:API `errors[]`, the License API's
//! `{message, errors}` and `{error}`. Every call returns [`LicenseError`]; these helpers recover
//! the typed body it keeps (redacted, as the transport stored it).

use keyward_core::LicenseError;
use keyward_core::jsonapi::ErrorDocument;
use serde::Deserialize;
use serde_json::Value;

use crate::models::{JsonApiError, LicenseApiErrorBody};

/// The JSON:API `errors` array an error's response carried, whole (a typed view of
/// [`LicenseError::provider_body`]). Empty when the response had none (a License API error, a
/// gateway page, or no response at all).
pub fn json_api_errors(error: &LicenseError) -> Vec<JsonApiError> {
    error
        .provider_body()
        .and_then(|body| ErrorDocument::deserialize(body).ok())
        .map(|e| e.errors)
        .unwrap_or_default()
}

/// The License API's `{message, errors}` body (422 validation, 429 throttle) an error carried (a
/// typed view of [`LicenseError::provider_body`]).
pub fn license_api_error_body(error: &LicenseError) -> Option<LicenseApiErrorBody> {
    let body = error.provider_body()?;
    body.get("message")?;
    LicenseApiErrorBody::deserialize(body).ok()
}

/// Reads any Lemon Squeezy error body into `(code, message)` for the transport's errors.
///
/// - JSON:API: the first error's `code` (else its `source.pointer`), and the `detail` (else the
///   `title`) of every error, joined.
/// - License API 422/429: the first field named in `errors`, and `message`.
/// - License API 400/404: `error`.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return (None, None);
    };
    if let Ok(document) = ErrorDocument::deserialize(&value) {
        return document.code_and_message();
    }
    if let Some(message) = value.get("message").and_then(Value::as_str) {
        let code = value
            .get("errors")
            .and_then(Value::as_object)
            .and_then(|m| m.keys().next().cloned());
        return (code, Some(message.to_owned()));
    }
    let message = value
        .get("error")
        .and_then(Value::as_str)
        .map(str::to_owned);
    (None, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_shape() {
        let (code, message) = parse_error_body(
            br#"{"errors":[{"detail":"The activation limit field must be an integer.","source":{"pointer":"/data/attributes/activation_limit"},"status":"422","title":"Unprocessable Entity"}]}"#,
        );
        assert_eq!(code.as_deref(), Some("/data/attributes/activation_limit"));
        assert_eq!(
            message.as_deref(),
            Some("The activation limit field must be an integer.")
        );
        let (code, message) = parse_error_body(
            br#"{"message":"The instance id field is required.","errors":{"instance_id":["x"]}}"#,
        );
        assert_eq!(code.as_deref(), Some("instance_id"));
        assert_eq!(
            message.as_deref(),
            Some("The instance id field is required.")
        );
        let (code, message) =
            parse_error_body(br#"{"valid":false,"error":"license_key not found."}"#);
        assert_eq!(
            (code, message.as_deref()),
            (None, Some("license_key not found."))
        );
        assert_eq!(parse_error_body(b"<html>"), (None, None));
    }
}
