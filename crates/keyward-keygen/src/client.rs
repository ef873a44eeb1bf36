//! The client, its builder, and how every request is addressed, authenticated and verified.

use std::sync::Arc;
use std::time::Duration;

use keyward_core::{AttachRaw, Clock, LicenseError, SecretLicenseKey};
use keyward_http::{
    ClientIdentity, HttpClient, ProviderClient, ProviderProfile, Request, Response,
};
use serde::de::DeserializeOwned;

use crate::account_keys::AccountKeys;
use crate::builder::ClientBuilder;
use crate::error::parse_error_body;
use crate::keys::PublicKey;
use crate::licenses::Licenses;
use crate::machines::Machines;
use crate::signatures::{self, SignedRequest};

/// The hosted API.
pub const DEFAULT_BASE_URL: &str = "https://api.keygen.sh";

/// The API version every request pins with `Keygen-Version` (what keygen-go 3.2 sends).
pub const API_VERSION: &str = "1.7";

/// The JSON:API media type, sent as `Accept` and `Content-Type`.
pub const JSON_API: &str = "application/vnd.api+json";

/// The environment variable holding an admin, product or environment token.
pub const TOKEN_ENV: &str = "KEYGEN_TOKEN";

/// The environment variable holding the account id or slug (hosted API).
pub const ACCOUNT_ENV: &str = "KEYGEN_ACCOUNT";

/// The environment variable overriding the host (a self-hosted Keygen, an emulator).
pub const BASE_URL_ENV: &str = "KEYGEN_BASE_URL";

/// The environment variable holding the account's Ed25519 public key (64 hex characters).
pub const PUBLIC_KEY_ENV: &str = "KEYGEN_PUBLIC_KEY";

/// The environment variable holding the account's RSA public key, PEM (newlines may be written
/// `\n`, as in a `.env` file).
pub const RSA_PUBLIC_KEY_ENV: &str = "KEYGEN_RSA_PUBLIC_KEY";

/// The environment variable holding the account's ECDSA P-256 public key, PEM (newlines may be
/// written `\n`).
pub const ECDSA_PUBLIC_KEY_ENV: &str = "KEYGEN_ECDSA_PUBLIC_KEY";

/// How far a signed `Date` may lie from the clock before a response is refused (keygen-go's
/// `MaxClockDrift`).
pub const DEFAULT_MAX_CLOCK_DRIFT: Duration = Duration::from_secs(5 * 60);

pub(crate) const PROVIDER: &str = "keygen";

/// What the shared client scaffold needs to know about Keygen.
pub(crate) const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    default_base_url: DEFAULT_BASE_URL,
    api_key_env: TOKEN_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &parse_error_body,
};

/// A Keygen client. Cheap to clone; `Debug` never shows a token or a license key.
///
/// With a [`public_key`](ClientBuilder::public_key), every 2xx response must carry a valid
/// `Keygen-Signature` over its request target, host, a fresh `Date` and the body's digest, or
/// the call fails with a signature error before anything of the body is read. Error answers
/// (which are `Err` anyway) keep their kind.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base: ProviderClient,
    account: Option<String>,
    license_key: Option<SecretLicenseKey>,
    /// Whether the license key is sent even when a token is held.
    license_first: bool,
    verifier: Option<Verifier>,
    /// The account's keys files are verified with (the Ed25519 one also the verifier's).
    keys: AccountKeys,
}

/// The account key and the clock responses are checked with.
#[derive(Debug, Clone)]
pub(crate) struct Verifier {
    pub(crate) key: PublicKey,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) max_drift: Duration,
}

