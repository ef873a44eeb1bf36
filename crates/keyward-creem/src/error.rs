//! Creem's error body (`{"trace_id", "status", "error", "message": [...]}`), the refusals its
//! statuses stand for, and how each becomes a typed [`LicenseError`].
//!
//! Creem's documents disagree on the statuses of license errors (no server source is public):
//! the licenses guide says 403 = activation limit (activate), 409 = already deactivated
//! (deactivate), 410 = revoked or expired (validate); the error-code page says 403 = invalid API
//! key; the OpenAPI lists only 400, 401 and 404. Each reading is accepted: a 403 on activate is
//! the limit unless its message speaks of the API key, any other 403 is an authorization
//! failure.

use keyward_core::{ErrorKind, LicenseError};
use keyward_http::Response;
use serde::Deserialize;
use serde_json::Value;

/// Why Creem refused a license call, read from the status (and message) of its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The key or instance does not exist (404).
    NotFound,
    /// Every activation is in use (403 on activate, per the licenses guide).
    ActivationLimitReached,
    /// The instance is deactivated already (409 on deactivate, per the licenses guide).
    AlreadyDeactivated,
    /// The license is revoked or expired (410 on validate, per the licenses guide).
    RevokedOrExpired,
}

/// Creem-specific questions to ask a [`LicenseError`] returned by this crate.
pub trait CreemErrorExt {
    /// The `error` of Creem's body (the status text, e.g. `Bad Request`).
    fn creem_error(&self) -> Option<&str>;
    /// The `message` of Creem's body (its entries joined by `; `).
    fn creem_message(&self) -> Option<&str>;
    /// The license rule that refused the call, for an activate, validate or deactivate.
    fn creem_refusal(&self) -> Option<Refusal>;
}

impl CreemErrorExt for LicenseError {
    fn creem_error(&self) -> Option<&str> {
        self.provider_code()
    }

    fn creem_message(&self) -> Option<&str> {
        self.provider_message()
    }

    fn creem_refusal(&self) -> Option<Refusal> {
        refusal(self.operation(), self.status(), self.creem_message())
    }
}

/// The refusal of an answer: a pure function of the operation, the status and the message.
fn refusal(operation: Option<&str>, status: Option<u16>, message: Option<&str>) -> Option<Refusal> {
    let about_key = message.is_some_and(|m| m.to_ascii_lowercase().contains("api key"));
    match (operation, status) {
        (Some(op::ACTIVATE | op::VALIDATE | op::DEACTIVATE), Some(404)) => Some(Refusal::NotFound),
        (Some(op::ACTIVATE), Some(403)) if !about_key => Some(Refusal::ActivationLimitReached),
        (Some(op::DEACTIVATE), Some(409)) => Some(Refusal::AlreadyDeactivated),
        (Some(op::VALIDATE), Some(410)) => Some(Refusal::RevokedOrExpired),
        _ => None,
    }
}

/// The operation names used in errors and traces.
pub(crate) mod op {
    pub(crate) const ACTIVATE: &str = "activate license key";
    pub(crate) const VALIDATE: &str = "validate license key";
    pub(crate) const DEACTIVATE: &str = "deactivate license key";
    pub(crate) const LIST_CUSTOMER: &str = "list customer licenses";
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    message: Option<Value>,
}

/// Reads Creem's error body; `message` is a list of texts (or one text). Anything else gives
/// `(None, None)`.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(body) = serde_json::from_slice::<ErrorBody>(body) else {
        return (None, None);
    };
    let message = match body.message {
        Some(Value::String(text)) => Some(text),
        Some(Value::Array(items)) => {
            let texts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            Some(texts.join("; "))
        }
        _ => None,
    };
    (body.error, message)
}

/// Turns a non-2xx response into its typed error: the refusals are `Conflict` (limit, already
/// deactivated, revoked or expired) or `NotFound`; another 403 is `Unauthorized`.
pub(crate) fn into_error(response: Response) -> LicenseError {
    let error = response.into_error();
    let kind = match error.creem_refusal() {
        Some(Refusal::NotFound) => Some(ErrorKind::NotFound),
        Some(_) => Some(ErrorKind::Conflict),
        None if error.status() == Some(403) => Some(ErrorKind::Unauthorized),
        None => None,
    };
    match kind {
        Some(kind) => error.with_kind(kind),
        None => error,
    }
}

/// `Ok(response)` for 2xx, the typed error otherwise.
pub(crate) fn check(response: Response) -> Result<Response, LicenseError> {
    if response.is_success() {
        Ok(response)
    } else {
        Err(into_error(response))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_and_refusals() {
        let body = br#"{"trace_id":"550e8400-e29b-41d4-a716-446655440000","status":400,"error":"Bad Request","message":["The 'product_id' field is required."],"timestamp":1706889600000}"#;
        assert_eq!(
            parse_error_body(body),
            (
                Some("Bad Request".into()),
                Some("The 'product_id' field is required.".into())
            )
        );
        assert_eq!(parse_error_body(b"<html>"), (None, None));
        let table = [
            (
                op::ACTIVATE,
                403,
                None,
                Some(Refusal::ActivationLimitReached),
            ),
            (op::ACTIVATE, 403, Some("Invalid API key"), None),
            (op::VALIDATE, 403, None, None),
            (op::VALIDATE, 410, None, Some(Refusal::RevokedOrExpired)),
            (op::DEACTIVATE, 409, None, Some(Refusal::AlreadyDeactivated)),
            (op::DEACTIVATE, 404, None, Some(Refusal::NotFound)),
            (op::LIST_CUSTOMER, 404, None, None),
        ];
        for (operation, status, message, expected) in table {
            assert_eq!(
                refusal(Some(operation), Some(status), message),
                expected,
                "{operation} {status}"
            );
        }
    }
}
