//! Gumroad's error bodies (`{"success": false, "message"}`, or `"error": "Not found"`), and the
//! refusals their texts name (`app/controllers/api/v2/licenses_controller.rb`).

use keyward_core::{ErrorKind, LicenseError};
use keyward_http::Response;
use serde::Deserialize;

/// Why Gumroad refused a license.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// "That license does not exist for the provided product." (404; also another seller's).
    NotFound,
    /// "This license key has been disabled." (404 on verify).
    Disabled,
    /// "Access to the purchase associated with this license has expired." (404).
    AccessExpired,
    /// The product needs `product_id` (500 naming it): a configuration error.
    ProductIdRequired,
}

impl Refusal {
    /// The refusal of a status and message.
    fn of(status: Option<u16>, message: Option<&str>) -> Option<Self> {
        let m = message.unwrap_or("").to_ascii_lowercase();
        match status {
            Some(404) if m.contains("has been disabled") => Some(Self::Disabled),
            Some(404) if m.contains("has expired") => Some(Self::AccessExpired),
            Some(404) => Some(Self::NotFound),
            Some(500) if m.contains("'product_id' parameter is required") => {
                Some(Self::ProductIdRequired)
            }
            _ => None,
        }
    }
}

/// Gumroad-specific questions to ask a [`LicenseError`] returned by this crate.
pub trait GumroadErrorExt {
    /// The `message` (or `error`) of Gumroad's body.
    fn gumroad_message(&self) -> Option<&str>;
    /// The refusal the answer stands for.
    fn gumroad_refusal(&self) -> Option<Refusal>;
}

impl GumroadErrorExt for LicenseError {
    fn gumroad_message(&self) -> Option<&str> {
        self.provider_message()
    }

    fn gumroad_refusal(&self) -> Option<Refusal> {
        Refusal::of(self.status(), self.provider_message())
    }
}

/// The operation names used in errors and traces.
pub(crate) mod op {
    pub(crate) const VERIFY: &str = "verify license";
    pub(crate) const ENABLE: &str = "enable license";
    pub(crate) const DISABLE: &str = "disable license";
    pub(crate) const DECREMENT: &str = "decrement license uses";
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// Reads Gumroad's error body: no code, the `message` (or `error`) as the message.
pub(crate) fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => (None, b.message.or(b.error)),
        Err(_) => (None, None),
    }
}

/// The typed error of a non-2xx answer: the 500 asking for `product_id` is a configuration
/// error (the call can never succeed as configured).
pub(crate) fn check(response: Response) -> Result<Response, LicenseError> {
    if response.is_success() {
        return Ok(response);
    }
    let error = response.into_error();
    Err(match error.gumroad_refusal() {
        Some(Refusal::ProductIdRequired) => error.with_kind(ErrorKind::Config),
        _ => error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_by_status_and_text() {
        let table = [
            (
                404,
                "That license does not exist for the provided product.",
                Some(Refusal::NotFound),
            ),
            (
                404,
                "This license key has been disabled.",
                Some(Refusal::Disabled),
            ),
            (
                404,
                "Access to the purchase associated with this license has expired.",
                Some(Refusal::AccessExpired),
            ),
            (
                500,
                "The 'product_id' parameter is required to verify the license for this product. Please set 'product_id' to 'x' in the request.",
                Some(Refusal::ProductIdRequired),
            ),
            (500, "boom", None),
        ];
        for (status, message, expected) in table {
            assert_eq!(
                Refusal::of(Some(status), Some(message)),
                expected,
                "{message}"
            );
        }
        assert_eq!(
            parse_error_body(br#"{"success":false,"error":"Not found"}"#)
                .1
                .as_deref(),
            Some("Not found")
        );
    }
}
