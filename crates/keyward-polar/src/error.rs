//! Polar's error body (`{"error": "<Class>", "detail": …}`), the refusals its detail texts name,
//! and how each documented status becomes a typed [`LicenseError`].

use keyward_core::{ErrorKind, LicenseError};
use keyward_http::Response;
use serde::Deserialize;
use serde_json::Value;

/// Why Polar refused a key, read from the `detail` its server writes for each rule
/// (`server/polar/license_key/service.py`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No such key in the organization, or the activation id is unknown or deactivated (404
    /// "Not found").
    NotFound,
    /// The key is revoked or disabled (404 on validate, 403 on activate: "no longer active").
    NoLongerActive,
    /// The key is past `expires_at` ("License key has expired.").
    Expired,
    /// The activation's stored conditions differ from the ones sent (404).
    ConditionsMismatch,
    /// The key belongs to another benefit (404).
    BenefitMismatch,
    /// The key belongs to another customer (404, "does not match given user").
    CustomerMismatch,
    /// `increment_usage` is more than the usages left (400 "only has N more usages").
    UsageLimitReached,
    /// Every activation is in use (403 "activation limit already reached").
    ActivationLimitReached,
    /// The key's benefit has no activation limit, so it cannot be activated: use validate (403).
    ActivationsNotSupported,
}

impl Refusal {
    /// The refusal a `detail` text stands for, if it is one of the server's license rules.
    pub fn from_detail(detail: &str) -> Option<Self> {
        let d = detail.to_ascii_lowercase();
        let refusal = if d.contains("activation limit already reached") {
            Self::ActivationLimitReached
        } else if d.contains("does not support activations") {
            Self::ActivationsNotSupported
        } else if d.contains("no longer active") {
            Self::NoLongerActive
        } else if d.contains("has expired") {
            Self::Expired
        } else if d.contains("required conditions") {
            Self::ConditionsMismatch
        } else if d.contains("given benefit") {
            Self::BenefitMismatch
        } else if d.contains("given user") || d.contains("given customer") {
            Self::CustomerMismatch
        } else if d.contains("more usages") {
            Self::UsageLimitReached
        } else if d.trim() == "not found" {
            Self::NotFound
        } else {
            return None;
        };
        Some(refusal)
    }
}

/// Polar-specific questions to ask a [`LicenseError`] returned by this crate.
///
/// ```
/// use keyward_polar::{PolarErrorExt, Refusal};
/// # fn check(err: keyward_core::LicenseError) {
/// if err.polar_refusal() == Some(Refusal::ActivationLimitReached) {
///     // tell the user to deactivate another device
/// }
/// # }
/// ```
pub trait PolarErrorExt {
    /// The `error` of Polar's body: the server's exception class (`ResourceNotFound`,
    /// `NotPermitted`, `BadRequest`, `RequestValidationError`, …).
    fn polar_error(&self) -> Option<&str>;
    /// The `detail` of Polar's body (for a 422, its messages joined by `; `).
    fn polar_detail(&self) -> Option<&str>;
    /// The license rule that refused the call, when a validate, activate or deactivate answered
    /// 400, 403 or 404 with a known detail (a bare 404 is [`Refusal::NotFound`]).
    fn polar_refusal(&self) -> Option<Refusal>;
    /// Activation refused because every activation of the key is in use (403).
    fn is_activation_limit_reached(&self) -> bool;
}

impl PolarErrorExt for LicenseError {
    fn polar_error(&self) -> Option<&str> {
        self.provider_code()
    }

    fn polar_detail(&self) -> Option<&str> {
        self.provider_message()
    }

    fn polar_refusal(&self) -> Option<Refusal> {
        refusal(self.operation(), self.status(), self.polar_detail())
    }

    fn is_activation_limit_reached(&self) -> bool {
        self.polar_refusal() == Some(Refusal::ActivationLimitReached)
    }
}

/// The refusal an answer stands for: only the key operations' documented statuses count.
fn refusal(operation: Option<&str>, status: Option<u16>, detail: Option<&str>) -> Option<Refusal> {
    let key_operation = matches!(
        operation,
        Some(op::VALIDATE | op::ACTIVATE | op::DEACTIVATE)
    );
    match (key_operation, status) {
        (true, Some(400 | 403 | 404)) => match detail.and_then(Refusal::from_detail) {
            Some(refusal) => Some(refusal),
            None if status == Some(404) => Some(Refusal::NotFound),
            None => None,
        },
        _ => None,
    }
}

/// The operation names used in errors and traces.
pub(crate) mod op {
    pub(crate) const VALIDATE: &str = "validate license key";
    pub(crate) const ACTIVATE: &str = "activate license key";
    pub(crate) const DEACTIVATE: &str = "deactivate license key";
    pub(crate) const LIST_KEYS: &str = "list license keys";
    pub(crate) const GET_KEY: &str = "retrieve license key";
    pub(crate) const UPDATE_KEY: &str = "update license key";
    pub(crate) const GET_ACTIVATION: &str = "retrieve license key activation";
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    detail: Option<Value>,
}

