//! Starting each provider's emulator with a demo license, and a provider pointed at it.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use keyward::{
    CreemProvider, DevPayrProvider, DodoProvider, LemonSqueezyProvider, PolarProvider,
    SignedLicenseProvider,
};
use keyward_core::{ApiKey, LicenseAdmin, LicenseError, LicenseProvider, SecretLicenseKey};
use keyward_devpayr::models::NewLicense;
use keyward_emulator::creem::{CreemEmulator, LicenseSeed as CreemSeed};
use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::polar::{LicenseSeed as PolarSeed, PolarEmulator};
use keyward_emulator::signed_license::{
    LicenseSeed as GkmSeed, SignedLicenseEmulator, SigningMode,
};
use keyward_http::{HttpOptions, RetryPolicy};
use keyward_signed_license::{KeySet, PublicKey};

/// A provider ready for the demo, with its emulator kept alive beside it.
pub(crate) struct DemoProvider {
    /// The provider's name, for the report.
    pub title: &'static str,
    /// Where its emulator listens.
    pub base_url: String,
    /// The provider with its admin credential (the demo shows the seller's side too).
    pub provider: Arc<dyn LicenseAdmin>,
    /// The same provider pointed at a loopback port nobody listens on: offline, for the guard.
    pub offline: Arc<dyn LicenseProvider>,
    /// Adds a second license (activation limit 1) for the guard's step, when the step comes.
    pub add_guard_license: AddLicense,
    /// A license key with an activation limit of 2.
    pub key: SecretLicenseKey,
    /// What only some providers have.
    pub extras: DemoExtras,
    /// The emulator; stops when dropped.
    pub _emulator: Box<dyn Any + Send + Sync>,
}

/// The parts of a [`DemoProvider`] only some providers have (`None`: the step is skipped or the
/// default used).
#[derive(Default)]
pub(crate) struct DemoExtras {
    /// The provider's id of that license, for `update`.
    pub license_id: Option<String>,
    /// The instance name validations are for (DevPayr checks a domain).
    pub instance_name: Option<String>,
    /// The instance an unknown key is validated for, for providers that validate only an
    /// instance (Creem).
    pub unknown_instance: Option<&'static str>,
    /// The customer to list licenses of, for providers that list only a customer's (Creem).
    pub customer: Option<&'static str>,
    /// Makes the emulator send tampered answers, for providers whose answers are signed.
    pub tamper: Option<Box<dyn Fn() + Send + Sync>>,
    /// Checks out a signed file and reads it without the network, for providers that have
    /// them: the report's line.
    pub offline_file: Option<OfflineFile>,
}

/// Adds a license to a running emulator and returns its key.
pub(crate) type AddLicense = Box<
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<SecretLicenseKey, LicenseError>> + Send>>
        + Send
        + Sync,
>;

/// A provider's offline proof, checked out and verified: the line the demo prints.
pub(crate) type OfflineFile = Box<
    dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, LicenseError>> + Send>> + Send + Sync,
>;

type Setup = fn() -> Pin<Box<dyn Future<Output = Result<DemoProvider, LicenseError>> + Send>>;

/// Every provider, in the order the demo shows them.
pub(crate) const ALL: [Setup; 8] = [
    || Box::pin(dodo()),
    || Box::pin(lemonsqueezy()),
    || Box::pin(polar()),
    || Box::pin(creem()),
    || Box::pin(crate::demo_gumroad::gumroad()),
    || Box::pin(devpayr()),
    || Box::pin(signed_license()),
    || Box::pin(crate::demo_keygen::keygen()),
];

/// The key every demo license is issued as (DevPayr makes its own).
pub(crate) const DEMO_KEY: &str = "DEMO-7F3A-41C2-9B8E-5D60";
/// The key of the guard's license (DevPayr makes its own).
pub(crate) const GUARD_KEY: &str = "DEMO-GUARD-0C4D-8E21-B7A9";

/// A loopback URL nobody listens on: connections are refused at once, as on a plane.
pub(crate) fn dead_url() -> Result<String, LicenseError> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| LicenseError::config(format!("no loopback port: {e}")))?;
    let port = listener
        .local_addr()
        .map_err(|e| LicenseError::config(format!("no loopback port: {e}")))?
        .port();
    drop(listener);
    Ok(format!("http://127.0.0.1:{port}"))
}

/// No retries for the offline provider: a refused connection is the answer.
pub(crate) fn offline_options() -> HttpOptions {
    HttpOptions::new().retry(RetryPolicy::none())
}

/// An [`AddLicense`] for an emulator that adds keys synchronously.
pub(crate) fn add_with<E: Send + Sync + 'static>(emulator: &Arc<E>, add: fn(&E)) -> AddLicense {
    let emulator = Arc::clone(emulator);
    Box::new(move || {
        add(&emulator);
        Box::pin(async { Ok(SecretLicenseKey::new(GUARD_KEY)) })
    })
}

