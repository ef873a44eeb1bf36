//! The products and customers a license key refers to, read by id (bearer API key): what a
//! migration checks before it creates keys for them.

use keyward_core::LicenseError;
use keyward_http::Request;

use crate::client::Client;
use crate::error::{check, op};
use crate::models::{Customer, Product};

/// `GET /products/{id}` and `GET /customers/{customer_id}`; from [`Client::catalogue`].
#[derive(Debug, Clone)]
pub struct Catalogue {
    client: Client,
}

impl Catalogue {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /products/{id}`. Errors: 404 (`is_not_found`) when there is no such product.
    pub async fn product(&self, id: &str) -> Result<Product, LicenseError> {
        let request = Request::get(op::GET_PRODUCT, ["products", id])?;
        check(self.client.send_admin(request).await?)?.model()
    }

    /// `GET /customers/{customer_id}`. Errors: 404 (`is_not_found`) when there is no such
    /// customer.
    pub async fn customer(&self, id: &str) -> Result<Customer, LicenseError> {
        let request = Request::get(op::GET_CUSTOMER, ["customers", id])?;
        check(self.client.send_admin(request).await?)?.model()
    }
}
