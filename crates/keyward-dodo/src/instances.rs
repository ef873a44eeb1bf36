//! The license-key-instance admin endpoints (bearer API key). Not deprecated.

use futures_core::Stream;
use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};
use serde::Serialize;

use crate::client::Client;
use crate::error::{check, op};
use crate::licenses::invalid;
use crate::models::LicenseKeyInstance;
use crate::models::ListInstances;
use crate::pagination::{Listing, Page, fetch_all, fetch_page};

/// The instance admin endpoints; from [`Client::license_key_instances`].
#[derive(Debug, Clone)]
pub struct LicenseKeyInstances {
    client: Client,
}

#[derive(Serialize)]
struct RenameBody<'a> {
    name: &'a str,
}

impl LicenseKeyInstances {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /license_key_instances/{id}`. Errors: 404.
    pub async fn retrieve(&self, id: &str) -> Result<LicenseKeyInstance, LicenseError> {
        let request = Request::get(op::GET_INSTANCE, ["license_key_instances", id])?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `GET /license_key_instances`: one page, `page_size` and `page_number` always sent.
    pub async fn list(
        &self,
        params: &ListInstances,
    ) -> Result<Page<LicenseKeyInstance>, LicenseError> {
        fetch_page(&self.client, params, params.paging().number).await
    }

    /// Every instance matching `params`, page after page, stopping after the last page or at the
    /// first error.
    pub fn list_all(
        &self,
        params: ListInstances,
    ) -> impl Stream<Item = Result<LicenseKeyInstance, LicenseError>> + Send + 'static {
        fetch_all(&self.client, params)
    }

    /// `PATCH /license_key_instances/{id}`: renames the instance. Errors: 404.
    pub async fn update(&self, id: &str, name: &str) -> Result<LicenseKeyInstance, LicenseError> {
        if name.trim().is_empty() {
            return Err(invalid(op::UPDATE_INSTANCE, "the instance name is empty"));
        }
        let request = Request::patch(op::UPDATE_INSTANCE, ["license_key_instances", id])?
            .idempotency_override(Idempotency::Idempotent)
            .json(&RenameBody { name })?;
        check(self.client.send_admin(request).await?)?.model()
    }
}
