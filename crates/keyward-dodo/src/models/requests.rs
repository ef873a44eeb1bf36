//! Request parameters of the admin endpoints: list filters, create and update bodies.

use chrono::{DateTime, SecondsFormat, Utc};
use keyward_core::{LicenseError, Patch, SecretLicenseKey};
use keyward_http::Request;
use serde::Serialize;

use crate::error::op;
use crate::licenses::invalid;
use crate::models::{LicenseKey, LicenseKeyInstance, LicenseKeySource, LicenseKeyStatus};
use crate::pagination::{DEFAULT_PAGE_SIZE, Listing};

pub(crate) fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// The page size and the page a listing starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub(crate) size: u32,
    pub(crate) number: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            size: DEFAULT_PAGE_SIZE,
            number: 0,
        }
    }
}

/// Filters and paging of `GET /license_keys`. Every documented filter is here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct ListLicenseKeys {
    paging: Paging,
    customer_id: Option<String>,
    product_id: Option<String>,
    status: Option<LicenseKeyStatus>,
    source: Option<LicenseKeySource>,
    created_at_gte: Option<DateTime<Utc>>,
    created_at_lte: Option<DateTime<Utc>>,
}

impl ListLicenseKeys {
    /// No filters, page 0, 10 a page.
    pub fn new() -> Self {
        Self::default()
    }

    paging_methods!();

    /// Only keys of this customer.
    pub fn customer_id(mut self, id: impl Into<String>) -> Self {
        self.customer_id = Some(id.into());
        self
    }

    /// Only keys of this product.
    pub fn product_id(mut self, id: impl Into<String>) -> Self {
        self.product_id = Some(id.into());
        self
    }

    /// Only keys in this state.
    pub fn status(mut self, status: LicenseKeyStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only keys from this source (`auto`, `import`, `manual`).
    pub fn source(mut self, source: LicenseKeySource) -> Self {
        self.source = Some(source);
        self
    }

    /// Only keys created at or after this time.
    pub fn created_at_gte(mut self, at: DateTime<Utc>) -> Self {
        self.created_at_gte = Some(at);
        self
    }

    /// Only keys created at or before this time.
    pub fn created_at_lte(mut self, at: DateTime<Utc>) -> Self {
        self.created_at_lte = Some(at);
        self
    }
}

impl Listing for ListLicenseKeys {
    type Item = LicenseKey;
    const OPERATION: &'static str = op::LIST_KEYS;

    fn segments(&self) -> Vec<&str> {
        vec!["license_keys"]
    }

    fn paging(&self) -> Paging {
        self.paging
    }

    fn filters(&self, request: Request) -> Request {
        request
            .query_opt("customer_id", self.customer_id.as_deref())
            .query_opt("product_id", self.product_id.as_deref())
            .query_opt("status", self.status.as_ref().map(LicenseKeyStatus::as_str))
            .query_opt("source", self.source.as_ref().map(LicenseKeySource::as_str))
            .query_opt(
                "created_at_gte",
                self.created_at_gte.as_ref().map(timestamp),
            )
            .query_opt(
                "created_at_lte",
                self.created_at_lte.as_ref().map(timestamp),
            )
    }
}

/// Filters and paging of `GET /license_key_instances`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct ListInstances {
    paging: Paging,
    license_key_id: Option<String>,
    grant_id: Option<String>,
}

impl ListInstances {
    /// No filters, page 0, 10 a page.
    pub fn new() -> Self {
        Self::default()
    }

    paging_methods!();

    /// Only instances of this license key (`lic_…`).
    pub fn license_key_id(mut self, id: impl Into<String>) -> Self {
        self.license_key_id = Some(id.into());
        self
    }

    /// Only instances of this entitlement grant (`entg_…`; API v1.97.5 and later).
    pub fn grant_id(mut self, id: impl Into<String>) -> Self {
        self.grant_id = Some(id.into());
        self
    }
}

impl Listing for ListInstances {
    type Item = LicenseKeyInstance;
    const OPERATION: &'static str = op::LIST_INSTANCES;

    fn segments(&self) -> Vec<&str> {
        vec!["license_key_instances"]
    }

