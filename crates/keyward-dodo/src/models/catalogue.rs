//! `GetProductResponse` and `CustomerResponse`, as far as a reference check needs them (the
//! rest stays in `raw`).

use keyward_core::RawJson;
use serde::Deserialize;

/// A product (`pdt_…`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Product {
    /// The product id.
    pub product_id: String,
    /// Its name.
    #[serde(default)]
    pub name: Option<String>,
    /// The JSON Dodo sent, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Product);

/// A customer (`cus_…`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Customer {
    /// The customer id.
    pub customer_id: String,
    /// The customer's email (personal data: never log it).
    #[serde(default)]
    pub email: Option<String>,
    /// The JSON Dodo sent, as received (it holds personal data: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Customer);
