//! The entitlement endpoints (bearer API key): entitlements and the grants issued from them.
//!
//! Dodo replaced its license-key list/get/update endpoints (deprecated in API v1.95.3) with
//! entitlements: a product links to an entitlement whose `integration_type` is `license_key`,
//! and each purchase creates a grant carrying the issued key.

use futures_core::Stream;
use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::Client;
use crate::error::{check, op};
use crate::models::{Entitlement, EntitlementGrant, ListEntitlements, ListGrants};
use crate::pagination::{Listing, Page, fetch_all, fetch_page};

/// The entitlement endpoints; from [`Client::entitlements`].
#[derive(Debug, Clone)]
pub struct Entitlements {
    client: Client,
}

impl Entitlements {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /entitlements`: one page.
    pub async fn list(&self, params: &ListEntitlements) -> Result<Page<Entitlement>, LicenseError> {
        fetch_page(&self.client, params, params.paging().number).await
    }

    /// Every entitlement matching `params`, page after page, stopping after the last page or at
    /// the first error.
    pub fn list_all(
        &self,
        params: ListEntitlements,
    ) -> impl Stream<Item = Result<Entitlement, LicenseError>> + Send + 'static {
        fetch_all(&self.client, params)
    }

    /// `GET /entitlements/{id}`, with its configuration
    /// ([`Entitlement::license_key_config`]). Errors: 404.
    pub async fn retrieve(&self, id: &str) -> Result<Entitlement, LicenseError> {
        let request = Request::get(op::GET_ENTITLEMENT, ["entitlements", id])?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `GET /entitlements/{id}/grants`: one page (filters `customer_id`, `status`).
    pub async fn grants(
        &self,
        params: &ListGrants,
    ) -> Result<Page<EntitlementGrant>, LicenseError> {
        fetch_page(&self.client, params, params.paging().number).await
    }

    /// Every grant matching `params`, page after page.
    pub fn grants_all(
        &self,
        params: ListGrants,
    ) -> impl Stream<Item = Result<EntitlementGrant, LicenseError>> + Send + 'static {
        fetch_all(&self.client, params)
    }

    /// `DELETE /entitlements/{id}/grants/{grant_id}`: revokes a grant (its license key stops
    /// working) and answers the grant. Idempotent: revoking a revoked grant answers it as it is,
    /// so the call is retried on transient failures. Errors: 404.
    pub async fn revoke_grant(
        &self,
        entitlement_id: &str,
        grant_id: &str,
    ) -> Result<EntitlementGrant, LicenseError> {
        let request = Request::delete(
            op::REVOKE_GRANT,
            ["entitlements", entitlement_id, "grants", grant_id],
        )?
        .idempotency_override(Idempotency::Idempotent);
        check(self.client.send_admin(request).await?)?.model()
    }
}
