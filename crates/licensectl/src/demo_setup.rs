//! Starting each provider's emulator with a demo license, and a provider pointed at it.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use devpayr::models::NewLicense;
use license_core::{ApiKey, LicenseError, LicenseProvider, SecretLicenseKey};
use license_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use license_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use license_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use license_emulator::signed_license::{
    LicenseSeed as GkmSeed, SignedLicenseEmulator, SigningMode,
};
use licensing::{DevPayrProvider, DodoProvider, LemonSqueezyProvider, SignedLicenseProvider};
use signed_license::{KeySet, PublicKey};

/// A provider ready for the demo, with its emulator kept alive beside it.
pub(crate) struct DemoProvider {
    /// The provider's name, for the report.
    pub title: &'static str,
    /// Where its emulator listens.
    pub base_url: String,
    /// The provider, behind the one interface.
    pub provider: Box<dyn LicenseProvider>,
    /// A license key with an activation limit of 2.
    pub key: SecretLicenseKey,
    /// The provider's id of that license, for `update`.
    pub license_id: Option<String>,
    /// The instance name validations are for (DevPayr checks a domain).
    pub instance_name: Option<String>,
    /// Makes the emulator send tampered answers, for providers whose answers are signed.
    pub tamper: Option<Box<dyn Fn() + Send + Sync>>,
    /// The emulator; stops when dropped.
    pub _emulator: Box<dyn Any + Send + Sync>,
}

type Setup = fn() -> Pin<Box<dyn Future<Output = Result<DemoProvider, LicenseError>> + Send>>;

/// Every provider, in the order the demo shows them.
pub(crate) const ALL: [Setup; 4] = [
    || Box::pin(dodo()),
    || Box::pin(lemonsqueezy()),
    || Box::pin(devpayr()),
    || Box::pin(signed_license()),
];

/// The key every demo license is issued as (DevPayr makes its own).
const DEMO_KEY: &str = "DEMO-7F3A-41C2-9B8E-5D60";

async fn dodo() -> Result<DemoProvider, LicenseError> {
    let emulator = DodoEmulator::start().await;
    let id = emulator.add_license(DodoSeed::new(DEMO_KEY).activation_limit(2));
    let client = dodo::Client::builder()
        .base_url(emulator.uri())
        .api_key(ApiKey::new(emulator.api_key())?)
        .build()?;
    Ok(DemoProvider {
        title: "Dodo Payments",
        base_url: emulator.uri(),
        provider: Box::new(DodoProvider::new(client)),
        key: SecretLicenseKey::new(DEMO_KEY),
        license_id: Some(id),
        instance_name: None,
        tamper: None,
        _emulator: Box::new(emulator),
    })
}

async fn lemonsqueezy() -> Result<DemoProvider, LicenseError> {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LemonSeed::new(DEMO_KEY).activation_limit(2));
    let client = lemonsqueezy::Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;
    Ok(DemoProvider {
        title: "Lemon Squeezy",
        base_url: emulator.uri(),
        provider: Box::new(LemonSqueezyProvider::new(client)),
        key: SecretLicenseKey::new(DEMO_KEY),
        license_id: Some(id.to_string()),
        instance_name: None,
        tamper: None,
        _emulator: Box::new(emulator),
    })
}

async fn devpayr() -> Result<DemoProvider, LicenseError> {
    let emulator = DevPayrEmulator::start_seeded().await;
    let client = devpayr::Client::builder()
        .base_url(emulator.uri())
        .api_key(GLOBAL_KEY)
        .build()?;
    // A fresh production license of the seeded project, whose domain is registered.
    let license = client
        .licenses(SEED_PROJECT)
        .create(&NewLicense::new("Demo license"))
        .await?;
    Ok(DemoProvider {
        title: "DevPayr",
        base_url: emulator.uri(),
        provider: Box::new(DevPayrProvider::new(client, SEED_PROJECT)),
        key: license.uuid.clone(),
        license_id: Some(license.id.to_string()),
        instance_name: Some(String::from("app.example.com")),
        tamper: None,
        _emulator: Box::new(emulator),
    })
}

async fn signed_license() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(SignedLicenseEmulator::start().await);
    emulator.add_license(GkmSeed::new(DEMO_KEY).activation_limit(2));
    let pinned = PublicKey::from_pem("emulator-test-key", emulator.public_key_pem())
        .map_err(|e| LicenseError::config(format!("the emulator's public key: {e}")))?;
    let client = signed_license::Client::builder()
        .base_url(emulator.uri())
        .api_key(ApiKey::new(emulator.api_key())?)
        .keys(KeySet::new(pinned))
        .product_id(1)
        .build()?;
    let tampering = Arc::clone(&emulator);
    Ok(DemoProvider {
        title: "GetKeyManager (signed answers)",
        base_url: emulator.uri(),
        provider: Box::new(SignedLicenseProvider::new(client)),
        key: SecretLicenseKey::new(DEMO_KEY),
        license_id: None,
        instance_name: Some(String::from("laptop")),
        tamper: Some(Box::new(move || tampering.set_mode(SigningMode::Tampered))),
        _emulator: Box::new(emulator),
    })
}
