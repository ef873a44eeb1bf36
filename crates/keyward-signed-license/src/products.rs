//! Products, product meta and generators.

use keyward_core::LicenseError;

use crate::client::{Client, Op, field_on, unit_on};
use crate::models::{Generator, NewProduct, Product, Reply};

impl Client {
    /// `GET /get-all-products` (810).
    pub async fn products(&self) -> Result<Reply<Vec<Product>>, LicenseError> {
        self.reply(
            Op::get("get all products", "get-all-products"),
            field_on(&[810], "products"),
        )
        .await
    }

    /// `POST /create-product` (750 with the new id).
    pub async fn create_product(&self, product: &NewProduct) -> Result<Reply<u64>, LicenseError> {
        let op = Op::post("create product", "create-product").fields(product.fields());
        self.reply(op, field_on(&[750], "product_id")).await
    }

    /// `POST /update-product` (650).
    pub async fn update_product(
        &self,
        product_id: u64,
        product: &NewProduct,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("update product", "update-product")
            .field("product_id", product_id.to_string())
            .fields(product.fields());
        self.reply(op, unit_on(&[650])).await
    }

    /// `POST /delete-product` (550; 551 when not found).
    pub async fn delete_product(&self, product_id: u64) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("delete product", "delete-product")
            .field("product_id", product_id.to_string());
        self.reply(op, unit_on(&[550])).await
    }

    /// `POST /create-product-meta` (273).
    pub async fn create_product_meta(
        &self,
        product_id: u64,
        key: &str,
        value: &str,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("create product meta", "create-product-meta")
            .field("product_id", product_id.to_string())
            .field("key", key)
            .field("value", value);
        self.reply(op, unit_on(&[273])).await
    }

    /// `POST /update-product-meta` (373).
    pub async fn update_product_meta(
        &self,
        product_id: u64,
        key: &str,
        value: &str,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("update product meta", "update-product-meta")
            .field("product_id", product_id.to_string())
            .field("key", key)
            .field("value", value);
        self.reply(op, unit_on(&[373])).await
    }

    /// `POST /delete-product-meta` (482).
    pub async fn delete_product_meta(
        &self,
        product_id: u64,
        key: &str,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("delete product meta", "delete-product-meta")
            .field("product_id", product_id.to_string())
            .field("key", key);
        self.reply(op, unit_on(&[482])).await
    }

    /// `GET /get-all-generators` (820; the list arrives under `products`).
    pub async fn generators(&self) -> Result<Reply<Vec<Generator>>, LicenseError> {
        self.reply(
            Op::get("get all generators", "get-all-generators"),
            field_on(&[820], "products"),
        )
        .await
    }
}
