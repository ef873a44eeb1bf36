//! The client and its builder.

use std::sync::Arc;

use keyward_core::LicenseError;
use keyward_http::{
    ClientIdentity, ClientSettings, ProviderClient, ProviderProfile, Request, Response,
};

use crate::catalogue::Catalogue;
use crate::entitlements::Entitlements;
use crate::error::parse_error_body;
use crate::grants::Grants;
use crate::instances::LicenseKeyInstances;
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

/// The environment variable [`ClientBuilder::from_env`] reads a base URL override from.
pub const BASE_URL_ENV: &str = "DODO_PAYMENTS_BASE_URL";

/// The provider name used in errors and traces.
pub(crate) const PROVIDER: &str = "dodo";

/// What the shared client scaffold needs to know about Dodo.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: "https://live.dodopayments.com",
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &parse_error_body,
};

/// A Dodo Payments license-key client. Cheap to clone (an `Arc` inside); `Debug` never shows the
/// API key.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<ProviderClient>,
}

impl Client {
    /// A builder: live mode, no API key, default transport options.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A live-mode client with the API key from `DODO_PAYMENTS_API_KEY` (and the base URL from
    /// `DODO_PAYMENTS_BASE_URL` when set).
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.build()
    }

    /// The public license endpoints (activate, validate, deactivate); they send no API key.
    pub fn licenses(&self) -> Licenses {
        Licenses::new(self.clone())
    }

    /// Products and customers by id (bearer API key).
    pub fn catalogue(&self) -> Catalogue {
        Catalogue::new(self.clone())
    }

    /// The license-key admin endpoints (bearer API key).
    pub fn license_keys(&self) -> LicenseKeys {
        LicenseKeys::new(self.clone())
    }

    /// The license-key-instance admin endpoints (bearer API key).
    pub fn license_key_instances(&self) -> LicenseKeyInstances {
        LicenseKeyInstances::new(self.clone())
    }

    /// The entitlement endpoints (bearer API key): entitlements, their grants, revoking a grant.
    pub fn entitlements(&self) -> Entitlements {
        Entitlements::new(self.clone())
    }

    /// The grant endpoints (bearer API key): delivering a key, a customer's grants.
    pub fn grants(&self) -> Grants {
        Grants::new(self.clone())
    }

    /// Whether this client holds an API key (the admin credential).
    pub fn has_api_key(&self) -> bool {
        self.inner.api_key().is_some()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Sends a public request: no `Authorization` header.
    pub(crate) async fn send_public(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.send(request).await
    }

    /// Sends an admin request with the bearer API key; a config error when none is set.
    pub(crate) async fn send_admin(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.send_bearer(request).await
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

    /// Chooses test or live mode (default live); a base URL set with
    /// [`base_url`](Self::base_url) wins over it.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Builds the client: checks the base URL (`https`, or `http` to loopback), the options and
    /// the API key.
    pub fn build(self) -> Result<Client, LicenseError> {
        let inner = self.settings.build(&PROFILE, self.environment.base_url())?;
        Ok(Client {
            inner: Arc::new(inner),
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
        assert!(ok.inner.api_key().is_some());
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