async fn dodo() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(DodoEmulator::start().await);
    let id = emulator.add_license(DodoSeed::new(DEMO_KEY).activation_limit(2));
    let client = keyward_dodo::Client::builder()
        .base_url(emulator.uri())
        .api_key(ApiKey::new(emulator.api_key())?)
        .build()?;
    let offline = keyward_dodo::Client::builder()
        .base_url(dead_url()?)
        .http_options(offline_options())
        .build()?;
    Ok(DemoProvider {
        title: "Dodo Payments",
        base_url: emulator.uri(),
        provider: Arc::new(DodoProvider::new(client).admin()?),
        offline: Arc::new(DodoProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(DodoSeed::new(GUARD_KEY).activation_limit(1));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        extras: DemoExtras {
            license_id: Some(id),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}

async fn polar() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(PolarEmulator::start().await);
    let id = emulator.add_license(PolarSeed::new(DEMO_KEY).limit_activations(2));
    let client = keyward::polar::Client::builder()
        .organization_id(emulator.organization_id())
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;
    let offline = keyward::polar::Client::builder()
        .organization_id(emulator.organization_id())
        .base_url(dead_url()?)
        .http_options(offline_options())
        .build()?;
    Ok(DemoProvider {
        title: "Polar",
        base_url: emulator.uri(),
        provider: Arc::new(PolarProvider::new(client).admin()?),
        offline: Arc::new(PolarProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(PolarSeed::new(GUARD_KEY).limit_activations(1));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        extras: DemoExtras {
            license_id: Some(id),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}

/// Creem needs its secret key for every call: a seller's server runs this, never an app.
async fn creem() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(CreemEmulator::start().await);
    emulator.add_license(CreemSeed::new(DEMO_KEY).activation_limit(2));
    let client = keyward::creem::Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;
    let offline = keyward::creem::Client::builder()
        .base_url(dead_url()?)
        .api_key(emulator.api_key())
        .http_options(offline_options())
        .build()?;
    Ok(DemoProvider {
        title: "Creem (server-side)",
        base_url: emulator.uri(),
        provider: Arc::new(CreemProvider::new(client).admin()?),
        offline: Arc::new(CreemProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(CreemSeed::new(GUARD_KEY).activation_limit(1));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        extras: DemoExtras {
            unknown_instance: Some("inst_demo_unknown"),
            customer: Some("cust_emulator"),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}

async fn lemonsqueezy() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(LemonSqueezyEmulator::start().await);
    let id = emulator.add_license(LemonSeed::new(DEMO_KEY).activation_limit(2));
    let client = keyward_lemonsqueezy::Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;
    let offline = keyward_lemonsqueezy::Client::builder()
        .base_url(dead_url()?)
        .http_options(offline_options())
        .build()?;
    Ok(DemoProvider {
        title: "Lemon Squeezy",
        base_url: emulator.uri(),
        provider: Arc::new(LemonSqueezyProvider::new(client).admin()?),
        offline: Arc::new(LemonSqueezyProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(LemonSeed::new(GUARD_KEY).activation_limit(1));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        extras: DemoExtras {
            license_id: Some(id.to_string()),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}

async fn devpayr() -> Result<DemoProvider, LicenseError> {
    let emulator = DevPayrEmulator::start_seeded().await;
    let client = keyward_devpayr::Client::builder()
        .base_url(emulator.uri())
        .api_key(GLOBAL_KEY)
        .build()?;
    // A fresh production license of the seeded project, whose domain is registered.
    let license = client
        .licenses(SEED_PROJECT)
        .create(&NewLicense::new("Demo license"))
        .await?;
    let offline = keyward_devpayr::Client::builder()
        .base_url(dead_url()?)
        .api_key(GLOBAL_KEY)
        .http_options(offline_options())
        .build()?;
    let creator = client.clone();
    let add_guard_license: AddLicense = Box::new(move || {
        let creator = creator.clone();
        Box::pin(async move {
            let license = creator
                .licenses(SEED_PROJECT)
                .create(&NewLicense::new("Demo guard license"))
                .await?;
            Ok(license.uuid)
        })
    });
    Ok(DemoProvider {
        title: "DevPayr",
        base_url: emulator.uri(),
        provider: Arc::new(DevPayrProvider::new(client, SEED_PROJECT).admin()?),
        offline: Arc::new(DevPayrProvider::new(offline, SEED_PROJECT)),
        add_guard_license,
        key: license.uuid.clone(),
        extras: DemoExtras {
            license_id: Some(license.id.to_string()),
            instance_name: Some(String::from("app.example.com")),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}

async fn signed_license() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(SignedLicenseEmulator::start().await);
    emulator.add_license(GkmSeed::new(DEMO_KEY).activation_limit(2));
    let pinned = PublicKey::from_pem("emulator-test-key", emulator.public_key_pem())
        .map_err(|e| LicenseError::config(format!("the emulator's public key: {e}")))?;
    let client = keyward_signed_license::Client::builder()
        .base_url(emulator.uri())
        .api_key(ApiKey::new(emulator.api_key())?)
        .keys(KeySet::new(pinned.clone()))
        .product_id(1)
        .build()?;
    let offline = keyward_signed_license::Client::builder()
        .base_url(dead_url()?)
        .api_key(ApiKey::new(emulator.api_key())?)
        .keys(KeySet::new(pinned))
        .product_id(1)
        .http_options(offline_options())
        .build()?;
    let tampering = Arc::clone(&emulator);
    Ok(DemoProvider {
        title: "GetKeyManager (signed answers)",
        base_url: emulator.uri(),
        provider: Arc::new(SignedLicenseProvider::new(client).admin()?),
        offline: Arc::new(SignedLicenseProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(GkmSeed::new(GUARD_KEY).activation_limit(1));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        extras: DemoExtras {
            instance_name: Some(String::from("laptop")),
            tamper: Some(Box::new(move || tampering.set_mode(SigningMode::Tampered))),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}
