//! Dodo's error body (`{"code", "message"}`), its codes, and how each documented status becomes a
//! typed [`LicenseError`].

use keyward_core::{ErrorKind, LicenseError};
use keyward_http::Response;
use serde::Deserialize;

/// A Dodo error code (`code` in the error body), open to codes added later.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `LICENSE_KEY_LIMIT_REACHED`: every activation is in use (422 on activate).
    LicenseKeyLimitReached,
    /// `LICENSE_KEY_NOT_FOUND`: the instance is unknown or belongs to another key (403 on
    /// deactivate).
    LicenseKeyNotFound,
    /// `INACTIVE_LICENSE_KEY`: the key is disabled or expired (403 on activate).
    InactiveLicenseKey,
    /// `ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT`: a new limit below the instances in use (422 on
    /// update).
    ActivationLimitLessThanCurrentAmount,
    /// `NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS`: subscription keys cannot expire (400 on update).
    NoExpiryOnSubscriptionLicenseKeys,
    /// `NOT_FOUND`: generic not found.
    NotFound,
    /// `UNAUTHORIZED`: missing or refused API key.
    Unauthorized,
    /// `INVALID_REQUEST_BODY`: malformed body.
    InvalidRequestBody,
    /// `TOO_MANY_REQUESTS`: rate limited.
    TooManyRequests,
    /// `INTERNAL_SERVER_ERROR`: Dodo failed.
    InternalServerError,
    /// Any other code, as sent.
    Other(String),
}

