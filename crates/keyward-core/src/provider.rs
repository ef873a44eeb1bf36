//! The two traits every provider is used through (the app side and the admin side), and their
//! request types.

use std::fmt::Debug;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::{
    Capabilities, Instance, InvalidReason, Lease, LicenseError, LicenseKey, LicenseStatus, Page,
    PageToken, Patch, Provider, SecretLicenseKey, ValidationOutcome,
};

/// Ask a provider whether a key is good.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ValidateRequest {
    /// The key to check.
    pub key: SecretLicenseKey,
    /// The activation to check the key against, if any.
    pub instance_id: Option<String>,
    /// The machine, domain or device the check is for, for providers that bind by name.
    pub instance_name: Option<String>,
}

impl ValidateRequest {
    /// Validate `key` alone.
    pub fn new(key: impl Into<SecretLicenseKey>) -> Self {
        Self {
            key: key.into(),
            instance_id: None,
            instance_name: None,
        }
    }

    /// Validate against an activation.
    #[must_use]
    pub fn instance_id(mut self, id: impl Into<String>) -> Self {
        self.instance_id = Some(id.into());
        self
    }

    /// Validate for a machine, domain or device name.
    #[must_use]
    pub fn instance_name(mut self, name: impl Into<String>) -> Self {
        self.instance_name = Some(name.into());
        self
    }
}

/// Activate a key on a machine, domain or device.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ActivateRequest {
    /// The key to activate.
    pub key: SecretLicenseKey,
    /// A name for this activation (machine name, domain, device id).
    pub instance_name: String,
}

impl ActivateRequest {
    /// Activate `key` as `instance_name`.
    pub fn new(key: impl Into<SecretLicenseKey>, instance_name: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            instance_name: instance_name.into(),
        }
    }
}

/// Free an activation.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DeactivateRequest {
    /// The key the activation belongs to.
    pub key: SecretLicenseKey,
    /// The activation to free.
    pub instance_id: String,
}

impl DeactivateRequest {
    /// Deactivate `instance_id` of `key`.
    pub fn new(key: impl Into<SecretLicenseKey>, instance_id: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            instance_id: instance_id.into(),
        }
    }
}

/// The answer to an activation: an instance, or a refusal with its reason.
///
/// Serializes as `{"outcome": "activated" | "refused", …}`, the license without its key or raw
/// JSON.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActivationOutcome {
    /// The key is now active on this instance.
    Activated {
        /// The new activation.
        instance: Instance,
        /// The license, when the provider described it.
        #[serde(default)]
        license: Option<Box<LicenseKey>>,
    },
    /// The provider refused to activate.
    Refused {
        /// Why.
        reason: InvalidReason,
        /// The license, when the provider described it.
        #[serde(default)]
        license: Option<Box<LicenseKey>>,
    },
}

impl ActivationOutcome {
    /// Whether the key is now active on the instance.
    pub fn is_activated(&self) -> bool {
        matches!(self, Self::Activated { .. })
    }

    /// The new instance, if activated.
    pub fn instance(&self) -> Option<&Instance> {
        match self {
            Self::Activated { instance, .. } => Some(instance),
            Self::Refused { .. } => None,
        }
    }

    /// Why the activation was refused, if it was.
    pub fn reason(&self) -> Option<&InvalidReason> {
        match self {
            Self::Activated { .. } => None,
            Self::Refused { reason, .. } => Some(reason),
        }
    }

    /// The license, when the provider described it.
    pub fn license(&self) -> Option<&LicenseKey> {
        match self {
            Self::Activated { license, .. } | Self::Refused { license, .. } => license.as_deref(),
        }
    }
}

/// List licenses.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct ListRequest {
    /// The page to fetch; `None` for the first.
    pub page: Option<PageToken>,
    /// How many per page, where the provider lets callers choose.
    pub page_size: Option<u32>,
    /// Only licenses in this status.
    pub status: Option<LicenseStatus>,
    /// Only licenses of this product.
    pub product_id: Option<String>,
    /// Only licenses of this customer.
    pub customer_id: Option<String>,
}

