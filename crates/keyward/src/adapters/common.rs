//! Mapping helpers shared by the adapters. Each adapter uses some of them, depending on the
//! enabled features, hence the `dead_code` allowance.
#![allow(dead_code)]

use keyward_core::{ErrorKind, InvalidReason, LicenseError, LicenseStatus, Provider};
use serde_json::Value;

/// A provider count as a `u32`; negative or huge values become `None` instead of wrapping.
pub(crate) fn count_i64(value: i64) -> Option<u32> {
    u32::try_from(value).ok()
}

/// A provider count as a `u32`; huge values become `None` instead of wrapping.
pub(crate) fn count_u64(value: u64) -> Option<u32> {
    u32::try_from(value).ok()
}

/// Why a license in `status` may not be used; `None` when the status allows use.
pub(crate) fn reason_for_status(status: &LicenseStatus) -> Option<InvalidReason> {
    match status {
        LicenseStatus::Active | LicenseStatus::Inactive => None,
        LicenseStatus::Expired => Some(InvalidReason::Expired),
        LicenseStatus::Disabled => Some(InvalidReason::Disabled),
        LicenseStatus::Revoked => Some(InvalidReason::Revoked),
        LicenseStatus::Suspended => Some(InvalidReason::Suspended),
        LicenseStatus::Other(other) => Some(InvalidReason::Other(other.clone())),
        _ => Some(InvalidReason::Other(status.as_str().to_owned())),
    }
}

/// An input the provider cannot take, reported before anything is sent.
pub(crate) fn unsupported_input(
    provider: Provider,
    operation: &'static str,
    message: impl Into<String>,
) -> LicenseError {
    LicenseError::invalid_input(message)
        .with_provider(provider.as_str())
        .with_operation(operation)
}

/// Whether a `metadata` value carries nothing (`null` or `{}`).
pub(crate) fn is_empty_metadata(metadata: &Value) -> bool {
    match metadata {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

/// A provider's refusal of an operation that has no "answer" to return (deactivate, create,
/// update) as an error: an unknown key or instance is `is_not_found()`, a disabled or expired key
/// `is_conflict()`, anything else a rejection. `text` is the provider's words (no secret), `code`
/// its code.
pub(crate) fn refusal_error(
    provider: Provider,
    operation: &'static str,
    reason: &InvalidReason,
    text: String,
    code: Option<String>,
) -> LicenseError {
    let kind = match reason {
        InvalidReason::NotFound | InvalidReason::InstanceMismatch => ErrorKind::NotFound,
        InvalidReason::Expired | InvalidReason::Disabled => ErrorKind::Conflict,
        _ => ErrorKind::Rejected,
    };
    LicenseError::new(kind, format!("refused: {text}"))
        .with_provider(provider.as_str())
        .with_operation(operation)
        .with_provider_error(code, Some(text))
}
