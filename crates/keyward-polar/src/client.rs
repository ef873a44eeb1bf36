//! The client and its builder.

use std::sync::Arc;

use keyward_core::LicenseError;
use keyward_http::{
    ClientIdentity, ClientSettings, ProviderClient, ProviderProfile, Request, Response,
};

use crate::error::parse_error_body;
use crate::license_keys::LicenseKeys;
use crate::licenses::Licenses;

/// The environment variable [`ClientBuilder::from_env`] reads the access token from (the name
/// Polar's own SDKs and docs use).
pub const API_KEY_ENV: &str = "POLAR_ACCESS_TOKEN";

/// The environment variable [`ClientBuilder::from_env`] reads a base URL override from.
pub const BASE_URL_ENV: &str = "POLAR_BASE_URL";

/// The environment variable [`Client::from_env`] reads the organization id from.
pub const ORGANIZATION_ID_ENV: &str = "POLAR_ORGANIZATION_ID";

/// The API version this crate is written against, sent as `Polar-Version` on every request
/// (Polar's `CURRENT_API_VERSION`; an unknown version answers 404).
pub const API_VERSION: &str = "2026-04";

/// Which Polar environment to talk to. Sandbox keys and data exist only in the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.polar.sh` (the default).
    #[default]
    Production,
    /// `https://sandbox-api.polar.sh`.
    Sandbox,
}

impl Environment {
    /// The base URL of this environment.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://api.polar.sh",
            Self::Sandbox => "https://sandbox-api.polar.sh",
        }
    }
}

/// The provider name used in errors and traces.
pub(crate) const PROVIDER: &str = "polar";

/// What the shared client scaffold needs to know about Polar.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: "https://api.polar.sh",
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &parse_error_body,
};

/// A Polar license-key client for one organization. Cheap to clone (an `Arc` inside); `Debug`
/// never shows the access token.
///
/// Without an access token it reaches only the public customer-portal endpoints
/// ([`licenses`](Self::licenses)), which is what a shipped app should hold.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<ProviderClient>,
    organization_id: Arc<str>,
}

impl Client {
    /// A builder: production, no token, no organization (required by `build`).
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A production client with the token from `POLAR_ACCESS_TOKEN`, the organization from
    /// `POLAR_ORGANIZATION_ID` (and the base URL from `POLAR_BASE_URL` when set).
    pub fn from_env() -> Result<Self, LicenseError> {
        let organization = std::env::var(ORGANIZATION_ID_ENV).map_err(|_| {
            LicenseError::config(format!("{ORGANIZATION_ID_ENV} is not set"))
                .with_provider(PROVIDER)
        })?;
        Self::builder()
            .from_env()?
            .organization_id(organization)
            .build()
    }

    /// The public customer-portal endpoints (validate, activate, deactivate); no token sent.
    pub fn licenses(&self) -> Licenses {
        Licenses::new(self.clone(), false)
    }

    /// The same three calls through their authenticated twins (`/v1/license-keys/validate`, …),
    /// sent with the access token (`license_keys:write`): for servers, which Polar asks not to
    /// use the rate-limited public routes.
    pub fn authenticated_licenses(&self) -> Licenses {
        Licenses::new(self.clone(), true)
    }

    /// The license-key admin endpoints (organization access token).
    pub fn license_keys(&self) -> LicenseKeys {
        LicenseKeys::new(self.clone())
    }

    /// Whether this client holds an access token (the admin credential).
    pub fn has_api_key(&self) -> bool {
        self.inner.api_key().is_some()
    }

    /// The organization every call is scoped to.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// Sends a public request: no `Authorization` header.
    pub(crate) async fn send_public(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.send(versioned(request)?).await
    }

    /// Sends an admin request with the bearer token; a config error when none is set.
    pub(crate) async fn send_admin(&self, request: Request) -> Result<Response, LicenseError> {
        self.inner.send_bearer(versioned(request)?).await
    }
}

/// Pins the API version.
fn versioned(request: Request) -> Result<Request, LicenseError> {
    request.header("Polar-Version", API_VERSION)
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    environment: Environment,
    organization_id: Option<String>,
    settings: ClientSettings,
}

impl ClientBuilder {
    keyward_http::client_builder_methods!();

    /// Chooses production or sandbox (default production); a base URL set with
    /// [`base_url`](Self::base_url) wins over it.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// The organization (a UUID, from the Polar dashboard's settings) whose keys this client
    /// reads: the public endpoints look keys up within it. Required.
    pub fn organization_id(mut self, id: impl Into<String>) -> Self {
        self.organization_id = Some(id.into());
        self
    }

    /// Builds the client: checks the organization id (a UUID), the base URL (`https`, or `http`
    /// to loopback), the options and the token.
    pub fn build(self) -> Result<Client, LicenseError> {
        let organization_id = self.organization_id.ok_or_else(|| {
            LicenseError::config(format!(
                "an organization id is required: ClientBuilder::organization_id or {ORGANIZATION_ID_ENV}"
            ))
            .with_provider(PROVIDER)
        })?;
        let organization_id = crate::ids::uuid(&organization_id).ok_or_else(|| {
            LicenseError::config("the organization id is not a UUID").with_provider(PROVIDER)
        })?;
        let inner = self.settings.build(&PROFILE, self.environment.base_url())?;
        Ok(Client {
            inner: Arc::new(inner),
            organization_id: organization_id.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "polar_oat_canary_5f1e9d_SECRET";
    const ORG: &str = "fda84e25-7b55-4d67-916d-60ead04ff61f";

    #[test]
    fn environments_and_override() {
        let c = Client::builder().organization_id(ORG).build().unwrap();
        assert_eq!(c.base_url(), "https://api.polar.sh/");
        let c = Client::builder()
            .organization_id(ORG)
            .environment(Environment::Sandbox)
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "https://sandbox-api.polar.sh/");
        let c = Client::builder()
            .organization_id(ORG)
            .base_url("http://127.0.0.1:9")
            .build()
            .unwrap();
        assert_eq!(c.base_url(), "http://127.0.0.1:9/");
        let insecure = Client::builder()
            .organization_id(ORG)
            .base_url("http://example.com")
            .build();
        assert!(insecure.unwrap_err().is_config());
    }

    #[test]
    fn the_organization_is_required_and_checked() {
        assert!(Client::builder().build().unwrap_err().is_config());
        let bad = Client::builder()
            .organization_id("acme")
            .build()
            .unwrap_err();
        assert!(bad.is_config() && bad.to_string().contains("UUID"));
        let upper = Client::builder()
            .organization_id(ORG.to_uppercase())
            .build()
            .unwrap();
        assert_eq!(upper.organization_id(), ORG);
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder().organization_id(ORG).api_key(CANARY);
        assert!(!format!("{builder:?}").contains("canary"));
        let client = builder.build().unwrap();
        assert!(client.has_api_key());
        assert!(!format!("{client:?}").contains("canary"));
    }

    #[test]
    fn from_env_reads_the_token() {
        let ok = Client::builder()
            .from_env_with(|n| (n == API_KEY_ENV).then(|| CANARY.to_owned()))
            .unwrap()
            .organization_id(ORG)
            .build()
            .unwrap();
        assert!(ok.has_api_key());
        let missing = Client::builder().from_env_with(|_| None).unwrap_err();
        assert!(missing.is_config() && missing.to_string().contains(API_KEY_ENV));
    }
}