impl ListRequest {
    /// The first page, unfiltered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fetch this page.
    #[must_use]
    pub fn page(mut self, page: PageToken) -> Self {
        self.page = Some(page);
        self
    }

    /// Ask for this many per page.
    #[must_use]
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Only this status.
    #[must_use]
    pub fn status(mut self, status: LicenseStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only this product.
    #[must_use]
    pub fn product_id(mut self, id: impl Into<String>) -> Self {
        self.product_id = Some(id.into());
        self
    }

    /// Only this customer.
    #[must_use]
    pub fn customer_id(mut self, id: impl Into<String>) -> Self {
        self.customer_id = Some(id.into());
        self
    }
}

/// Create (or import) a license.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct CreateRequest {
    /// The product it is for.
    pub product_id: Option<String>,
    /// The customer it belongs to.
    pub customer_id: Option<String>,
    /// A key to import; `None` lets the provider generate one.
    pub key: Option<SecretLicenseKey>,
    /// A title or name, for providers that require one.
    pub title: Option<String>,
    /// How many activations; `None` for unlimited.
    pub activation_limit: Option<u32>,
    /// When it expires; `None` for never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Provider metadata.
    pub metadata: Value,
}

impl CreateRequest {
    /// A license for `product_id`.
    pub fn for_product(product_id: impl Into<String>) -> Self {
        Self {
            product_id: Some(product_id.into()),
            ..Self::default()
        }
    }
}

/// Change a license.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UpdateRequest {
    /// The provider's id of the license.
    pub id: String,
    /// New activation limit (`Clear` = unlimited).
    pub activation_limit: Patch<u32>,
    /// New expiry (`Clear` = never).
    pub expires_at: Patch<DateTime<Utc>>,
    /// Disable (`Some(true)`) or enable (`Some(false)`); `None` leaves it.
    pub disabled: Option<bool>,
}

impl UpdateRequest {
    /// An update of license `id` that changes nothing yet.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            activation_limit: Patch::Keep,
            expires_at: Patch::Keep,
            disabled: None,
        }
    }
}

/// List the activations of a license.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct InstancesRequest {
    /// The provider's id of the license.
    pub license_id: String,
    /// The page to fetch; `None` for the first.
    pub page: Option<PageToken>,
    /// How many per page.
    pub page_size: Option<u32>,
}

impl InstancesRequest {
    /// The first page of `license_id`'s activations.
    pub fn new(license_id: impl Into<String>) -> Self {
        Self {
            license_id: license_id.into(),
            page: None,
            page_size: None,
        }
    }
}

/// What an app may do with a license key alone: validate it, activate it, free an activation.
///
/// Object safe: hold it as `Arc<dyn LicenseProvider>` and switch providers by configuration. An
/// operation a provider lacks answers [`LicenseError::is_unsupported`];
/// [`capabilities`](Self::capabilities) says which those are. What needs an admin credential
/// (create, list, update, …) is the separate [`LicenseAdmin`] trait, which only a provider built
/// with such a credential implements: code handed a `dyn LicenseProvider` cannot mint keys.
///
/// ```
/// use keyward_core::{Capabilities, LicenseProvider, Provider, ValidateRequest};
///
/// // A provider of your own, outside this workspace, under its own name.
/// #[derive(Debug)]
/// struct Nothing;
///
/// #[async_trait::async_trait]
/// impl LicenseProvider for Nothing {
///     fn provider(&self) -> Provider { Provider::Custom("nothing") }
///     fn capabilities(&self) -> Capabilities { Capabilities::none() }
/// }
///
/// # tokio_test_block_on(async {
/// let provider: std::sync::Arc<dyn LicenseProvider> = std::sync::Arc::new(Nothing);
/// assert_eq!(provider.provider().to_string(), "nothing");
/// let err = provider.validate(ValidateRequest::new("KEY")).await.unwrap_err();
/// assert!(err.is_unsupported());
/// assert_eq!(err.provider(), Some("nothing"));
/// # });
/// # fn tokio_test_block_on(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
/// # }
/// ```
///
/// The app-side trait has no admin operation:
///
/// ```compile_fail
/// use keyward_core::{CreateRequest, LicenseProvider};
///
/// async fn mint(provider: &dyn LicenseProvider) {
///     let _ = provider.create(CreateRequest::for_product("prod_1")).await; // no such method
/// }
/// ```
#[async_trait]
pub trait LicenseProvider: Send + Sync + Debug {
    /// Which provider this is.
    fn provider(&self) -> Provider;

