//! Request parameters of the entitlement and grant endpoints.

use chrono::{DateTime, Utc};
use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::Request;
use serde::Serialize;

use crate::error::op;
use crate::licenses::invalid;
use crate::models::{Entitlement, EntitlementGrant, GrantStatus, IntegrationType, Paging};
use crate::pagination::Listing;

use super::requests::{check_limit, timestamp};

/// Filters and paging of `GET /entitlements`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct ListEntitlements {
    paging: Paging,
    integration_type: Option<IntegrationType>,
}

impl ListEntitlements {
    /// No filter, page 0, 10 a page.
    pub fn new() -> Self {
        Self::default()
    }

    paging_methods!();

    /// Only entitlements of this integration (`license_key`, say).
    pub fn integration_type(mut self, integration_type: IntegrationType) -> Self {
        self.integration_type = Some(integration_type);
        self
    }
}

impl Listing for ListEntitlements {
    type Item = Entitlement;
    const OPERATION: &'static str = op::LIST_ENTITLEMENTS;

    fn segments(&self) -> Vec<&str> {
        vec!["entitlements"]
    }

    fn paging(&self) -> Paging {
        self.paging
    }

    fn filters(&self, request: Request) -> Request {
        request.query_opt(
            "integration_type",
            self.integration_type.as_ref().map(IntegrationType::as_str),
        )
    }
}

/// Filters and paging of `GET /entitlements/{id}/grants`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct ListGrants {
    entitlement_id: String,
    paging: Paging,
    customer_id: Option<String>,
    status: Option<GrantStatus>,
}

impl ListGrants {
    /// Every grant of this entitlement (`ent_…`), page 0, 10 a page.
    pub fn new(entitlement_id: impl Into<String>) -> Self {
        Self {
            entitlement_id: entitlement_id.into(),
            paging: Paging::default(),
            customer_id: None,
            status: None,
        }
    }

    paging_methods!();

    /// Only grants of this customer (`cus_…`).
    pub fn customer_id(mut self, id: impl Into<String>) -> Self {
        self.customer_id = Some(id.into());
        self
    }

    /// Only grants in this state (sent as the SDK spells it: `Pending`, …).
    pub fn status(mut self, status: GrantStatus) -> Self {
        self.status = Some(status);
        self
    }
}

impl Listing for ListGrants {
    type Item = EntitlementGrant;
    const OPERATION: &'static str = op::LIST_GRANTS;

    fn segments(&self) -> Vec<&str> {
        vec!["entitlements", &self.entitlement_id, "grants"]
    }

    fn paging(&self) -> Paging {
        self.paging
    }

    fn filters(&self, request: Request) -> Request {
        request
            .query_opt("customer_id", self.customer_id.as_deref())
            .query_opt("status", self.status.as_ref().map(GrantStatus::as_str))
    }
}

/// Filters and paging of `GET /customers/{customer_id}/entitlement-grants`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct ListCustomerGrants {
    customer_id: String,
    paging: Paging,
    integration_type: Option<IntegrationType>,
    status: Option<GrantStatus>,
}

impl ListCustomerGrants {
    /// Every grant of this customer (`cus_…`), page 0, 10 a page.
    pub fn new(customer_id: impl Into<String>) -> Self {
        Self {
            customer_id: customer_id.into(),
            paging: Paging::default(),
            integration_type: None,
            status: None,
        }
    }

    paging_methods!();

    /// Only grants of entitlements with this integration.
    pub fn integration_type(mut self, integration_type: IntegrationType) -> Self {
        self.integration_type = Some(integration_type);
        self
    }

    /// Only grants in this state.
    pub fn status(mut self, status: GrantStatus) -> Self {
        self.status = Some(status);
        self
    }
}

impl Listing for ListCustomerGrants {
    type Item = EntitlementGrant;
    const OPERATION: &'static str = op::LIST_CUSTOMER_GRANTS;

    fn segments(&self) -> Vec<&str> {
        vec!["customers", &self.customer_id, "entitlement-grants"]
    }

    fn paging(&self) -> Paging {
        self.paging
    }

    fn filters(&self, request: Request) -> Request {
        request
            .query_opt(
                "integration_type",
                self.integration_type.as_ref().map(IntegrationType::as_str),
            )
            .query_opt("status", self.status.as_ref().map(GrantStatus::as_str))
    }
}

/// The body of `POST /grants/{grant_id}/license-key`: the key to deliver to a pending grant.
/// Limit and expiry default to the entitlement's configuration when left out.
#[derive(Debug, Clone)]
#[must_use]
pub struct DeliverLicenseKey {
    key: SecretLicenseKey,
    activations_limit: Option<u32>,
    expires_at: Option<DateTime<Utc>>,
}

#[derive(Serialize)]
pub(crate) struct DeliverBody<'a> {
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    activations_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

impl DeliverLicenseKey {
    /// Delivers this key with the entitlement's limit and duration.
    pub fn new(key: SecretLicenseKey) -> Self {
        Self {
            key,
            activations_limit: None,
            expires_at: None,
        }
    }

    /// A per-key activation limit instead of the entitlement's.
    pub fn activations_limit(mut self, limit: u32) -> Self {
        self.activations_limit = Some(limit);
        self
    }

    /// An expiry instead of the entitlement's duration.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// The key string (for redaction).
    pub(crate) fn key(&self) -> &SecretLicenseKey {
        &self.key
    }

    pub(crate) fn body(&self, operation: &'static str) -> Result<DeliverBody<'_>, LicenseError> {
        if self.key.is_empty() {
            return Err(invalid(operation, "the license key is empty"));
        }
        check_limit(operation, self.activations_limit)?;
        Ok(DeliverBody {
            key: self.key.expose(),
            activations_limit: self.activations_limit,
            expires_at: self.expires_at.as_ref().map(timestamp),
        })
    }
}
