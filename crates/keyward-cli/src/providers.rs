//! Building the chosen provider from the command line and the environment. Credentials come only
//! from the environment, so they never show in a process list or a shell history.

use std::sync::Arc;

use keyward::{
    CreemProvider, DevPayrProvider, DodoProvider, GumroadProvider, KeygenProvider,
    LemonSqueezyProvider, PolarProvider, SignedLicenseProvider,
};
use keyward_core::{ApiKey, LicenseAdmin, LicenseError, LicenseProvider};
use keyward_http::HttpOptions;
use keyward_signed_license::{KeySet, PublicKey};

use crate::cli::ProviderName;

/// The provider chosen on the command line, in both roles: what a license key alone may do, and
/// the admin role, reached only when the environment holds the admin credential.
pub(crate) struct Chosen {
    app: Arc<dyn LicenseProvider>,
    admin: Box<dyn Fn() -> Result<Arc<dyn LicenseAdmin>, LicenseError> + Send + Sync>,
    identity: Identity,
    /// Dodo's client, for what the neutral traits do not cover (its products and customers).
    dodo: Option<keyward_dodo::Client>,
}

/// Where a chosen provider points: what a migration journal is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    /// The base URL the client uses.
    pub base_url: String,
    /// The provider's environment where the configuration names one (Dodo's test or live mode).
    pub environment: Option<&'static str>,
    /// A fingerprint of the credential and the base URL: the account, never the credential.
    pub account: String,
}

impl Identity {
    fn new(base_url: &str, environment: Option<&'static str>, credential: Option<&str>) -> Self {
        Self {
            base_url: base_url.to_owned(),
            environment,
            account: account_fingerprint(base_url, credential.unwrap_or_default()),
        }
    }
}

/// The first 16 bytes of SHA-256 over the base URL and the credential, in hex: two runs with
/// the same credential at the same address agree, and the credential cannot be read back.
pub(crate) fn account_fingerprint(base_url: &str, credential: &str) -> String {
    let mut context = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
    context.update(b"licensectl account\0");
    context.update(base_url.as_bytes());
    context.update(b"\0");
    context.update(credential.as_bytes());
    let digest = context.finish();
    hex::encode(digest.as_ref().get(..16).unwrap_or_default())
}

impl Chosen {
    /// `provider` as it is, and as `admin` makes it (when its client holds an API key).
    fn of<P, A>(provider: P, admin: fn(P) -> Result<A, LicenseError>, identity: Identity) -> Self
    where
        P: LicenseProvider + Clone + 'static,
        A: LicenseAdmin + 'static,
    {
        Self {
            app: Arc::new(provider.clone()),
            admin: Box::new(move || Ok(Arc::new(admin(provider.clone())?))),
            identity,
            dodo: None,
        }
    }

    /// Dodo's own client, when this is Dodo.
    pub(crate) fn dodo(&self) -> Option<&keyward_dodo::Client> {
        self.dodo.as_ref()
    }

