//! Each provider's read and non-idempotent call, as plain functions of a base URL and options.
#![allow(clippy::unwrap_used)]

use std::future::Future;
use std::pin::Pin;

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::HttpOptions;

/// The license key every license call carries.
pub(crate) const KEY: &str = "LK-cnry7Q2xZ9-0001";
const DODO_KEY: &str = "sk_cnryDodo0001x";
const LEMON_KEY: &str = "ls_cnryLemon0001x";
const DEVPAYR_KEY: &str = "gk_1_cnryDevpayr01";
const GKM_KEY: &str = "gkm_cnryGkm0001x";
const POLAR_KEY: &str = "polar_oat_cnryPolar01";
const CREEM_KEY: &str = "creem_cnryCreem0001x";
const GUMROAD_KEY: &str = "gumroad_cnryGumroad01";

/// Every secret above, as a hostile server echoes them (the literals again: `concat!` takes
/// only literals).
#[macro_export]
macro_rules! echo {
    ($before:literal, $after:literal) => {
        concat!(
            $before,
            "LK-cnry7Q2xZ9-0001 sk_cnryDodo0001x ls_cnryLemon0001x gk_1_cnryDevpayr01 gkm_cnryGkm0001x polar_oat_cnryPolar01 creem_cnryCreem0001x gumroad_cnryGumroad01",
            $after
        )
        .as_bytes()
    };
}

pub(crate) type Outcome = Pin<Box<dyn Future<Output = Result<(), LicenseError>> + Send>>;
pub(crate) type Call = fn(String, HttpOptions) -> Outcome;

/// One provider's two calls; `signed` when its answers must carry a signature.
pub(crate) struct Provider {
    pub(crate) name: &'static str,
    pub(crate) read: Call,
    pub(crate) write: Call,
    pub(crate) signed: bool,
}

pub(crate) const PROVIDERS: &[Provider] = &[
    Provider {
        name: "dodo",
        read: dodo_validate,
        write: dodo_activate,
        signed: false,
    },
    Provider {
        name: "lemonsqueezy",
        read: lemonsqueezy_validate,
        write: lemonsqueezy_activate,
        signed: false,
    },
    Provider {
        name: "devpayr",
        read: devpayr_show,
        write: devpayr_create,
        signed: false,
    },
    Provider {
        name: "getkeymanager",
        read: gkm_verify,
        write: gkm_activate,
        signed: true,
    },
    Provider {
        name: "polar",
        read: polar_validate,
        write: polar_activate,
        signed: false,
    },
    Provider {
        name: "creem",
        read: creem_validate,
        write: creem_activate,
        signed: false,
    },
    Provider {
        name: "gumroad",
        read: gumroad_verify,
        write: gumroad_verify_and_count,
        signed: false,
    },
    Provider {
        name: "keygen",
        read: keygen_validate,
        write: keygen_activate,
        signed: true,
    },
];

fn gumroad(url: String, options: HttpOptions) -> Result<keyward::gumroad::Client, LicenseError> {
    keyward::gumroad::Client::builder()
        .product_id("32-nPAicqbLj8B_WswVlMw==")
        .base_url(url)
        .api_key(GUMROAD_KEY)
        .http_options(options)
        .build()
}

fn gumroad_verify(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        gumroad(url, options)?
            .licenses()
            .verify(&key())
            .await
            .map(drop)
    })
}

fn gumroad_verify_and_count(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        gumroad(url, options)?
            .licenses()
            .verify_and_count(&key())
            .await
            .map(drop)
    })
}

fn polar(url: String, options: HttpOptions) -> Result<keyward::polar::Client, LicenseError> {
    keyward::polar::Client::builder()
        .organization_id("fda84e25-7b55-4d67-916d-60ead04ff61f")
        .base_url(url)
        .api_key(POLAR_KEY)
        .http_options(options)
        .build()
}

fn polar_validate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        let options_ = keyward::polar::ValidateLicenseKey::new();
        polar(url, options)?
            .licenses()
            .validate(&key(), &options_)
            .await
            .map(drop)
    })
}

fn polar_activate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        let activation = keyward::polar::ActivateLicenseKey::new("box");
        polar(url, options)?
            .licenses()
            .activate(&key(), &activation)
            .await
            .map(drop)
    })
}

