//! The license-key admin endpoints (bearer API key).
//!
//! Dodo marks list, retrieve and update **deprecated** since API v1.95.3 (2026-04): "License keys
//! are now managed through the Entitlements system … This endpoint will be removed in a future
//! release." They still work and are supported here. Create (import) is not deprecated.

use futures_core::Stream;
use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::Client;
use crate::error::{check, op};
use crate::models::LicenseKey;
use crate::models::{CreateLicenseKey, ListLicenseKeys, UpdateLicenseKey};
use crate::pagination::{Listing, Page, fetch_all, fetch_page};

/// The license-key admin endpoints; from [`Client::license_keys`].
#[derive(Debug, Clone)]
pub struct LicenseKeys {
    client: Client,
}

impl LicenseKeys {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /license_keys`: imports a key string; 201 with the key (`source: import`).
    ///
    /// Errors: 404 customer or product not found, 409 the key already exists (`is_conflict`), 422
    /// invalid body. Not retried after an ambiguous failure.
    pub async fn create(&self, params: &CreateLicenseKey) -> Result<LicenseKey, LicenseError> {
        let body = params.body(op::CREATE_KEY)?;
        let request = Request::post(op::CREATE_KEY, ["license_keys"])?
            .redact_key(params.key())
            .json(&body)?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// Same as [`create`](Self::create): Dodo calls importing and creating the same thing.
    pub async fn import(&self, params: &CreateLicenseKey) -> Result<LicenseKey, LicenseError> {
        self.create(params).await
    }

    /// `GET /license_keys/{id}` (**deprecated** by Dodo, still served). Errors: 404.
    pub async fn retrieve(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let request = Request::get(op::GET_KEY, ["license_keys", id])?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `GET /license_keys` (**deprecated** by Dodo, still served): one page, with
    /// `page_size` and `page_number` always sent.
    pub async fn list(&self, params: &ListLicenseKeys) -> Result<Page<LicenseKey>, LicenseError> {
        fetch_page(&self.client, params, params.paging().number).await
    }

    /// Every key matching `params`, page after page from `params`' page number, stopping after
    /// the last (empty or short) page or at the first error. Consume it with
    /// `futures_util::StreamExt` (`next`, `try_collect`, …).
    pub fn list_all(
        &self,
        params: ListLicenseKeys,
    ) -> impl Stream<Item = Result<LicenseKey, LicenseError>> + Send + 'static {
        fetch_all(&self.client, params)
    }

    /// `PATCH /license_keys/{id}` (**deprecated** by Dodo, still served): changes the limit, the
    /// expiry or the disabled flag.
    ///
    /// Errors: 400 expiry on a subscription key (code `NO_EXPIRY_ON_SUBSCRIPTION_LICENSE_KEYS`), 404,
    /// 422 limit below the instances in use (kind `Conflict`, code
    /// `ACTIVATION_LIMIT_LESS_THAN_CURRENT_AMOUNT`).
    pub async fn update(
        &self,
        id: &str,
        update: &UpdateLicenseKey,
    ) -> Result<LicenseKey, LicenseError> {
        update.check(op::UPDATE_KEY)?;
        // Absolute values: repeating the same PATCH has the same effect.
        let request = Request::patch(op::UPDATE_KEY, ["license_keys", id])?
            .idempotency_override(Idempotency::Idempotent)
            .json(update)?;
        check(self.client.send_admin(request).await?)?.model()
    }
}
