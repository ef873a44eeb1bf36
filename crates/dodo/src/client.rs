//! The client and its builder.

use std::fmt;
use std::sync::Arc;

use license_core::{ApiKey, IntoApiKey, LicenseError};
use license_http::{ClientIdentity, HttpClient, HttpOptions, Request, Response};

use crate::error::parse_error_body;
use crate::license_key_instances::LicenseKeyInstances;
use crate::license_keys::LicenseKeys;
use crate::licenses::Licenses;

/// The environment variable [`ClientBuilder::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "DODO_PAYMENTS_API_KEY";

/// Which Dodo environment to talk to. Test-mode keys and data exist only in test mode, and live
/// ones only in live mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://test.dodopayments.com`.
    TestMode,
    /// `https://live.dodopayments.com` (the default, as in Dodo's own SDKs).
    #[default]
    LiveMode,
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::TestMode => "https://test.dodopayments.com",
            Self::LiveMode => "https://live.dodopayments.com",
        }
    }
}

/// A Dodo Payments license-key client. Cheap to clone (an `Arc` inside); `Debug` never shows the
/// API key.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: HttpClient,
    api_key: Option<ApiKey>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("http", &self.inner.http)
            .field(
                "api_key",
                &self.inner.api_key.as_ref().map(|_| license_core::REDACTED),
            )
            .finish()
    }
}

impl Client {
    /// A builder: live mode, no API key, default transport options.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A live-mode client with the API key from `DODO_PAYMENTS_API_KEY`.
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.build()
    }

    /// The public license endpoints (activate, validate, deactivate); they send no API key.
    pub fn licenses(&self) -> Licenses<'_> {
        Licenses::new(self)
    }

    /// The license-key admin endpoints (bearer API key).
    pub fn license_keys(&self) -> LicenseKeys<'_> {
        LicenseKeys::new(self)
    }

    /// The license-key-instance admin endpoints (bearer API key).
    pub fn license_key_instances(&self) -> LicenseKeyInstances<'_> {
        LicenseKeyInstances::new(self)
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.http.base_url().as_str()
    }

    /// Sends a public request: no `Authorization` header.
    pub(crate) async fn send_public(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.http.send(request).await
    }

    /// Sends an admin request with the bearer API key; a config error when none is set.
    pub(crate) async fn send_admin(&self, request: Request) -> Result<Response, LicenseError> {
        let key = self.inner.api_key.as_ref().ok_or_else(|| {
            LicenseError::config(
                "this endpoint needs a Dodo API key: set one with ClientBuilder::api_key \
                 or DODO_PAYMENTS_API_KEY",
            )
            .with_provider(PROVIDER)
            .with_operation(request.operation())
        })?;
        self.inner.http.send(request.bearer(key)).await
    }
}

/// The provider name used in errors and traces.
pub(crate) const PROVIDER: &str = "dodo";

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    base_url: Option<String>,
    api_key: Option<Result<ApiKey, LicenseError>>,
    options: HttpOptions,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("environment", &self.environment)
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| license_core::REDACTED),
            )
            .field("options", &self.options)
            .finish()
    }
}

impl ClientBuilder {
    /// Chooses test or live mode (default live).
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Overrides the base URL (an emulator, a mock, a proxy); wins over the environment.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets the API key (the bearer token of the admin endpoints): an [`ApiKey`] or its text,
    /// checked by [`build`](Self::build).
    pub fn api_key(mut self, key: impl IntoApiKey) -> Self {
        self.api_key = Some(key.into_api_key());
        self
    }

    /// Reads the API key from `DODO_PAYMENTS_API_KEY`; a config error when it is unset or empty.
    pub fn from_env(self) -> Result<Self, LicenseError> {
        self.from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup` (for tests).
    pub fn from_env_with(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LicenseError> {
        let value = lookup(API_KEY_ENV).ok_or_else(|| {
            LicenseError::config(format!("{API_KEY_ENV} is not set")).with_provider(PROVIDER)
        })?;
        let key = ApiKey::new(value).map_err(|_| {
            LicenseError::config(format!("{API_KEY_ENV} is empty or not a valid API key"))
                .with_provider(PROVIDER)
        })?;
        self.api_key = Some(Ok(key));
        Ok(self)
    }

    /// Sets the transport options (timeouts, retries, body cap, TLS client).
    pub fn http_options(mut self, options: HttpOptions) -> Self {
        self.options = options;
        self
    }

    /// Builds the client: checks the base URL (`https`, or `http` to loopback), the options and
    /// the API key.
    pub fn build(self) -> Result<Client, LicenseError> {
        let api_key = match self.api_key {
            Some(Ok(key)) => Some(key),
            Some(Err(e)) => return Err(e.with_provider(PROVIDER)),
            None => None,
        };
        let base_url = self
            .base_url
            .unwrap_or_else(|| self.environment.base_url().to_owned());
        let identity = ClientIdentity {
            provider: PROVIDER,
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
        };
        let http =
            HttpClient::new(identity, &base_url, self.options)?.with_error_parser(parse_error_body);
        Ok(Client {
            inner: Arc::new(Inner { http, api_key }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "sk_canary_5f1e9d_SECRET";

    #[test]
    fn environments_and_override() {
        let c = Client::builder().build().unwrap();
        assert_eq!(c.base_url(), "https://live.dodopayments.com/");
        let c = Client::builder()
            .environment(Environment::TestMode)
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "https://test.dodopayments.com/");
        let c = Client::builder()
            .environment(Environment::TestMode)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/");
        assert!(
            Client::builder()
                .base_url("http://example.com")
                .build()
                .unwrap_err()
                .is_config()
        );
    }

    #[test]
    fn debug_never_shows_the_key() {
        let builder = Client::builder().api_key(CANARY);
        assert!(!format!("{builder:?}").contains("canary"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("canary"));
    }

    #[test]
    fn from_env_reads_the_key() {
        let ok = Client::builder()
            .from_env_with(|n| (n == API_KEY_ENV).then(|| CANARY.to_owned()))
            .unwrap()
            .build()
            .unwrap();
        assert!(ok.inner.api_key.is_some());
        let missing = Client::builder().from_env_with(|_| None).unwrap_err();
        assert!(missing.is_config() && missing.to_string().contains(API_KEY_ENV));
        let empty = Client::builder()
            .from_env_with(|_| Some("  ".into()))
            .unwrap_err();
        assert!(empty.is_config());
        assert!(
            Client::builder()
                .api_key("")
                .build()
                .unwrap_err()
                .is_config()
        );
    }
}
