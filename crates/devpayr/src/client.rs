//! The client and its builder; the one place requests are sent and envelopes decoded.

use std::fmt;
use std::sync::Arc;

use license_core::{ApiKey, IntoApiKey, LicenseError};
use license_http::{ClientIdentity, HttpClient, HttpOptions, Request};
use serde::de::DeserializeOwned;

use crate::domains::Domains;
use crate::error::{self, Call};
use crate::has_paid::{HasPaidCheck, ProjectHasPaid};
use crate::licenses::Licenses;
use crate::models::Envelope;
use license_core::SecretLicenseKey;

/// The default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.devpayr.dev/api/v1/";

/// The environment variable [`ClientBuilder::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "DEVPAYR_API_KEY";

const PROVIDER: &str = "devpayr";

/// A DevPayr client. Cheap to clone; `Debug` never shows the API key.
///
/// Management calls (licenses, domains, the project has-paid check) need an API key
/// (`X-API-KEY`); the runtime has-paid check needs only a license key (`X-LICENSE-KEY`).
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
            .field("base_url", &self.inner.http.base_url().as_str())
            .field(
                "api_key",
                &self.inner.api_key.as_ref().map(|_| license_core::REDACTED),
            )
            .finish()
    }
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    api_key: Option<Result<ApiKey, LicenseError>>,
    options: HttpOptions,
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
            .finish()
    }
}

impl ClientBuilder {
    /// A builder with the default base URL and no API key.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder whose API key is read from `DEVPAYR_API_KEY`; a missing or empty variable is a
    /// configuration error.
    pub fn from_env() -> Result<Self, LicenseError> {
        let value = std::env::var(API_KEY_ENV).map_err(|_| {
            LicenseError::config(format!("{API_KEY_ENV} is not set (or not UTF-8)"))
                .with_provider(PROVIDER)
        })?;
        Ok(Self::new().api_key(value))
    }

    /// Overrides the base URL (tests, the emulator). Endpoint paths are appended to it.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets the API key, sent as `X-API-KEY` on management calls.
    #[must_use]
    pub fn api_key(mut self, key: impl IntoApiKey) -> Self {
        self.api_key = Some(key.into_api_key());
        self
    }

    /// Sets the transport options (timeouts, retries, body cap).
    #[must_use]
    pub fn http_options(mut self, options: HttpOptions) -> Self {
        self.options = options;
        self
    }

    /// Builds the client, checking the base URL, the API key and the options.
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
        let base_url = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
        // Paths are appended to the base URL's path: make sure it ends in `/`.
        let base_url = if base_url.ends_with('/') {
            base_url.to_owned()
        } else {
            format!("{base_url}/")
        };
        let http = HttpClient::new(identity, &base_url, self.options)?
            .with_error_parser(error::parse_error_body);
        Ok(Client {
            inner: Arc::new(Inner { http, api_key }),
        })
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client with the default base URL and the API key from `DEVPAYR_API_KEY`.
    pub fn from_env() -> Result<Self, LicenseError> {
        ClientBuilder::from_env()?.build()
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
        let key = self.inner.api_key.as_ref().ok_or_else(|| {
            LicenseError::config("this call needs an API key: set one on the builder")
                .with_provider(PROVIDER)
                .with_operation(request.operation())
        })?;
        request
            .api_key_header("x-api-key", key)
            .accept("application/json")
    }

    /// Sends a request and decodes its envelope; a non-2xx status is the typed error.
    pub(crate) async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
        call: Call,
    ) -> Result<Envelope<T>, LicenseError> {
        let response = self.inner.http.send(request).await?;
        decode(response, call)
    }

    pub(crate) fn http(&self) -> &HttpClient {
        &self.inner.http
    }
}

/// Decodes a response: the envelope on 2xx, the typed error otherwise.
pub(crate) fn decode<T: DeserializeOwned>(
    response: license_http::Response,
    call: Call,
) -> Result<Envelope<T>, LicenseError> {
    if response.is_success() {
        // License records carry their keys (`uuid`): the shared redaction masks UUIDs.
        response.json()
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
