//! The client and its builder.

use std::sync::Arc;

use keyward_core::LicenseError;
use keyward_http::{
    ClientIdentity, ClientSettings, ProviderClient, ProviderProfile, Request, Response,
};

use crate::error::parse_error_body;
use crate::licenses::Licenses;

/// The environment variable [`ClientBuilder::from_env`] reads the OAuth access token from.
pub const API_KEY_ENV: &str = "GUMROAD_ACCESS_TOKEN";

/// The environment variable [`ClientBuilder::from_env`] reads a base URL override from.
pub const BASE_URL_ENV: &str = "GUMROAD_BASE_URL";

/// The provider name used in errors and traces.
pub(crate) const PROVIDER: &str = "gumroad";

/// What the shared client scaffold needs to know about Gumroad.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: "https://api.gumroad.com",
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &parse_error_body,
};

/// A Gumroad license client for one product. Cheap to clone; `Debug` never shows the token.
///
/// `verify` needs no token (an app may hold this client); `enable`, `disable` and
/// `decrement_uses_count` need an OAuth access token with the `edit_products` scope.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<ProviderClient>,
    product_id: Arc<str>,
}

impl Client {
    /// A builder: `https://api.gumroad.com`, no token, no product (required by `build`).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The license endpoints.
    pub fn licenses(&self) -> Licenses {
        Licenses::new(self.clone())
    }

    /// Whether this client holds an access token.
    pub fn has_api_key(&self) -> bool {
        self.inner.api_key().is_some()
    }

    /// The product every call names (`product_id`).
    pub fn product_id(&self) -> &str {
        &self.product_id
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    pub(crate) async fn send_public(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.send(request).await
    }

    pub(crate) async fn send_admin(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.send_bearer(request).await
    }
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    product_id: Option<String>,
    settings: ClientSettings,
}

impl ClientBuilder {
    keyward_http::client_builder_methods!();

    /// The product's id (the `product_id` of its license-key block, e.g.
    /// `32-nPAicqbLj8B_WswVlMw==`; not its permalink). Required: Gumroad answers **500** to a
    /// verify without it for every product created since 2023-01-09.
    pub fn product_id(mut self, id: impl Into<String>) -> Self {
        self.product_id = Some(id.into());
        self
    }

    /// Builds the client: checks the product id, the base URL and the options.
    pub fn build(self) -> Result<Client, LicenseError> {
        let product_id = self
            .product_id
            .filter(|p| !p.trim().is_empty())
            .ok_or_else(|| {
                LicenseError::config(
                    "Gumroad needs the product id (ClientBuilder::product_id): without it Gumroad \
                 answers 500 for products created since 2023-01-09",
                )
                .with_provider(PROVIDER)
            })?;
        let inner = self.settings.build(&PROFILE, PROFILE.default_base_url)?;
        Ok(Client {
            inner: Arc::new(inner),
            product_id: product_id.trim().into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_product_is_required_and_the_token_never_shown() {
        let missing = Client::builder().build().unwrap_err();
        assert!(missing.is_config() && missing.to_string().contains("product id"));
        let client = Client::builder()
            .product_id("32-nPAicqbLj8B_WswVlMw==")
            .api_key("gumroad_canary_TOKEN")
            .build()
            .unwrap();
        assert!(!format!("{client:?}").contains("canary"));
        assert_eq!(client.base_url(), "https://api.gumroad.com/");
    }
}
