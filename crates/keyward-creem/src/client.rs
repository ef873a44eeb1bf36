//! The client and its builder.

use std::sync::Arc;

use keyward_core::LicenseError;
use keyward_http::{
    ClientIdentity, ClientSettings, ProviderClient, ProviderProfile, Request, Response,
};

use crate::error::parse_error_body;
use crate::licenses::Licenses;

/// The environment variable [`ClientBuilder::from_env`] reads the secret API key from.
pub const API_KEY_ENV: &str = "CREEM_API_KEY";

/// The environment variable [`ClientBuilder::from_env`] reads a base URL override from.
pub const BASE_URL_ENV: &str = "CREEM_BASE_URL";

/// Which Creem environment to talk to; test keys and data exist only in test mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.creem.io` (the default).
    #[default]
    Production,
    /// `https://test-api.creem.io`.
    Test,
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://api.creem.io",
            Self::Test => "https://test-api.creem.io",
        }
    }
}

/// The provider name used in errors and traces.
pub(crate) const PROVIDER: &str = "creem";

/// What the shared client scaffold needs to know about Creem.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: "https://api.creem.io",
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &parse_error_body,
};

/// A Creem license client. Every Creem license call needs the secret API key, so this client is
/// for servers: a shipped app reaches Creem through its seller's backend. Cheap to clone (an
/// `Arc` inside); `Debug` never shows the key.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<ProviderClient>,
}

impl Client {
    /// A builder: production, no API key yet (required by `build`).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A production client with the key from `CREEM_API_KEY` (and the base URL from
    /// `CREEM_BASE_URL` when set).
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.build()
    }

    /// The license endpoints: activate, validate, deactivate, a customer's licenses.
    pub fn licenses(&self) -> Licenses {
        Licenses::new(self.clone())
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Sends a request with the `x-api-key` header.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, LicenseError> {
        let key = self.inner.require_api_key(request.operation())?;
        let request = request.api_key_header("x-api-key", key);
        self.inner.send(request).await
    }
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    settings: ClientSettings,
}

impl ClientBuilder {
    keyward_http::client_builder_methods!();

    /// Chooses production or test mode (default production); a base URL set with
    /// [`base_url`](Self::base_url) wins over it.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Builds the client: checks the API key (required: every Creem license call needs it), the
    /// base URL (`https`, or `http` to loopback) and the options.
    pub fn build(self) -> Result<Client, LicenseError> {
        let inner = self.settings.build(&PROFILE, self.environment.base_url())?;
        if inner.api_key().is_none() {
            return Err(LicenseError::config(format!(
                "Creem needs the secret API key for every license call: set it with \
                 ClientBuilder::api_key or {API_KEY_ENV}, on a server (never in a shipped app)"
            ))
            .with_provider(PROVIDER));
        }
        Ok(Client {
            inner: Arc::new(inner),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "creem_canary_5f1e9d_SECRET";

    #[test]
    fn the_key_is_required_and_never_shown() {
        let missing = Client::builder().build().unwrap_err();
        assert!(missing.is_config() && missing.to_string().contains(API_KEY_ENV));
        let builder = Client::builder().api_key(CANARY);
        assert!(!format!("{builder:?}").contains("canary"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("canary"));
        assert_eq!(client.base_url(), "https://api.creem.io/");
        let test = Client::builder()
            .api_key(CANARY)
            .environment(Environment::Test)
            .build()
            .unwrap();
        assert_eq!(test.base_url(), "https://test-api.creem.io/");
    }
}
