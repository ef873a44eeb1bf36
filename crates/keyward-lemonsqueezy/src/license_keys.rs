//! `GET/PATCH /v1/license-keys`: retrieve, list, update.

use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::{Client, JSON_API};
use crate::ids::{LicenseKeyId, OrderId, OrderItemId, ProductId, StoreId};
use crate::models::{Document, KeyStatus, LicenseKey, UpdateLicenseKey};
use crate::pagination::Listing;

const PATH: &str = "license-keys";

/// The `license-keys` resource. Keys are created by orders: there is no create or delete.
#[derive(Debug, Clone)]
pub struct LicenseKeys {
    client: Client,
}

impl LicenseKeys {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /v1/license-keys/{id}`.
    pub async fn retrieve(&self, id: LicenseKeyId) -> Result<Document<LicenseKey>, LicenseError> {
        self.retrieve_including(id, &[]).await
    }

    /// `GET /v1/license-keys/{id}?include=…` (`store`, `customer`, `order`, `order-item`,
    /// `product`, `license-key-instances`); the related resources land in `included`.
    pub async fn retrieve_including(
        &self,
        id: LicenseKeyId,
        include: &[&str],
    ) -> Result<Document<LicenseKey>, LicenseError> {
        let mut request = Request::get("retrieve license key", ["v1", PATH, &id.to_string()])?;
        if !include.is_empty() {
            request = request.query("include", include.join(","));
        }
        let request = self.client.json_api(request, false)?;
        self.client.send_document(request).await
    }

    /// `GET /v1/license-keys` with filters and pages: finish with `.send()` or `.stream()`.
    pub fn list(&self) -> ListLicenseKeys {
        Listing::new(&self.client, "list license keys", PATH)
    }

    /// `PATCH /v1/license-keys/{id}`: sends only the fields `update` sets.
    ///
    /// Retried like an idempotent call: it sets absolute values, so repeating it is harmless.
    pub async fn update(
        &self,
        id: LicenseKeyId,
        update: &UpdateLicenseKey,
    ) -> Result<Document<LicenseKey>, LicenseError> {
        let request = Request::patch("update license key", ["v1", PATH, &id.to_string()])?
            .idempotency_override(Idempotency::Idempotent)
            .json_as(JSON_API, &update.to_document(id))?;
        let request = self.client.json_api(request, true)?;
        self.client.send_document(request).await
    }
}

/// A license-key listing being set up: filters here, paging and sending on [`Listing`].
pub type ListLicenseKeys = Listing<LicenseKey>;

impl Listing<LicenseKey> {
    /// `filter[store_id]`.
    pub fn store_id(mut self, id: impl Into<StoreId>) -> Self {
        self.query.filter("store_id", id.into());
        self
    }

    /// `filter[order_id]`.
    pub fn order_id(mut self, id: impl Into<OrderId>) -> Self {
        self.query.filter("order_id", id.into());
        self
    }

    /// `filter[order_item_id]`.
    pub fn order_item_id(mut self, id: impl Into<OrderItemId>) -> Self {
        self.query.filter("order_item_id", id.into());
        self
    }

    /// `filter[product_id]`.
    pub fn product_id(mut self, id: impl Into<ProductId>) -> Self {
        self.query.filter("product_id", id.into());
        self
    }

    /// `filter[status]`.
    pub fn status(mut self, status: KeyStatus) -> Self {
        self.query.filter("status", status);
        self
    }
}
