//! Building the chosen provider from the command line and the environment. Credentials come only
//! from the environment, so they never show in a process list or a shell history.

use std::sync::Arc;

use keyward::{
    DevPayrProvider, DodoProvider, KeygenProvider, LemonSqueezyProvider, SignedLicenseProvider,
};
use keyward_core::{ApiKey, LicenseAdmin, LicenseError, LicenseProvider};
use keyward_signed_license::{KeySet, PublicKey};

use crate::cli::ProviderName;

/// The provider chosen on the command line, in both roles: what a license key alone may do, and
/// the admin role, reached only when the environment holds the admin credential.
pub(crate) struct Chosen {
    app: Arc<dyn LicenseProvider>,
    admin: Box<dyn Fn() -> Result<Arc<dyn LicenseAdmin>, LicenseError> + Send + Sync>,
}

impl Chosen {
    /// `provider` as it is, and as `admin` makes it (when its client holds an API key).
    fn of<P, A>(provider: P, admin: fn(P) -> Result<A, LicenseError>) -> Self
    where
        P: LicenseProvider + Clone + 'static,
        A: LicenseAdmin + 'static,
    {
        Self {
            app: Arc::new(provider.clone()),
            admin: Box::new(move || Ok(Arc::new(admin(provider.clone())?))),
        }
    }

    /// The app-side role: validate, activate, deactivate.
    pub(crate) fn app(&self) -> &Arc<dyn LicenseProvider> {
        &self.app
    }

    /// The admin role; a config error naming the API key's variable when it is not set.
    pub(crate) fn admin(&self) -> Result<Arc<dyn LicenseAdmin>, LicenseError> {
        (self.admin)()
    }
}

/// The provider chosen by `--provider` (or `LICENSECTL_PROVIDER`), ready to call.
pub(crate) fn from_cli(
    name: Option<ProviderName>,
    base_url: Option<&str>,
    project: Option<u64>,
) -> Result<Chosen, LicenseError> {
    let Some(name) = name else {
        return Err(LicenseError::config(
            "choose a provider with --provider (or LICENSECTL_PROVIDER): dodo, lemonsqueezy, \
             devpayr, signed-license or keygen",
        ));
    };
    build(name, base_url, project)
}

