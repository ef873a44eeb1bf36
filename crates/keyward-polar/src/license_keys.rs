//! The license-key admin endpoints (organization access token with `license_keys:read`, and
//! `license_keys:write` for update). Polar has no create and no delete: keys are made by a
//! license-keys benefit on purchase, and "deleting" is revoking or disabling.

use futures_core::Stream;
use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::Client;
use crate::error::{check, op};
use crate::ids::require_uuid;
use crate::models::{
    ActivatedLicenseKey, LicenseKey, LicenseKeyWithActivations, ListLicenseKeys, UpdateLicenseKey,
};
use crate::pagination::{Page, fetch_all, fetch_page};

/// The license-key admin endpoints; from [`Client::license_keys`].
#[derive(Debug, Clone)]
pub struct LicenseKeys {
    client: Client,
}

impl LicenseKeys {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /v1/license-keys/`: one page of the organization's keys, oldest first.
    pub async fn list(&self, params: &ListLicenseKeys) -> Result<Page<LicenseKey>, LicenseError> {
        fetch_page(&self.client, params, params.paging.page).await
    }

    /// Every key matching `params`, page after page, stopping after Polar's last page or at the
    /// first error. Consume it with `futures_util::StreamExt`.
    pub fn list_all(
        &self,
        params: ListLicenseKeys,
    ) -> impl Stream<Item = Result<LicenseKey, LicenseError>> + Send + 'static {
        fetch_all(&self.client, params)
    }

    /// `GET /v1/license-keys/{id}`: the key with its live activations. Errors: 404.
    pub async fn retrieve(&self, id: &str) -> Result<LicenseKeyWithActivations, LicenseError> {
        let id = require_uuid(op::GET_KEY, "license key id", id)?;
        let request = Request::get(op::GET_KEY, ["v1", "license-keys", &id])?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `PATCH /v1/license-keys/{id}`: changes the status, usage, limits or expiry; only the
    /// fields set are sent. A status change makes Polar revoke or re-grant the benefit grant.
    /// Absolute values, so retried like a GET. Errors: 404, 422.
    pub async fn update(
        &self,
        id: &str,
        update: &UpdateLicenseKey,
    ) -> Result<LicenseKey, LicenseError> {
        let id = require_uuid(op::UPDATE_KEY, "license key id", id)?;
        update.check(op::UPDATE_KEY)?;
        let request = Request::patch(op::UPDATE_KEY, ["v1", "license-keys", &id])?
            .idempotency_override(Idempotency::Idempotent)
            .json(update)?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `GET /v1/license-keys/{id}/activations/{activation_id}`: one activation with its key.
    /// Errors: 404.
    pub async fn activation(
        &self,
        id: &str,
        activation_id: &str,
    ) -> Result<ActivatedLicenseKey, LicenseError> {
        let id = require_uuid(op::GET_ACTIVATION, "license key id", id)?;
        let activation_id = require_uuid(op::GET_ACTIVATION, "activation id", activation_id)?;
        let segments = ["v1", "license-keys", &id, "activations", &activation_id];
        let request = Request::get(op::GET_ACTIVATION, segments)?;
        check(self.client.send_admin(request).await?)?.model()
    }
}