fn creem(url: String, options: HttpOptions) -> Result<keyward::creem::Client, LicenseError> {
    keyward::creem::Client::builder()
        .base_url(url)
        .api_key(CREEM_KEY)
        .http_options(options)
        .build()
}

fn creem_validate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        creem(url, options)?
            .licenses()
            .validate(&key(), "inst_1")
            .await
            .map(drop)
    })
}

fn creem_activate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        creem(url, options)?
            .licenses()
            .activate(&key(), "box")
            .await
            .map(drop)
    })
}

fn key() -> SecretLicenseKey {
    SecretLicenseKey::new(KEY)
}

fn dodo(url: String, options: HttpOptions) -> Result<keyward_dodo::Client, LicenseError> {
    keyward_dodo::Client::builder()
        .base_url(url)
        .api_key(DODO_KEY)
        .http_options(options)
        .build()
}

fn dodo_validate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        dodo(url, options)?
            .licenses()
            .validate(&key(), None)
            .await
            .map(drop)
    })
}

fn dodo_activate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        dodo(url, options)?
            .licenses()
            .activate(&key(), "box")
            .await
            .map(drop)
    })
}

fn lemonsqueezy(
    url: String,
    options: HttpOptions,
) -> Result<keyward_lemonsqueezy::Client, LicenseError> {
    keyward_lemonsqueezy::Client::builder()
        .base_url(url)
        .api_key(LEMON_KEY)
        .http_options(options)
        .build()
}

fn lemonsqueezy_validate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        lemonsqueezy(url, options)?
            .licenses()
            .validate(&key(), None)
            .await
            .map(drop)
    })
}

fn lemonsqueezy_activate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        lemonsqueezy(url, options)?
            .licenses()
            .activate(&key(), "box")
            .await
            .map(drop)
    })
}

fn devpayr(url: String, options: HttpOptions) -> Result<keyward_devpayr::Client, LicenseError> {
    keyward_devpayr::Client::builder()
        .base_url(format!("{url}/api/v1/"))
        .api_key(DEVPAYR_KEY)
        .http_options(options)
        .build()
}

fn devpayr_show(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move { devpayr(url, options)?.licenses(2).show(7).await.map(drop) })
}

fn devpayr_create(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        let new = keyward_devpayr::models::NewLicense::new("Faults");
        devpayr(url, options)?
            .licenses(2)
            .create(&new)
            .await
            .map(drop)
    })
}

fn gkm(url: String, options: HttpOptions) -> Result<keyward_signed_license::Client, LicenseError> {
    let path = format!(
        "{}/../../fixtures/signed-license/test-keys/product-2048.pub.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    let pem = std::fs::read_to_string(path).unwrap();
    keyward_signed_license::Client::builder()
        .base_url(url)
        .api_key(keyward::ApiKey::new(GKM_KEY).unwrap())
        .keys(keyward_signed_license::KeySet::new(
            keyward_signed_license::PublicKey::from_pem("product", &pem).unwrap(),
        ))
        .product_id(1)
        .http_options(options)
        .build()
}

fn gkm_verify(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move { gkm(url, options)?.verify(&key(), "box").await.map(drop) })
}

fn gkm_activate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move { gkm(url, options)?.activate(&key(), "box").await.map(drop) })
}

/// Keygen with a public key: a 2xx answer must be signed (none of the faults' is).
fn keygen(url: String, options: HttpOptions) -> Result<keyward_keygen::Client, LicenseError> {
    keyward_keygen::Client::builder()
        .base_url(url)
        .account("faults")
        .license_key(key())
        .public_key("e8601e48b69383ba520245fd07971e983d06d22c4257cfd82304601479cee788")
        .http_options(options)
        .build()
}

fn keygen_validate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        let scope = keyward_keygen::ValidationScope::fingerprint("box");
        let client = keygen(url, options)?;
        client
            .licenses()
            .validate_key(&key(), &scope)
            .await
            .map(drop)
    })
}

fn keygen_activate(url: String, options: HttpOptions) -> Outcome {
    Box::pin(async move {
        let machine =
            keyward_keygen::NewMachine::new("5224caee-595b-44cc-bac9-d01787642bac", "box");
        keygen(url, options)?
            .machines()
            .activate(&machine)
            .await
            .map(drop)
    })
}
