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

/// The error of asking for the admin role with a client that holds no API key.
pub(crate) fn missing_admin_key(provider: Provider, env: &str) -> LicenseError {
    LicenseError::config(format!(
        "the admin operations need an API key: set one on the {provider} client's builder (api_key or {env})"
    ))
    .with_provider(provider.as_str())
}

/// `impl LicenseProvider` for an admin type (`$admin { provider: $app }`): each app-side call is
/// the inner provider's, whose boxed future is handed on as it is (no second box, as an
/// `async fn` delegation would make); the capabilities are both roles'.
#[allow(
    unused_macros,
    reason = "used by each provider's adapter, none without providers"
)]
macro_rules! app_side_of_admin {
    ($admin:ty) => {
        impl keyward_core::LicenseProvider for $admin {
            fn provider(&self) -> keyward_core::Provider {
                self.provider.provider()
            }

            fn capabilities(&self) -> keyward_core::Capabilities {
                self.provider.admin_capabilities()
            }

            fn validate<'life0, 'async_trait>(
                &'life0 self,
                request: keyward_core::ValidateRequest,
            ) -> std::pin::Pin<
                Box<
                    dyn std::future::Future<
                            Output = Result<keyward_core::ValidationOutcome, LicenseError>,
                        > + Send
                        + 'async_trait,
                >,
            >
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                self.provider.validate(request)
            }

            fn activate<'life0, 'async_trait>(
                &'life0 self,
                request: keyward_core::ActivateRequest,
            ) -> std::pin::Pin<
                Box<
                    dyn std::future::Future<
                            Output = Result<keyward_core::ActivationOutcome, LicenseError>,
                        > + Send
                        + 'async_trait,
                >,
            >
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                self.provider.activate(request)
            }

            fn deactivate<'life0, 'async_trait>(
                &'life0 self,
                request: keyward_core::DeactivateRequest,
            ) -> std::pin::Pin<
                Box<
                    dyn std::future::Future<Output = Result<(), LicenseError>>
                        + Send
                        + 'async_trait,
                >,
            >
            where
                'life0: 'async_trait,
                Self: 'async_trait,
            {
                self.provider.deactivate(request)
            }

            fn verify_lease(
                &self,
                key: &keyward_core::SecretLicenseKey,
                proof: &str,
            ) -> Result<keyward_core::Lease, LicenseError> {
                self.provider.verify_lease(key, proof)
            }
        }
    };
}
#[allow(
    unused_imports,
    reason = "used by each provider's adapter, none without providers"
)]
pub(crate) use app_side_of_admin;
