//! The client, its builder, and the product it may be bound to.

use std::sync::Arc;

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::{
    ClientIdentity, ClientSettings, HttpClient, ProviderClient, ProviderProfile, Request,
};
use serde::de::DeserializeOwned;

use crate::error::parse_error_body;
use crate::ids::{ProductId, StoreId, VariantId};
use crate::instances::LicenseKeyInstances;
use crate::license_keys::LicenseKeys;
use crate::licenses::Licenses;
use crate::models::{LicenseApiMeta, ProductMismatch};

/// The production API host.
pub const DEFAULT_BASE_URL: &str = "https://api.lemonsqueezy.com";

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "LEMONSQUEEZY_API_KEY";

/// The JSON:API media type, sent as `Accept` and `Content-Type` on the JSON:API routes.
pub const JSON_API: &str = "application/vnd.api+json";

/// The environment variable [`ClientBuilder::from_env`] reads a base URL override from.
pub const BASE_URL_ENV: &str = "LEMONSQUEEZY_BASE_URL";

const PROVIDER: &str = "lemonsqueezy";

/// What the shared client scaffold needs to know about Lemon Squeezy.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: DEFAULT_BASE_URL,
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &parse_error_body,
};

/// A Lemon Squeezy client: the JSON:API resources (with an API key) and the public License API
/// (without one). Cheap to clone; `Debug` never shows the API key.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base: ProviderClient,
    binding: ProductBinding,
}

impl Client {
    /// A builder: the production host, no API key, no product binding.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the API key from `LEMONSQUEEZY_API_KEY` (and the host from
    /// `LEMONSQUEEZY_BASE_URL` when set).
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.build()
    }

    /// The JSON:API `license-keys` resource (API key needed).
    pub fn license_keys(&self) -> LicenseKeys {
        LicenseKeys::new(self.clone())
    }

    /// The JSON:API `license-key-instances` resource (API key needed).
    pub fn license_key_instances(&self) -> LicenseKeyInstances {
        LicenseKeyInstances::new(self.clone())
    }

    /// The License API: activate, validate, deactivate (no API key).
    pub fn licenses(&self) -> Licenses {
        Licenses::new(self.clone())
    }

    /// The product binding License API answers are checked against.
    pub fn binding(&self) -> &ProductBinding {
        &self.inner.binding
    }

    /// Whether this client holds an API key (the admin credential).
    pub fn has_api_key(&self) -> bool {
        self.inner.base.api_key().is_some()
    }

    /// The host requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.base_url()
    }

    pub(crate) fn http(&self) -> &HttpClient {
        self.inner.base.http()
    }

    /// Adds the bearer key and JSON:API headers; `Content-Type` only when there is no body (a
    /// body sets its own).
    pub(crate) fn json_api(
        &self,
        request: Request,
        with_body: bool,
    ) -> Result<Request, LicenseError> {
        let key = self.inner.base.require_api_key(request.operation())?;
        let request = request.bearer(key).accept(JSON_API)?;
        if with_body {
            Ok(request)
        } else {
            request.header("content-type", JSON_API)
        }
    }

    /// Sends a JSON:API request and decodes its 2xx document, keeping the body received.
    pub(crate) async fn send_document<T: DeserializeOwned + AttachRaw>(
        &self,
        request: Request,
    ) -> Result<T, LicenseError> {
        self.http().send(request).await?.error_for_status()?.model()
    }
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    settings: ClientSettings,
    binding: ProductBinding,
}

impl ClientBuilder {
    keyward_http::client_builder_methods!();

    /// Expects License API answers to be for this store.
    pub fn expect_store(mut self, store: impl Into<StoreId>) -> Self {
        self.binding.store_id = Some(store.into());
        self
    }

    /// Expects License API answers to be for this product.
    pub fn expect_product(mut self, product: impl Into<ProductId>) -> Self {
        self.binding.product_id = Some(product.into());
        self
    }

    /// Expects License API answers to be for this variant.
    pub fn expect_variant(mut self, variant: impl Into<VariantId>) -> Self {
        self.binding.variant_id = Some(variant.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, LicenseError> {
        let base = self.settings.build(&PROFILE, DEFAULT_BASE_URL)?;
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                binding: self.binding,
            }),
        })
    }
}

/// The store, product and variant a client expects keys to belong to. Lemon Squeezy validates a
/// key of any product of any store: without a binding, a key bought for another product passes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProductBinding {
    /// The expected store.
    pub store_id: Option<StoreId>,
    /// The expected product.
    pub product_id: Option<ProductId>,
    /// The expected variant.
    pub variant_id: Option<VariantId>,
}

impl ProductBinding {
    /// Whether anything is expected.
    pub fn is_set(&self) -> bool {
        self.store_id.is_some() || self.product_id.is_some() || self.variant_id.is_some()
    }

    /// The first expectation `meta` does not meet. A missing `meta` (or field) fails an
    /// expectation: an answer that does not say whose key it is is not trusted.
    pub fn check(&self, meta: Option<&LicenseApiMeta>) -> Option<ProductMismatch> {
        let checks = [
            (
                "store_id",
                self.store_id.map(StoreId::get),
                meta.and_then(|m| m.store_id).map(StoreId::get),
            ),
            (
                "product_id",
                self.product_id.map(ProductId::get),
                meta.and_then(|m| m.product_id).map(ProductId::get),
            ),
            (
                "variant_id",
                self.variant_id.map(VariantId::get),
                meta.and_then(|m| m.variant_id).map(VariantId::get),
            ),
        ];
        checks.into_iter().find_map(|(field, expected, actual)| {
            let expected = expected?;
            (actual != Some(expected)).then_some(ProductMismatch {
                field,
                expected,
                actual,
            })
        })
    }
}