    fn paging(&self) -> Paging {
        self.paging
    }

    fn filters(&self, request: Request) -> Request {
        request
            .query_opt("license_key_id", self.license_key_id.as_deref())
            .query_opt("grant_id", self.grant_id.as_deref())
    }
}

/// The body of `POST /license_keys`: import a key string for a customer and product.
#[derive(Debug, Clone)]
#[must_use]
pub struct CreateLicenseKey {
    key: SecretLicenseKey,
    customer_id: String,
    product_id: String,
    activations_limit: Option<u32>,
    expires_at: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
pub(crate) struct CreateBody<'a> {
    key: &'a str,
    customer_id: &'a str,
    product_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    activations_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

impl CreateLicenseKey {
    /// A key with no activation limit that never expires.
    pub fn new(
        key: SecretLicenseKey,
        customer_id: impl Into<String>,
        product_id: impl Into<String>,
    ) -> Self {
        Self {
            key,
            customer_id: customer_id.into(),
            product_id: product_id.into(),
            activations_limit: None,
            expires_at: None,
        }
    }

    /// At most this many activations.
    pub fn activations_limit(mut self, limit: u32) -> Self {
        self.activations_limit = Some(limit);
        self
    }

    /// Expires at this time.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The key string (for redaction).
    pub(crate) fn key(&self) -> &SecretLicenseKey {
        &self.key
    }

    pub(crate) fn body(&self, operation: &'static str) -> Result<CreateBody<'_>, LicenseError> {
        if self.key.is_empty() {
            return Err(invalid(operation, "the license key is empty"));
        }
        if self.customer_id.trim().is_empty() || self.product_id.trim().is_empty() {
            return Err(invalid(
                operation,
                "the customer id and product id are required",
            ));
        }
        check_limit(operation, self.activations_limit)?;
        Ok(CreateBody {
            key: self.key.expose(),
            customer_id: &self.customer_id,
            product_id: &self.product_id,
            activations_limit: self.activations_limit,
            expires_at: self.expires_at.as_ref().map(timestamp),
        })
    }
}

/// The body of `PATCH /license_keys/{id}`. Each field has three states: left out (unchanged),
/// cleared (`null`: unlimited activations / never expires), or set.
///
/// ```
/// use keyward_dodo::UpdateLicenseKey;
///
/// let update = UpdateLicenseKey::new().unlimited_activations().disabled(false);
/// assert_eq!(
///     serde_json::to_string(&update).unwrap(),
///     r#"{"activations_limit":null,"disabled":false}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[must_use]
pub struct UpdateLicenseKey {
    #[serde(skip_serializing_if = "Patch::is_keep")]
    activations_limit: Patch<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled: Option<bool>,
    #[serde(skip_serializing_if = "Patch::is_keep")]
    expires_at: Patch<String>,
}

impl UpdateLicenseKey {
    /// Changes nothing (an empty body `{}` is valid).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the activation limit (Dodo answers 422 when it is below the instances in use).
    pub fn activations_limit(mut self, limit: u32) -> Self {
        self.activations_limit = Patch::Set(limit);
        self
    }

    /// Removes the activation limit (`null`).
    pub fn unlimited_activations(mut self) -> Self {
        self.activations_limit = Patch::Clear;
        self
    }

    /// `true` disables the key, `false` enables it again.
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }

    /// Sets the expiry (Dodo answers 400 for subscription keys).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Patch::Set(timestamp(&at));
        self
    }

    /// Removes the expiry (`null`: never expires).
    pub fn never_expires(mut self) -> Self {
        self.expires_at = Patch::Clear;
        self
    }

    pub(crate) fn check(&self, operation: &'static str) -> Result<(), LicenseError> {
        check_limit(operation, self.activations_limit.as_set().copied())
    }
}

/// The API's limit is an int32.
pub(crate) fn check_limit(operation: &'static str, limit: Option<u32>) -> Result<(), LicenseError> {
    match limit {
        Some(limit) if i32::try_from(limit).is_err() => Err(invalid(
            operation,
            "the activation limit is larger than the API accepts (2147483647)",
        )),
        _ => Ok(()),
    }
}