/// The provider `name` at `base_url` (else the provider's `…_BASE_URL` variable, else its
/// default), credentials from the environment; `project` is DevPayr's.
pub(crate) fn build(
    name: ProviderName,
    base_url: Option<&str>,
    project: Option<u64>,
) -> Result<Chosen, LicenseError> {
    let from_env = match name {
        ProviderName::Dodo => keyward_dodo::BASE_URL_ENV,
        ProviderName::Lemonsqueezy => keyward_lemonsqueezy::BASE_URL_ENV,
        ProviderName::Devpayr => keyward_devpayr::BASE_URL_ENV,
        ProviderName::SignedLicense => "GETKEYMANAGER_BASE_URL",
        ProviderName::Keygen => keyward_keygen::BASE_URL_ENV,
    };
    let base_url = base_url.map(str::to_owned).or_else(|| env(from_env));
    let base_url = base_url.as_deref();
    Ok(match name {
        ProviderName::Dodo => {
            let mut builder = keyward_dodo::Client::builder();
            // A misspelt environment must not quietly mean live mode.
            match env("DODO_PAYMENTS_ENVIRONMENT").as_deref().map(str::trim) {
                None | Some("live_mode") => {}
                Some("test_mode") => {
                    builder = builder.environment(keyward_dodo::Environment::TestMode)
                }
                Some(other) => {
                    return Err(LicenseError::config(format!(
                        "DODO_PAYMENTS_ENVIRONMENT is `{other}`: use test_mode or live_mode"
                    )));
                }
            }
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            if let Some(key) = env(keyward_dodo::API_KEY_ENV) {
                builder = builder.api_key(ApiKey::new(key)?);
            }
            Chosen::of(DodoProvider::new(builder.build()?), DodoProvider::admin)
        }
        ProviderName::Lemonsqueezy => {
            let mut builder = keyward_lemonsqueezy::Client::builder();
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            if let Some(key) = env("LEMONSQUEEZY_API_KEY") {
                builder = builder.api_key(key);
            }
            Chosen::of(
                LemonSqueezyProvider::new(builder.build()?),
                LemonSqueezyProvider::admin,
            )
        }
        ProviderName::Devpayr => {
            let project = project.ok_or_else(|| {
                LicenseError::config("DevPayr needs --project (or DEVPAYR_PROJECT_ID)")
            })?;
            let mut builder = keyward_devpayr::Client::builder();
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            if let Some(key) = env(keyward_devpayr::API_KEY_ENV) {
                builder = builder.api_key(key);
            }
            Chosen::of(
                DevPayrProvider::new(builder.build()?, project),
                DevPayrProvider::admin,
            )
        }
        ProviderName::SignedLicense => {
            let url = base_url.ok_or_else(|| {
                LicenseError::config(
                    "GetKeyManager is self-hosted: give its address with --base-url \
                         (or GETKEYMANAGER_BASE_URL)",
                )
            })?;
            let api_key = env("GETKEYMANAGER_API_KEY")
                .ok_or_else(|| LicenseError::config("set GETKEYMANAGER_API_KEY"))?;
            let pem_path = env("GETKEYMANAGER_PUBLIC_KEY_FILE").ok_or_else(|| {
                LicenseError::config(
                    "set GETKEYMANAGER_PUBLIC_KEY_FILE to your product's public key (PEM): \
                     answers are verified against it",
                )
            })?;
            let pem = std::fs::read_to_string(&pem_path).map_err(|e| {
                LicenseError::config(format!("could not read {pem_path}")).with_source(e)
            })?;
            let key = PublicKey::from_pem("product", &pem)
                .map_err(|e| LicenseError::config(format!("{pem_path}: {e}")))?;
            let mut builder = keyward_signed_license::Client::builder()
                .base_url(url)
                .api_key(ApiKey::new(api_key)?)
                .keys(KeySet::new(key));
            let product = match env("GETKEYMANAGER_PRODUCT_ID") {
                Some(product) => Some(product.parse().map_err(|_| {
                    LicenseError::config("GETKEYMANAGER_PRODUCT_ID is not a number")
                })?),
                None => None,
            };
            if let Some(product) = product {
                builder = builder.product_id(product);
            }
            // The product is the client's (activation checks) and the provider's (create).
            let provider = SignedLicenseProvider::new(builder.build()?);
            let provider = match product {
                Some(product) => provider.with_product_id(product),
                None => provider,
            };
            Chosen::of(provider, SignedLicenseProvider::admin)
        }
        ProviderName::Keygen => Chosen::of(
            KeygenProvider::new(keygen(base_url)?),
            KeygenProvider::admin,
        ),
    })
}

/// A Keygen client: the account from `KEYGEN_ACCOUNT` (needed for the hosted API), the public
/// key from `KEYGEN_PUBLIC_KEY` (required: every answer is verified against it), the token from
/// `KEYGEN_TOKEN` (only for the admin commands).
fn keygen(base_url: Option<&str>) -> Result<keyward_keygen::Client, LicenseError> {
    let public_key = env(keyward_keygen::PUBLIC_KEY_ENV).ok_or_else(|| {
        LicenseError::config(
            "set KEYGEN_PUBLIC_KEY to your account's Ed25519 public key (hex): answers are \
             verified against it",
        )
    })?;
    let mut builder = keyward_keygen::Client::builder().public_key(&public_key);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    if let Some(account) = env(keyward_keygen::ACCOUNT_ENV) {
        builder = builder.account(account);
    }
    if let Some(token) = env(keyward_keygen::TOKEN_ENV) {
        builder = builder.token(ApiKey::new(token)?);
    }
    builder.build()
}

/// A non-empty environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
