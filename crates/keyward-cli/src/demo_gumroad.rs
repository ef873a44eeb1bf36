//! Gumroad in the demo: its emulator, a key whose verify counts no use (the facade's validate),
//! disabled and enabled with the seller's OAuth token. Gumroad has no activations.

use std::sync::Arc;

use keyward::GumroadProvider;
use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_emulator::gumroad::{DEFAULT_PRODUCT_ID, GumroadEmulator, LicenseSeed};

use crate::demo_setup::{
    DEMO_KEY, DemoExtras, DemoProvider, GUARD_KEY, add_with, dead_url, offline_options,
};

pub(crate) async fn gumroad() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(GumroadEmulator::start().await);
    emulator.add_license(LicenseSeed::new(DEMO_KEY));
    let client = keyward::gumroad::Client::builder()
        .product_id(DEFAULT_PRODUCT_ID)
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;
    let offline = keyward::gumroad::Client::builder()
        .product_id(DEFAULT_PRODUCT_ID)
        .base_url(dead_url()?)
        .http_options(offline_options())
        .build()?;
    Ok(DemoProvider {
        title: "Gumroad",
        base_url: emulator.uri(),
        provider: Arc::new(GumroadProvider::new(client).admin()?),
        offline: Arc::new(GumroadProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(LicenseSeed::new(GUARD_KEY));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        // Gumroad's only handle on a license is its key.
        extras: DemoExtras {
            license_id: Some(DEMO_KEY.to_owned()),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}
