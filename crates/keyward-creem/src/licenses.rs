//! The license endpoints, all behind the secret `x-api-key`: activate, validate, deactivate,
//! and a customer's licenses.

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};
use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request};
use serde::Serialize;

use crate::client::{Client, PROVIDER};
use crate::error::{check, op};
use crate::models::{License, ListEnvelope, Pagination};

/// The page size Creem uses when none is sent.
pub const DEFAULT_PAGE_SIZE: u32 = 10;

/// The license endpoints; from [`Client::licenses`].
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
}

/// One page of a customer's licenses.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// The licenses on this page.
    pub items: Vec<License>,
    /// Where the listing stands, as Creem sent it.
    pub pagination: Pagination,
}

impl Page {
    /// The page to ask for next (Creem's `next_page`), or `None` on the last page.
    pub fn next_page(&self) -> Option<u32> {
        let next = self.pagination.next_page?;
        let next = u32::try_from(next).ok()?;
        // A page that does not move forward would loop.
        (u64::from(next) > self.pagination.current_page && !self.items.is_empty()).then_some(next)
    }
}

#[derive(Serialize)]
struct ActivateBody<'a> {
    key: &'a str,
    instance_name: &'a str,
}

#[derive(Serialize)]
struct InstanceBody<'a> {
    key: &'a str,
    instance_id: &'a str,
}

impl Licenses {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /v1/licenses/activate`: a new instance named `instance_name`; the answer's
    /// [`instance`](License::instance) is it (store its id). Never retried after an ambiguous
    /// failure. A refusal at the limit is a 403 (see [`Refusal`](crate::Refusal)).
    pub async fn activate(
        &self,
        key: &SecretLicenseKey,
        instance_name: &str,
    ) -> Result<License, LicenseError> {
        require(op::ACTIVATE, "the license key", key.expose())?;
        require(op::ACTIVATE, "the instance name", instance_name)?;
        let body = ActivateBody {
            key: key.expose(),
            instance_name,
        };
        let request = Request::post(op::ACTIVATE, ["v1", "licenses", "activate"])?
            .redact_key(key)
            .json(&body)?;
        check(self.client.send(request).await?)?.model()
    }

    /// `POST /v1/licenses/validate` for an instance (Creem validates only with one): 200 with
    /// the license, whose [`status`](License::status) says whether it may be used. Read-only, so
    /// retried like a GET.
    pub async fn validate(
        &self,
        key: &SecretLicenseKey,
        instance_id: &str,
    ) -> Result<License, LicenseError> {
        self.instance_call(op::VALIDATE, "validate", key, instance_id)
            .await
    }

    /// `POST /v1/licenses/deactivate`: the instance becomes `deactivated`; 200 with the
    /// license. Never retried after an ambiguous failure.
    pub async fn deactivate(
        &self,
        key: &SecretLicenseKey,
        instance_id: &str,
    ) -> Result<License, LicenseError> {
        self.instance_call(op::DEACTIVATE, "deactivate", key, instance_id)
            .await
    }

    async fn instance_call(
        &self,
        operation: &'static str,
        action: &str,
        key: &SecretLicenseKey,
        instance_id: &str,
    ) -> Result<License, LicenseError> {
        require(operation, "the license key", key.expose())?;
        require(operation, "the instance id", instance_id)?;
        let mut request = Request::post(operation, ["v1", "licenses", action])?;
        if operation == op::VALIDATE {
            request = request.idempotency_override(Idempotency::Idempotent);
        }
        let request = request.redact_key(key).json(&InstanceBody {
            key: key.expose(),
            instance_id,
        })?;
        check(self.client.send(request).await?)?.model()
    }

    /// `GET /v1/customers/{id}/licenses`: page `page_number` (from 1) of `page_size`.
    pub async fn list_for_customer(
        &self,
        customer_id: &str,
        page_number: u32,
        page_size: u32,
    ) -> Result<Page, LicenseError> {
        require(op::LIST_CUSTOMER, "the customer id", customer_id)?;
        let segments = ["v1", "customers", customer_id, "licenses"];
        let request = Request::get(op::LIST_CUSTOMER, segments)?
            .query("page_number", page_number.max(1).to_string())
            .query("page_size", page_size.max(1).to_string());
        let envelope: ListEnvelope = check(self.client.send(request).await?)?.model()?;
        Ok(Page {
            items: envelope.items,
            pagination: envelope.pagination,
        })
    }

    /// Every license of the customer, page after page by Creem's `next_page`; stops after the
    /// last page or at the first error.
    pub fn list_all_for_customer(
        &self,
        customer_id: &str,
        page_size: u32,
    ) -> impl Stream<Item = Result<License, LicenseError>> + Send + 'static {
        let licenses = self.clone();
        let customer = customer_id.to_owned();
        stream::try_unfold(Some(1), move |next| {
            let (licenses, customer) = (licenses.clone(), customer.clone());
            async move {
                let Some(number) = next else {
                    return Ok(None);
                };
                let page = licenses
                    .list_for_customer(&customer, number, page_size)
                    .await?;
                let next = page.next_page();
                Ok(Some((stream::iter(page.items.into_iter().map(Ok)), next)))
            }
        })
        .try_flatten()
    }
}

fn require(operation: &'static str, what: &str, value: &str) -> Result<(), LicenseError> {
    if value.trim().is_empty() {
        return Err(LicenseError::invalid_input(format!("{what} is empty"))
            .with_provider(PROVIDER)
            .with_operation(operation));
    }
    Ok(())
}