impl Client {
    /// A builder: the hosted API, no account, no credential, no signature check.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `KEYGEN_TOKEN` (required), `KEYGEN_ACCOUNT` (required for the hosted API),
    /// `KEYGEN_BASE_URL` and `KEYGEN_PUBLIC_KEY` (optional; set, every response is verified).
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.build()
    }

    /// Licenses: validation (by key with no credential, by id with one), reading, and the
    /// admin calls.
    pub fn licenses(&self) -> Licenses {
        Licenses::new(self.clone())
    }

    /// Machines: activation, deactivation, listing, heartbeats and machine files.
    pub fn machines(&self) -> Machines {
        Machines::new(self.clone())
    }

    /// The same client (transport, account, public key) authenticating with this license key
    /// (`Authorization: License …`), as a shipped app does, even when it holds a token; only
    /// the admin calls still send the token.
    pub fn with_license_key(&self, key: SecretLicenseKey) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                base: inner.base.clone(),
                account: inner.account.clone(),
                license_key: Some(key),
                license_first: true,
                verifier: inner.verifier.clone(),
                keys: inner.keys.clone(),
            }),
        }
    }

    /// The host requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.base_url()
    }

    /// The account requests are scoped to (`None` for a self-hosted host).
    pub fn account(&self) -> Option<&str> {
        self.inner.account.as_deref()
    }

    /// Whether every response is checked against the account's public key.
    pub fn verifies_responses(&self) -> bool {
        self.inner.verifier.is_some()
    }

    /// The account's public key, when the client verifies with one (responses, and the files
    /// and webhooks it checks).
    pub fn public_key(&self) -> Option<&PublicKey> {
        self.inner.verifier.as_ref().map(|v| &v.key)
    }

    /// The account's public keys the client was given (Ed25519, RSA, ECDSA): what license and
    /// machine files are verified with ([`LicenseFile::verify`](crate::LicenseFile::verify)).
    pub fn account_keys(&self) -> &AccountKeys {
        &self.inner.keys
    }

    /// Whether this client holds a token (the admin credential).
    pub fn has_token(&self) -> bool {
        self.inner.base.api_key().is_some()
    }

    pub(crate) fn http(&self) -> &HttpClient {
        self.inner.base.http()
    }

    /// `v1/accounts/{account}/…` for the hosted API, `v1/…` for a self-hosted host.
    pub(crate) fn path<'a>(&'a self, rest: &[&'a str]) -> Vec<&'a str> {
        let mut path = vec!["v1"];
        if let Some(account) = &self.inner.account {
            path.extend(["accounts", account.as_str()]);
        }
        path.extend_from_slice(rest);
        path
    }

    /// Adds the version, media type and signature choice, and a credential: the license key
    /// on a client made by [`with_license_key`](Self::with_license_key) (or holding no token),
    /// else the token; `needs_credential` makes having neither a configuration error.
    pub(crate) fn prepare(
        &self,
        request: Request,
        needs_credential: bool,
    ) -> Result<Request, LicenseError> {
        let request = self.headers(request)?;
        let token = self.inner.base.api_key();
        match (&self.inner.license_key, token) {
            (Some(key), token) if self.inner.license_first || token.is_none() => {
                let value = SecretLicenseKey::new(format!("License {}", key.expose()));
                request
                    .redact_key(key)
                    .license_key_header("authorization", &value)
            }
            (_, Some(token)) => Ok(request.bearer(token)),
            _ if needs_credential => Err(LicenseError::config(format!(
                "this endpoint needs a credential: a token (ClientBuilder::token or {TOKEN_ENV}) \
                 or a license key (ClientBuilder::license_key)"
            ))
            .with_provider(PROVIDER)
            .with_operation(request.operation())),
            _ => Ok(request),
        }
    }

    /// The token, whatever else the client holds (admin calls); a configuration error without.
    pub(crate) fn prepare_admin(&self, request: Request) -> Result<Request, LicenseError> {
        let token = self.inner.base.require_api_key(request.operation())?;
        Ok(self.headers(request)?.bearer(token))
    }

    /// `Keygen-Version`, `Accept`, and `Keygen-Accept-Signature` when answers are verified.
    fn headers(&self, request: Request) -> Result<Request, LicenseError> {
        let request = request
            .header("keygen-version", API_VERSION)?
            .accept(JSON_API)?;
        if self.inner.verifier.is_some() {
            return request.header("keygen-accept-signature", r#"algorithm="ed25519""#);
        }
        Ok(request)
    }

    /// Sends a prepared request, verifying its signature first when a key is configured.
    pub(crate) async fn send(&self, request: Request) -> Result<Response, LicenseError> {
        let Some(verifier) = &self.inner.verifier else {
            return self.http().send(request).await;
        };
        let url = self.http().url_for(&request)?;
        let method = request.method().clone();
        let response = self.http().send(request).await?;
        // An error answer carries no verdict and is an `Err` whatever it says: forging one gains
        // nothing over dropping the connection, and a gateway's 429 or 503 keeps its kind.
        if !response.is_success() {
            return Ok(response);
        }
        let signed = SignedRequest::from_url(&method, &url);
        signatures::verify_response(verifier, &signed, &response).map_err(|e| response.tag(e))?;
        Ok(response)
    }

    /// Sends and decodes a 2xx JSON:API document, keeping the body received.
    pub(crate) async fn send_document<T: DeserializeOwned + AttachRaw>(
        &self,
        request: Request,
    ) -> Result<T, LicenseError> {
        self.send(request).await?.error_for_status()?.model()
    }

    /// Sends a request whose 2xx answer has no body worth reading (204).
    pub(crate) async fn send_empty(&self, request: Request) -> Result<(), LicenseError> {
        self.send(request).await?.error_for_status().map(drop)
    }
}

impl Client {
    /// A client from its checked parts (the builder's last step).
    pub(crate) fn from_parts(
        base: ProviderClient,
        account: Option<String>,
        license_key: Option<SecretLicenseKey>,
        verifier: Option<Verifier>,
        keys: AccountKeys,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                base,
                account,
                license_key,
                license_first: false,
                verifier,
                keys,
            }),
        }
    }
}
