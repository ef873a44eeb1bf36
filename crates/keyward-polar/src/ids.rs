//! Polar's ids are UUIDs: checked here before a request is sent, so a typo is an input error
//! naming the field rather than a 422 from the server.

use keyward_core::LicenseError;

use crate::client::PROVIDER;

/// The id in Polar's canonical form (lowercase, hyphenated), or `None` when it is no UUID.
pub(crate) fn uuid(text: &str) -> Option<String> {
    uuid::Uuid::try_parse(text.trim())
        .ok()
        .map(|id| id.hyphenated().to_string())
}

/// [`uuid`], or an input error naming `what`, tagged with `operation`.
pub(crate) fn require_uuid(
    operation: &'static str,
    what: &str,
    text: &str,
) -> Result<String, LicenseError> {
    uuid(text).ok_or_else(|| invalid(operation, &format!("the {what} is not a UUID")))
}

/// An input error of this crate.
pub(crate) fn invalid(operation: &'static str, message: &str) -> LicenseError {
    LicenseError::invalid_input(message)
        .with_provider(PROVIDER)
        .with_operation(operation)
}