/// Reads Polar's `{error, detail}` body; `detail` is a text, or (422) a list of
/// `{loc, msg, type}` whose messages are joined. Anything else gives `(None, None)`.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(body) = serde_json::from_slice::<ErrorBody>(body) else {
        return (None, None);
    };
    let detail = match body.detail {
        Some(Value::String(text)) => Some(text),
        Some(Value::Array(items)) => {
            let messages: Vec<String> = items
                .iter()
                .map(|item| {
                    let location = item.get("loc").map(Value::to_string).unwrap_or_default();
                    let message = item.get("msg").and_then(Value::as_str).unwrap_or("invalid");
                    format!("{location}: {message}")
                })
                .collect();
            Some(messages.join("; "))
        }
        _ => None,
    };
    (body.error, detail)
}

/// Turns a non-2xx response into its typed error. The status picks the kind (401, 404, 409,
/// 400/422 rejected, 429, 5xx); where Polar uses a status for a license rule, the kind says so:
///
/// | operation | status | kind |
/// | --- | --- | --- |
/// | activate | 403 (limit, inactive, expired, no activations) | `Conflict` |
/// | validate | 400 (usage limit) | `Conflict` |
///
/// A 404 on validate stays `NotFound`: it is how Polar says a key is unknown, revoked, disabled,
/// expired or mismatched; [`PolarErrorExt::polar_refusal`] says which.
pub(crate) fn into_error(response: Response) -> LicenseError {
    let status = response.status();
    let error = response.into_error();
    let conflict = match (error.operation(), status) {
        (Some(op::ACTIVATE), 403) => true,
        (Some(op::VALIDATE), 400) => error.polar_refusal() == Some(Refusal::UsageLimitReached),
        _ => false,
    };
    if conflict {
        error.with_kind(ErrorKind::Conflict)
    } else {
        error
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
    fn error_bodies_are_read_leniently() {
        assert_eq!(
            parse_error_body(br#"{"error":"ResourceNotFound","detail":"Not found","x":1}"#),
            (Some("ResourceNotFound".into()), Some("Not found".into()))
        );
        let (code, detail) = parse_error_body(
            br#"{"error":"RequestValidationError","detail":[{"loc":["body","increment_usage"],"msg":"Input should be greater than or equal to 0","type":"greater_than_equal"}]}"#,
        );
        assert_eq!(code.as_deref(), Some("RequestValidationError"));
        assert!(
            detail
                .unwrap()
                .contains("increment_usage\"]: Input should be")
        );
        assert_eq!(
            parse_error_body(br#"{"detail":"Not Found"}"#).1.as_deref(),
            Some("Not Found")
        );
        assert_eq!(parse_error_body(b"<html>bad gateway</html>"), (None, None));
    }

    #[test]
    fn refusals_by_operation_status_and_detail() {
        use Refusal::*;
        let table: [(&str, u16, Option<&str>, Option<Refusal>); 12] = [
            (op::VALIDATE, 404, Some("Not found"), Some(NotFound)),
            (op::VALIDATE, 404, None, Some(NotFound)),
            (
                op::VALIDATE,
                404,
                Some("License key is no longer active."),
                Some(NoLongerActive),
            ),
            (
                op::VALIDATE,
                404,
                Some("License key has expired."),
                Some(Expired),
            ),
            (
                op::VALIDATE,
                404,
                Some("License key does not match required conditions"),
                Some(ConditionsMismatch),
            ),
            (
                op::VALIDATE,
                404,
                Some("License key does not match given benefit."),
                Some(BenefitMismatch),
            ),
            (
                op::VALIDATE,
                404,
                Some("License key does not match given user."),
                Some(CustomerMismatch),
            ),
            (
                op::VALIDATE,
                400,
                Some("License key only has 3 more usages."),
                Some(UsageLimitReached),
            ),
            (
                op::ACTIVATE,
                403,
                Some("License key activation limit already reached"),
                Some(ActivationLimitReached),
            ),
            (
                op::ACTIVATE,
                403,
                Some(
                    "This license key does not support activations. Use the /validate endpoint instead to check license validity.",
                ),
                Some(ActivationsNotSupported),
            ),
            (op::ACTIVATE, 403, Some("something new"), None),
            (op::GET_KEY, 404, Some("Not found"), None),
        ];
        for (operation, status, detail, expected) in table {
            assert_eq!(
                refusal(Some(operation), Some(status), detail),
                expected,
                "{operation} {status} {detail:?}"
            );
        }
    }
}