    /// Where it points: base URL, environment, account fingerprint.
    pub(crate) fn identity(&self) -> &Identity {
        &self.identity
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
             polar, creem, gumroad, devpayr, signed-license or keygen",
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
    build_with(name, base_url, project, HttpOptions::new())
}

/// [`build`] with these transport options (a migration retries creates itself).
pub(crate) fn build_with(
    name: ProviderName,
    base_url: Option<&str>,
    project: Option<u64>,
    options: HttpOptions,
) -> Result<Chosen, LicenseError> {
    let from_env = match name {
        ProviderName::Dodo => keyward_dodo::BASE_URL_ENV,
        ProviderName::Lemonsqueezy => keyward_lemonsqueezy::BASE_URL_ENV,
        ProviderName::Polar => keyward::polar::BASE_URL_ENV,
        ProviderName::Creem => keyward::creem::BASE_URL_ENV,
        ProviderName::Gumroad => keyward::gumroad::BASE_URL_ENV,
        ProviderName::Devpayr => keyward_devpayr::BASE_URL_ENV,
        ProviderName::SignedLicense => "GETKEYMANAGER_BASE_URL",
        ProviderName::Keygen => keyward_keygen::BASE_URL_ENV,
    };
    let base_url = base_url.map(str::to_owned).or_else(|| env(from_env));
    let base_url = base_url.as_deref();
    Ok(match name {
        ProviderName::Dodo => {
            let mut builder = keyward_dodo::Client::builder().http_options(options);
            let mut environment = "live_mode";
            // A misspelt environment must not quietly mean live mode.
            match env("DODO_PAYMENTS_ENVIRONMENT").as_deref().map(str::trim) {
                None | Some("live_mode") => {}
                Some("test_mode") => {
                    environment = "test_mode";
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
            let key = env(keyward_dodo::API_KEY_ENV);
            if let Some(key) = key.clone() {
                builder = builder.api_key(ApiKey::new(key)?);
            }
            let client = builder.build()?;
            let identity = Identity::new(client.base_url(), Some(environment), key.as_deref());
            let mut chosen = Chosen::of(
                DodoProvider::new(client.clone()),
                DodoProvider::admin,
                identity,
            );
            chosen.dodo = Some(client);
            chosen
        }
        ProviderName::Lemonsqueezy => {
            let mut builder = keyward_lemonsqueezy::Client::builder().http_options(options);
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            let key = env("LEMONSQUEEZY_API_KEY");
            if let Some(key) = key.clone() {
                builder = builder.api_key(key);
            }
            let client = builder.build()?;
            let identity = Identity::new(client.base_url(), None, key.as_deref());
            Chosen::of(
                LemonSqueezyProvider::new(client),
                LemonSqueezyProvider::admin,
                identity,
            )
        }
        ProviderName::Polar => {
            let organization = env(keyward::polar::ORGANIZATION_ID_ENV).ok_or_else(|| {
                LicenseError::config(format!(
                    "Polar needs your organization id in {}",
                    keyward::polar::ORGANIZATION_ID_ENV
                ))
            })?;
            let mut builder = keyward::polar::Client::builder()
                .http_options(options)
                .organization_id(organization);
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            let token = env(keyward::polar::API_KEY_ENV);
            if let Some(token) = token.clone() {
                builder = builder.api_key(token);
            }
            let client = builder.build()?;
            let identity = Identity::new(client.base_url(), None, token.as_deref());
            Chosen::of(PolarProvider::new(client), PolarProvider::admin, identity)
        }
        ProviderName::Creem => {
            let mut builder = keyward::creem::Client::builder().http_options(options);
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            let key = env(keyward::creem::API_KEY_ENV);
            if let Some(key) = key.clone() {
                builder = builder.api_key(key);
            }
            let client = builder.build()?;
            let identity = Identity::new(client.base_url(), None, key.as_deref());
            Chosen::of(CreemProvider::new(client), CreemProvider::admin, identity)
        }
        ProviderName::Gumroad => {
            let product = env("GUMROAD_PRODUCT_ID").ok_or_else(|| {
                LicenseError::config("Gumroad needs the product id in GUMROAD_PRODUCT_ID")
            })?;
            let mut builder = keyward::gumroad::Client::builder()
                .http_options(options)
                .product_id(product);
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            let token = env(keyward::gumroad::API_KEY_ENV);
            if let Some(token) = token.clone() {
                builder = builder.api_key(token);
            }
            let client = builder.build()?;
            let identity = Identity::new(client.base_url(), None, token.as_deref());
            Chosen::of(
                GumroadProvider::new(client),
                GumroadProvider::admin,
                identity,
            )
        }
        ProviderName::Devpayr => {
            let project = project.ok_or_else(|| {
                LicenseError::config("DevPayr needs --project (or DEVPAYR_PROJECT_ID)")
            })?;
            let mut builder = keyward_devpayr::Client::builder().http_options(options);
            if let Some(url) = base_url {
                builder = builder.base_url(url);
            }
            let key = env(keyward_devpayr::API_KEY_ENV);
            if let Some(key) = key.clone() {
                builder = builder.api_key(key);
            }
            let client = builder.build()?;
            // The project is part of the account: another project is another store.
            let credential = format!("{}\0{project}", key.unwrap_or_default());
            let identity = Identity::new(client.base_url(), None, Some(&credential));
            Chosen::of(
                DevPayrProvider::new(client, project),
                DevPayrProvider::admin,
                identity,
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
            let credential = format!(
                "{api_key}\0{}",
                env("GETKEYMANAGER_PRODUCT_ID").unwrap_or_default()
            );
            let mut builder = keyward_signed_license::Client::builder()
                .http_options(options)
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
            let client = builder.build()?;
            let identity = Identity::new(client.base_url(), None, Some(&credential));
            let provider = SignedLicenseProvider::new(client);
            let provider = match product {
                Some(product) => provider.with_product_id(product),
                None => provider,
            };
            Chosen::of(provider, SignedLicenseProvider::admin, identity)
        }
        ProviderName::Keygen => {
            let client = keygen(base_url, options)?;
            // The account and the token say whose licenses these are.
            let credential = format!(
                "{}\0{}",
                client.account().unwrap_or_default(),
                env(keyward_keygen::TOKEN_ENV).unwrap_or_default()
            );
            let identity = Identity::new(client.base_url(), None, Some(&credential));
            Chosen::of(KeygenProvider::new(client), KeygenProvider::admin, identity)
        }
    })
}

/// A Keygen client: the account from `KEYGEN_ACCOUNT` (needed for the hosted API), the public
/// key from `KEYGEN_PUBLIC_KEY` (required: every answer is verified against it), the RSA and
/// ECDSA ones from `KEYGEN_RSA_PUBLIC_KEY` / `KEYGEN_ECDSA_PUBLIC_KEY` (optional: files signed
/// with them), the token from `KEYGEN_TOKEN` (only for the admin commands).
fn keygen(
    base_url: Option<&str>,
    options: HttpOptions,
) -> Result<keyward_keygen::Client, LicenseError> {
    let public_key = env(keyward_keygen::PUBLIC_KEY_ENV).ok_or_else(|| {
        LicenseError::config(
            "set KEYGEN_PUBLIC_KEY to your account's Ed25519 public key (hex): answers are \
             verified against it",
        )
    })?;
    let mut builder = keyward_keygen::Client::builder()
        .http_options(options)
        .public_key(&public_key);
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    if let Some(account) = env(keyward_keygen::ACCOUNT_ENV) {
        builder = builder.account(account);
    }
    if let Some(token) = env(keyward_keygen::TOKEN_ENV) {
        builder = builder.token(ApiKey::new(token)?);
    }
    if let Some(pem) = env(keyward_keygen::RSA_PUBLIC_KEY_ENV) {
        builder = builder.rsa_public_key(&pem);
    }
    if let Some(pem) = env(keyward_keygen::ECDSA_PUBLIC_KEY_ENV) {
        builder = builder.ecdsa_public_key(&pem);
    }
    builder.build()
}

/// A non-empty environment variable.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}
