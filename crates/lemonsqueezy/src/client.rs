//! The client, its builder, and the product it may be bound to.

use std::fmt;
use std::sync::Arc;

use license_core::{ApiKey, IntoApiKey, LicenseError};
use license_http::{ClientIdentity, HttpClient, HttpOptions, Request};

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

const PROVIDER: &str = "lemonsqueezy";

/// A Lemon Squeezy client: the JSON:API resources (with an API key) and the public License API
/// (without one). Cheap to clone.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpClient,
    api_key: Option<ApiKey>,
    binding: ProductBinding,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("http", &self.inner.http)
            .field("api_key", &self.inner.api_key)
            .field("binding", &self.inner.binding)
            .finish()
    }
}

impl Client {
    /// A builder: base URL, API key, transport options, product binding.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client for the production API with the API key from `LEMONSQUEEZY_API_KEY`.
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().api_key_from_env().build()
    }

    /// The `license-keys` JSON:API resource (needs an API key).
    pub fn license_keys(&self) -> LicenseKeys<'_> {
        LicenseKeys::new(self)
    }

    /// The `license-key-instances` JSON:API resource (needs an API key).
    pub fn license_key_instances(&self) -> LicenseKeyInstances<'_> {
        LicenseKeyInstances::new(self)
    }

    /// The public License API: activate, validate, deactivate (no API key is sent).
    pub fn licenses(&self) -> Licenses<'_> {
        Licenses::new(self)
    }

    /// The product this client expects License API answers to be for.
    pub fn binding(&self) -> &ProductBinding {
        &self.inner.binding
    }

    pub(crate) fn http(&self) -> &HttpClient {
        &self.inner.http
    }

    /// Adds the bearer key and JSON:API headers; `Content-Type` only when there is no body (a
    /// body sets its own).
    pub(crate) fn json_api(
        &self,
        request: Request,
        with_body: bool,
    ) -> Result<Request, LicenseError> {
        let Some(key) = &self.inner.api_key else {
            return Err(LicenseError::config(
                "the JSON:API needs an API key: set one with `ClientBuilder::api_key`",
            )
            .with_provider(PROVIDER)
            .with_operation(request.operation()));
        };
        let request = request.bearer(key).accept(JSON_API)?;
        if with_body {
            Ok(request)
        } else {
            request.header("content-type", JSON_API)
        }
    }
}

/// Builds a [`Client`] client; everything is checked once, in [`build`](Self::build).
pub struct ClientBuilder {
    base_url: String,
    api_key: Option<Result<ApiKey, LicenseError>>,
    options: HttpOptions,
    binding: ProductBinding,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_key: None,
            options: HttpOptions::default(),
            binding: ProductBinding::default(),
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| license_core::REDACTED),
            )
            .field("options", &self.options)
            .field("binding", &self.binding)
            .finish()
    }
}

impl ClientBuilder {
    /// Sends requests to this host instead of `https://api.lemonsqueezy.com` (an emulator, a
    /// proxy). Paths (`/v1/...`) are added to it.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The API key for the JSON:API routes (not needed for the License API).
    #[must_use]
    pub fn api_key(mut self, key: impl IntoApiKey) -> Self {
        self.api_key = Some(key.into_api_key());
        self
    }

    /// Reads the API key from `LEMONSQUEEZY_API_KEY`; a missing or empty variable fails `build`.
    #[must_use]
    pub fn api_key_from_env(mut self) -> Self {
        self.api_key = Some(match std::env::var(API_KEY_ENV) {
            Ok(value) => ApiKey::new(value),
            Err(_) => Err(LicenseError::config(format!("{API_KEY_ENV} is not set"))),
        });
        self
    }

    /// Transport options: timeouts, retries, body cap, TLS client.
    #[must_use]
    pub fn http_options(mut self, options: HttpOptions) -> Self {
        self.options = options;
        self
    }

    /// Expects License API answers to be for this store.
    #[must_use]
    pub fn expect_store(mut self, store: impl Into<StoreId>) -> Self {
        self.binding.store_id = Some(store.into());
        self
    }

    /// Expects License API answers to be for this product.
    #[must_use]
    pub fn expect_product(mut self, product: impl Into<ProductId>) -> Self {
        self.binding.product_id = Some(product.into());
        self
    }

    /// Expects License API answers to be for this variant.
    #[must_use]
    pub fn expect_variant(mut self, variant: impl Into<VariantId>) -> Self {
        self.binding.variant_id = Some(variant.into());
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(self) -> Result<Client, LicenseError> {
        let api_key = self
            .api_key
            .transpose()
            .map_err(|e| e.with_provider(PROVIDER))?;
        let identity = ClientIdentity {
            provider: PROVIDER,
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
        };
        let http = HttpClient::new(identity, &self.base_url, self.options)?
            .with_error_parser(parse_error_body);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_key,
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