impl ErrorCode {
    /// Reads a code as Dodo spells it.
    pub fn parse(code: &str) -> Self {
        match code {
            "LICENSE_KEY_LIMIT_REACHED" => Self::LicenseKeyLimitReached,
            "LICENSE_KEY_NOT_FOUND" => Self::LicenseKeyNotFound,
            "INACTIVE_LICENSE_KEY" => Self::InactiveLicenseKey,
            "ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT" => {
                Self::ActivationLimitLessThanCurrentAmount
            }
            "NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS" => Self::NoExpiryOnSubscriptionLicenseKeys,
            "NOT_FOUND" => Self::NotFound,
            "UNAUTHORIZED" => Self::Unauthorized,
            "INVALID_REQUEST_BODY" => Self::InvalidRequestBody,
            "TOO_MANY_REQUESTS" => Self::TooManyRequests,
            "INTERNAL_SERVER_ERROR" => Self::InternalServerError,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// Dodo-specific questions to ask a [`LicenseError`] returned by this crate.
///
/// ```
/// use keyward_dodo::DodoErrorExt;
/// # fn check(err: keyward_core::LicenseError) {
/// if err.is_activation_limit_reached() {
///     // tell the user to deactivate another device
/// }
/// # }
/// ```
pub trait DodoErrorExt {
    /// The `code` of Dodo's error body, typed (a view of [`LicenseError::provider_code`]).
    fn dodo_code(&self) -> Option<ErrorCode>;
    /// The `message` of Dodo's error body ([`LicenseError::provider_message`]).
    fn dodo_message(&self) -> Option<&str>;
    /// Activation refused because every activation of the key is in use (422
    /// `LICENSE_KEY_LIMIT_REACHED`).
    fn is_activation_limit_reached(&self) -> bool;
    /// Activation refused because the key is disabled or expired (403 `INACTIVE_LICENSE_KEY`).
    fn is_inactive_license(&self) -> bool;
}

impl DodoErrorExt for LicenseError {
    fn dodo_code(&self) -> Option<ErrorCode> {
        self.provider_code().map(ErrorCode::parse)
    }

    fn dodo_message(&self) -> Option<&str> {
        self.provider_message()
    }

    fn is_activation_limit_reached(&self) -> bool {
        refusal(self.operation(), self.status(), self.dodo_code().as_ref())
            == Some(ErrorCode::LicenseKeyLimitReached)
    }

    fn is_inactive_license(&self) -> bool {
        refusal(self.operation(), self.status(), self.dodo_code().as_ref())
            == Some(ErrorCode::InactiveLicenseKey)
    }
}

/// The activation refusal an error stands for: its code when Dodo sent one, else the status
/// activate documents for it (403 inactive, 422 limit). A 422 with another code (a malformed
/// body, say) is no refusal.
fn refusal(
    operation: Option<&str>,
    status: Option<u16>,
    code: Option<&ErrorCode>,
) -> Option<ErrorCode> {
    match (code, operation, status) {
        (Some(code @ (ErrorCode::LicenseKeyLimitReached | ErrorCode::InactiveLicenseKey)), ..) => {
            Some(code.clone())
        }
        (Some(_), ..) => None,
        (None, Some(op::ACTIVATE), Some(422)) => Some(ErrorCode::LicenseKeyLimitReached),
        (None, Some(op::ACTIVATE), Some(403)) => Some(ErrorCode::InactiveLicenseKey),
        _ => None,
    }
}

/// The operation names used in errors and traces.
pub(crate) mod op {
    pub(crate) const ACTIVATE: &str = "activate license key";
    pub(crate) const DEACTIVATE: &str = "deactivate license key";
    pub(crate) const VALIDATE: &str = "validate license key";
    pub(crate) const LIST_KEYS: &str = "list license keys";
    pub(crate) const GET_KEY: &str = "retrieve license key";
    pub(crate) const UPDATE_KEY: &str = "update license key";
    pub(crate) const CREATE_KEY: &str = "create license key";
    pub(crate) const LIST_INSTANCES: &str = "list license key instances";
    pub(crate) const GET_INSTANCE: &str = "retrieve license key instance";
    pub(crate) const UPDATE_INSTANCE: &str = "update license key instance";
    pub(crate) const LIST_ENTITLEMENTS: &str = "list entitlements";
    pub(crate) const GET_ENTITLEMENT: &str = "retrieve entitlement";
    pub(crate) const LIST_GRANTS: &str = "list entitlement grants";
    pub(crate) const REVOKE_GRANT: &str = "revoke entitlement grant";
    pub(crate) const DELIVER_KEY: &str = "deliver license key to grant";
    pub(crate) const LIST_CUSTOMER_GRANTS: &str = "list customer entitlement grants";
    pub(crate) const GET_PRODUCT: &str = "retrieve product";
    pub(crate) const GET_CUSTOMER: &str = "retrieve customer";
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

/// Reads Dodo's `{code, message}` error body; anything else gives `(None, None)`.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => (b.code, b.message),
        Err(_) => (None, None),
    }
}

/// Turns a non-2xx response into its typed error. The status picks the kind; where Dodo uses a
/// status for a state rule rather than its HTTP meaning, the kind says so:
///
/// | operation | status | kind |
/// | --- | --- | --- |
/// | activate | 403 (inactive key) | `Conflict` |
/// | activate | 422 (limit reached) | `Conflict` |
/// | deactivate | 403 (instance not on this key) | `NotFound` |
/// | update key | 422 (limit below instances) | `Conflict` |
///
/// A 422 or 403 whose body names another code (`INVALID_REQUEST_BODY`) keeps its status's kind.
/// Everything else keeps the status's kind (401 unauthorized, 404 not found, 409 conflict,
/// 400/422 rejected, 429 rate limited, 5xx server). The body's code and message are kept.
pub(crate) fn into_error(response: Response) -> LicenseError {
    let status = response.status();
    let error = response.into_error();
    let operation = error.operation().unwrap_or("");
    let code = error.dodo_code();
    let kind = match (operation, status, &code) {
        _ if refusal(Some(operation), Some(status), code.as_ref()).is_some() => {
            Some(ErrorKind::Conflict)
        }
        (_, _, Some(ErrorCode::ActivationLimitLessThanCurrentAmount))
        | (op::UPDATE_KEY, 422, None) => Some(ErrorKind::Conflict),
        (op::DEACTIVATE, 403, _) => Some(ErrorKind::NotFound),
        _ => None,
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
    fn error_body_is_read_leniently() {
        assert_eq!(
            parse_error_body(br#"{"code":"NOT_FOUND","message":"Item not found","extra":1}"#),
            (Some("NOT_FOUND".into()), Some("Item not found".into()))
        );
        assert_eq!(parse_error_body(b"<html>bad gateway</html>"), (None, None));
        assert_eq!(parse_error_body(b""), (None, None));
        assert_eq!(
            ErrorCode::parse("NEW_CODE"),
            ErrorCode::Other("NEW_CODE".into())
        );
    }
}
