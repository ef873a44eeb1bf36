//! The license-key-instance admin endpoints (bearer API key). Not deprecated.

use futures_core::Stream;
use license_core::LicenseError;
use license_http::{Idempotency, Request};
use serde::Serialize;

use crate::client::Client;
use crate::error::{check, op};
use crate::licenses::invalid;
use crate::models::{LicenseKeyInstance, ListEnvelope};
use crate::pagination::{Page, walk};
use crate::params::ListInstances;

/// The instance admin endpoints; from [`Client::license_key_instances`].
#[derive(Debug, Clone, Copy)]
pub struct LicenseKeyInstances<'a> {
    client: &'a Client,
}

#[derive(Serialize)]
struct RenameBody<'a> {
    name: &'a str,
}

impl<'a> LicenseKeyInstances<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        Self { client }
    }

    /// `GET /license_key_instances/{id}`. Errors: 404.
    pub async fn retrieve(&self, id: &str) -> Result<LicenseKeyInstance, LicenseError> {
        let request = Request::get(op::GET_INSTANCE, ["license_key_instances", id])?;
        check(self.client.send_admin(request).await?)?.json()
    }

    /// `GET /license_key_instances`: one page, `page_size` and `page_number` always sent.
    pub async fn list(
        &self,
        params: &ListInstances,
    ) -> Result<Page<LicenseKeyInstance>, LicenseError> {
        list_page(self.client, params, params.page_number).await
    }

    /// Every instance matching `params`, page after page, stopping after the last page or at the
    /// first error.
    pub fn list_all(
        &self,
        params: ListInstances,
    ) -> impl Stream<Item = Result<LicenseKeyInstance, LicenseError>> + Send + 'static {
        let client = self.client.clone();
        let first = params.page_number;
        walk(first, move |number| {
            let client = client.clone();
            let params = params.clone();
            async move { list_page(&client, &params, number).await }
        })
    }

    /// `PATCH /license_key_instances/{id}`: renames the instance. Errors: 404.
    pub async fn update(&self, id: &str, name: &str) -> Result<LicenseKeyInstance, LicenseError> {
        if name.trim().is_empty() {
            return Err(invalid(op::UPDATE_INSTANCE, "the instance name is empty"));
        }
        let request = Request::patch(op::UPDATE_INSTANCE, ["license_key_instances", id])?
            .idempotency_override(Idempotency::Idempotent)
            .json(&RenameBody { name })?;
        check(self.client.send_admin(request).await?)?.json()
    }
}

async fn list_page(
    client: &Client,
    params: &ListInstances,
    page_number: u32,
) -> Result<Page<LicenseKeyInstance>, LicenseError> {
    let request = params.apply(
        Request::get(op::LIST_INSTANCES, ["license_key_instances"])?,
        page_number,
    );
    let envelope: ListEnvelope<LicenseKeyInstance> =
        check(client.send_admin(request).await?)?.json()?;
    Ok(Page {
        items: envelope.items,
        page_number,
        page_size: params.page_size,
    })
}