    /// What this provider supports.
    fn capabilities(&self) -> Capabilities;

    /// Checks a key. An invalid key is `Ok(Invalid { .. })`.
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let _ = request;
        Err(unsupported(self, "validate"))
    }

    /// Activates a key. A refusal (limit reached, disabled) is `Ok(Refused { .. })`.
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let _ = request;
        Err(unsupported(self, "activate"))
    }

    /// Frees an activation.
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        let _ = request;
        Err(unsupported(self, "deactivate"))
    }

    /// Verifies again, offline, the proof of a [`Lease`] this provider handed out (with
    /// [`ValidationOutcome::lease`]): its signature with the keys this provider pins, and that it
    /// says "valid" for `key`. Answers the lease as read from the verified proof, never from a
    /// caller's copy of its times. Providers that sign nothing answer
    /// [`LicenseError::is_unsupported`].
    fn verify_lease(&self, key: &SecretLicenseKey, proof: &str) -> Result<Lease, LicenseError> {
        let _ = (key, proof);
        Err(unsupported(self, "verify_lease"))
    }
}

/// What needs the seller's admin credential: licenses by id, listing, creating, changing
/// (disabling included), and the activations of any license.
///
/// Only a provider built with an admin credential implements it (each adapter's `admin()`
/// checks that its client holds an API key); it extends [`LicenseProvider`], so an
/// `Arc<dyn LicenseAdmin>` coerces to an `Arc<dyn LicenseProvider>` where app-side code needs
/// one. An operation the provider lacks answers [`LicenseError::is_unsupported`], as
/// [`capabilities`](LicenseProvider::capabilities) says.
#[async_trait]
pub trait LicenseAdmin: LicenseProvider {
    /// Fetches one license by the provider's id.
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let _ = id;
        Err(unsupported(self, "get"))
    }

    /// Lists licenses, one page at a time.
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        let _ = request;
        Err(unsupported(self, "list"))
    }

    /// Creates or imports a license.
    async fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        let _ = request;
        Err(unsupported(self, "create"))
    }

    /// Changes a license (its limit, its expiry, disabled or enabled).
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        let _ = request;
        Err(unsupported(self, "update"))
    }

    /// Lists a license's activations.
    async fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        let _ = request;
        Err(unsupported(self, "instances"))
    }
}

/// The error of an operation `provider` lacks.
fn unsupported<P: LicenseProvider + ?Sized>(provider: &P, operation: &'static str) -> LicenseError {
    LicenseError::unsupported(provider.provider().as_str(), operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activation_outcome_answers_like_a_validation() {
        let refused = ActivationOutcome::Refused {
            reason: InvalidReason::LimitReached,
            license: Some(Box::new(LicenseKey::new(
                Provider::Dodo,
                "lic_1",
                LicenseStatus::Active,
            ))),
        };
        assert!(!refused.is_activated() && refused.instance().is_none());
        assert_eq!(refused.reason(), Some(&InvalidReason::LimitReached));
        assert_eq!(refused.license().map(|l| l.id.as_str()), Some("lic_1"));
        let activated = ActivationOutcome::Activated {
            instance: Instance::new("lki_1"),
            license: None,
        };
        assert!(activated.is_activated() && activated.reason().is_none());
        assert_eq!(activated.instance().map(|i| i.id.as_str()), Some("lki_1"));
    }
}
