//! The client and its builder; the one place requests are sent and envelopes decoded.

use std::sync::Arc;

use keyward_core::{AttachRaw, LicenseError};
use keyward_http::{
    ClientIdentity, ClientSettings, HttpClient, ProviderClient, ProviderProfile, Request,
};
use serde::de::DeserializeOwned;

use crate::domains::Domains;
use crate::error::{self, Call};
use crate::has_paid::{HasPaidCheck, ProjectHasPaid};
use crate::licenses::Licenses;
use crate::models::Envelope;
use keyward_core::SecretLicenseKey;

/// The default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.devpayr.dev/api/v1/";

/// The environment variable [`ClientBuilder::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "DEVPAYR_API_KEY";

/// The environment variable [`ClientBuilder::from_env`] reads a base URL override from.
pub const BASE_URL_ENV: &str = "DEVPAYR_BASE_URL";

const PROVIDER: &str = "devpayr";

/// What the shared client scaffold needs to know about DevPayr.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: DEFAULT_BASE_URL,
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &error::parse_error_body,
};

/// A DevPayr client. Cheap to clone; `Debug` never shows the API key.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<ProviderClient>,
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    settings: ClientSettings,
}

impl ClientBuilder {
    keyward_http::client_builder_methods!();

    /// Builds the client, checking the base URL, the API key and the options.
    pub fn build(self) -> Result<Client, LicenseError> {
        let inner = self.settings.build(&PROFILE, DEFAULT_BASE_URL)?;
        Ok(Client {
            inner: Arc::new(inner),
        })
    }
}

impl Client {
    /// A builder: the production base URL, no API key, default transport options.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with the API key from `DEVPAYR_API_KEY` (and the base URL from
    /// `DEVPAYR_BASE_URL` when set).
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.build()
    }

    /// Whether this client holds an API key (the admin credential).
    pub fn has_api_key(&self) -> bool {
        self.inner.api_key().is_some()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    /// The licenses of a project.
    pub fn licenses(&self, project_id: u64) -> Licenses {
        Licenses::new(self.clone(), project_id)
    }

    /// The domains of a project.
    pub fn domains(&self, project_id: u64) -> Domains {
        Domains::new(self.clone(), project_id)
    }

    /// The runtime check with a license key: `POST /project/has-paid`.
    pub fn has_paid(&self, license_key: &SecretLicenseKey) -> HasPaidCheck {
        HasPaidCheck::new(self.clone(), license_key.clone())
    }

    /// The same check with the API key, for a project: `GET /project/{project}/has-paid`.
    pub fn project_has_paid(&self, project_id: u64) -> ProjectHasPaid {
        ProjectHasPaid::new(self.clone(), project_id)
    }

    /// The health check `GET /` (no auth); returns its message.
    pub async fn ping(&self) -> Result<Option<String>, LicenseError> {
        let request =
            Request::get("ping", std::iter::empty::<&str>())?.accept("application/json")?;
        let envelope: Envelope<serde_json::Value> = self.execute(request, Call::Other).await?;
        Ok(envelope.message)
    }

    /// A request authenticated with the API key; a configuration error without one.
    pub(crate) fn api_request(&self, request: Request) -> Result<Request, LicenseError> {
        let key = self.inner.require_api_key(request.operation())?;
        request
            .api_key_header("x-api-key", key)
            .accept("application/json")
    }

    /// Sends a request and decodes its envelope; a non-2xx status is the typed error.
    pub(crate) async fn execute<T: DeserializeOwned + AttachRaw>(
        &self,
        request: Request,
        call: Call,
    ) -> Result<Envelope<T>, LicenseError> {
        let response = self.inner.send(request).await?;
        decode(response, call)
    }

    pub(crate) fn http(&self) -> &HttpClient {
        self.inner.http()
    }
}

/// Decodes a response: the envelope on 2xx, the typed error otherwise.
pub(crate) fn decode<T: DeserializeOwned + AttachRaw>(
    response: keyward_http::Response,
    call: Call,
) -> Result<Envelope<T>, LicenseError> {
    if response.is_success() {
        // License records carry their keys (`uuid`): the shared redaction masks UUIDs.
        response.model()
    } else {
        Err(error::from_response(response, call))
    }
}

/// The `data` of an envelope, or a decode error naming the operation.
pub(crate) fn require_data<T>(
    envelope: Envelope<T>,
    operation: &'static str,
) -> Result<T, LicenseError> {
    envelope.data.ok_or_else(|| {
        LicenseError::decode("the answer has no `data`")
            .with_provider(PROVIDER)
            .with_operation(operation)
    })
}
