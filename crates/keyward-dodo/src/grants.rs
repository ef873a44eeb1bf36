//! The grant endpoints that are not under an entitlement: delivering a key to a pending grant,
//! and a customer's grants (bearer API key).

use futures_core::Stream;
use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::Client;
use crate::error::{check, op};
use crate::models::{DeliverLicenseKey, EntitlementGrant, ListCustomerGrants};
use crate::pagination::{Listing, Page, fetch_all, fetch_page};

/// The grant endpoints; from [`Client::grants`].
#[derive(Debug, Clone)]
pub struct Grants {
    client: Client,
}

impl Grants {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /grants/{grant_id}/license-key`: delivers a key to a `Pending` grant of a
    /// manual-fulfilment entitlement. The grant becomes `Delivered`, the customer is e-mailed,
    /// and `license_key.created` and `entitlement_grant.delivered` webhooks fire.
    ///
    /// Not idempotent: never retried once it may have been sent (a second delivery could issue
    /// a second key). Errors: 404 unknown grant, 409/422 the grant is not pending or the key is
    /// taken, 422 invalid body.
    pub async fn deliver_license_key(
        &self,
        grant_id: &str,
        params: &DeliverLicenseKey,
    ) -> Result<EntitlementGrant, LicenseError> {
        let body = params.body(op::DELIVER_KEY)?;
        let request = Request::post(op::DELIVER_KEY, ["grants", grant_id, "license-key"])?
            .idempotency_override(Idempotency::NonIdempotent)
            .redact_key(params.key())
            .json(&body)?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `GET /customers/{customer_id}/entitlement-grants`: one page (filters
    /// `integration_type`, `status`).
    pub async fn for_customer(
        &self,
        params: &ListCustomerGrants,
    ) -> Result<Page<EntitlementGrant>, LicenseError> {
        fetch_page(&self.client, params, params.paging().number).await
    }

    /// Every grant of a customer matching `params`, page after page.
    pub fn for_customer_all(
        &self,
        params: ListCustomerGrants,
    ) -> impl Stream<Item = Result<EntitlementGrant, LicenseError>> + Send + 'static {
        fetch_all(&self.client, params)
    }
}
