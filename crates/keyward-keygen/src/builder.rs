//! The client's builder: every setting checked once, in `build`.

use std::sync::Arc;
use std::time::Duration;

use keyward_core::{Clock, IntoApiKey, LicenseError, SecretLicenseKey, SystemClock};
use keyward_http::ClientSettings;

use crate::account_keys::{AccountKeys, EcdsaPublicKey, RsaPublicKey};
use crate::client::{
    ACCOUNT_ENV, Client, DEFAULT_BASE_URL, DEFAULT_MAX_CLOCK_DRIFT, ECDSA_PUBLIC_KEY_ENV, PROFILE,
    PROVIDER, PUBLIC_KEY_ENV, RSA_PUBLIC_KEY_ENV, Verifier,
};
use crate::keys::PublicKey;

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    settings: ClientSettings,
    account: Option<String>,
    license_key: Option<SecretLicenseKey>,
    public_key: Option<Result<PublicKey, LicenseError>>,
    rsa_public_key: Option<Result<RsaPublicKey, LicenseError>>,
    ecdsa_public_key: Option<Result<EcdsaPublicKey, LicenseError>>,
    clock: Option<Arc<dyn Clock>>,
    max_drift: Option<Duration>,
}

impl ClientBuilder {
    /// Overrides the host (a self-hosted Keygen, an emulator, a mock): `https`, or `http` to
    /// loopback. Without an [`account`](Self::account), paths have no `accounts/{id}` part.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.set_base_url(url);
        self
    }

    /// The account id or slug: paths go under `v1/accounts/{account}` (required for the hosted
    /// API).
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// An admin, product, environment, user or license token, sent as `Bearer`.
    pub fn token(mut self, token: impl IntoApiKey) -> Self {
        self.settings.set_api_key(token);
        self
    }

    /// A license key, sent as `Authorization: License …` when no token is set (see
    /// [`Client::with_license_key`] to prefer it over a token).
    pub fn license_key(mut self, key: SecretLicenseKey) -> Self {
        self.license_key = Some(key);
        self
    }

    /// The account's Ed25519 public key (64 hex characters): every response is then verified.
    pub fn public_key(mut self, hex_key: &str) -> Self {
        self.public_key = Some(PublicKey::from_hex(hex_key));
        self
    }

    /// The account's RSA public key, PEM as Keygen shows it (`-----BEGIN PUBLIC KEY-----`):
    /// license and machine files signed `rsa-pss-sha256` or `rsa-sha256` then verify (see
    /// [`Client::account_keys`]).
    pub fn rsa_public_key(mut self, pem: &str) -> Self {
        self.rsa_public_key = Some(RsaPublicKey::from_pem(pem));
        self
    }

    /// The account's ECDSA P-256 public key, PEM (`-----BEGIN PUBLIC KEY-----`): files signed
    /// `ecdsa-p256` then verify.
    pub fn ecdsa_public_key(mut self, pem: &str) -> Self {
        self.ecdsa_public_key = Some(EcdsaPublicKey::from_pem(pem));
        self
    }

    /// The clock signed `Date`s are compared with (the system clock by default).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// How far a signed `Date` may lie from the clock ([`DEFAULT_MAX_CLOCK_DRIFT`]).
    pub fn max_clock_drift(mut self, drift: Duration) -> Self {
        self.max_drift = Some(drift);
        self
    }

    /// Sets the transport options: timeouts, retries, body cap, HTTP client.
    pub fn http_options(mut self, options: keyward_http::HttpOptions) -> Self {
        self.settings.set_http_options(options);
        self
    }

    /// Reads `KEYGEN_TOKEN` (required), `KEYGEN_ACCOUNT`, `KEYGEN_BASE_URL`,
    /// `KEYGEN_PUBLIC_KEY`, `KEYGEN_RSA_PUBLIC_KEY` and `KEYGEN_ECDSA_PUBLIC_KEY` from the
    /// environment.
    pub fn from_env(self) -> Result<Self, LicenseError> {
        self.from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading variables through `lookup`.
    pub fn from_env_with(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LicenseError> {
        self.settings.read_env(&PROFILE, &lookup)?;
        let set = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if let Some(account) = set(ACCOUNT_ENV) {
            self.account = Some(account);
        }
        if let Some(key) = set(PUBLIC_KEY_ENV) {
            self = self.public_key(&key);
        }
        if let Some(pem) = set(RSA_PUBLIC_KEY_ENV) {
            self = self.rsa_public_key(&pem);
        }
        if let Some(pem) = set(ECDSA_PUBLIC_KEY_ENV) {
            self = self.ecdsa_public_key(&pem);
        }
        Ok(self)
    }

    /// Checks the configuration and builds the client. The hosted API needs an account; an
    /// account must be a plain id or slug; a public key must be 32 bytes of hex, an RSA or
    /// ECDSA one a PEM key of its kind.
    pub fn build(self) -> Result<Client, LicenseError> {
        let config = |m: String| LicenseError::config(m).with_provider(PROVIDER);
        let hosted = self
            .settings
            .base_url()
            .is_none_or(|u| u.trim_end_matches('/') == DEFAULT_BASE_URL);
        match &self.account {
            None if hosted => {
                return Err(config(format!(
                    "the hosted API needs an account: set ClientBuilder::account or {ACCOUNT_ENV}"
                )));
            }
            Some(a)
                if a.is_empty() || !a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                return Err(config(
                    "the account must be an id or a slug (letters, digits, '-')".to_owned(),
                ));
            }
            _ => {}
        }
        if self
            .license_key
            .as_ref()
            .is_some_and(SecretLicenseKey::is_empty)
        {
            return Err(config("the license key is empty".to_owned()));
        }
        let mut keys = AccountKeys::new();
        if let Some(key) = self.rsa_public_key {
            keys = keys.with_rsa(key?);
        }
        if let Some(key) = self.ecdsa_public_key {
            keys = keys.with_ecdsa(key?);
        }
        let verifier = match self.public_key {
            None => None,
            Some(key) => {
                let key = key.map_err(|e| e.with_provider(PROVIDER))?;
                keys = keys.with_ed25519(key.clone());
                Some(Verifier {
                    key,
                    clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
                    max_drift: self.max_drift.unwrap_or(DEFAULT_MAX_CLOCK_DRIFT),
                })
            }
        };
        let base = self.settings.build(&PROFILE, DEFAULT_BASE_URL)?;
        Ok(Client::from_parts(
            base,
            self.account,
            self.license_key,
            verifier,
            keys,
        ))
    }
}
