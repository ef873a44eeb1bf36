//! What `licensectl emulate` starts with: the demo's seed (a seed file's is `seed_apply`),
//! applied to the running emulators, and the test keys it holds, for the printout.

use keyward_emulator::creem::{CreemEmulator, LicenseSeed as CreemSeed};
use keyward_emulator::devpayr::{
    DevPayrEmulator, GLOBAL_KEY, LicenseSeed as DevPayrSeed, SEED_PROJECT,
};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::gumroad::{DEFAULT_PRODUCT_ID, GumroadEmulator, LicenseSeed as GumroadSeed};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed as KeygenSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::polar::{LicenseSeed as PolarSeed, PolarEmulator};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};

use crate::demo_setup::DEMO_KEY;

/// The key of the demo seed's DevPayr license (DevPayr keys are UUIDs).
const DEVPAYR_DEMO_KEY: &str = "7f3a41c2-9b8e-4d60-8a1b-2c3d4e5f6071";
/// The Keygen demo license's product and policy (the emulator's default ids).
const KEYGEN_PRODUCT: &str = "a3a7c2f5-1d5e-4d7c-9a8f-2f3e6d1b0c01";
const KEYGEN_POLICY: &str = "b4b8d3a6-2e6f-4e8d-8b9a-3a4f7e2c1d02";

/// What the seed left: the test keys, and DevPayr's API key and first project.
pub(crate) struct Seeded {
    /// The test keys.
    pub keys: Vec<TestKey>,
    /// DevPayr's global API key.
    pub devpayr_key: String,
    /// DevPayr's (first) project.
    pub devpayr_project: u64,
    /// The product of Gumroad's (first) license.
    pub gumroad_product: String,
}

/// A test key the emulators hold, for the printout.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct TestKey {
    /// The provider (`dodo`, `lemonsqueezy`, `devpayr`, `signed-license`).
    pub provider: &'static str,
    /// The license key (a test key).
    pub key: String,
    /// What it is, in a few words.
    pub note: String,
}

pub(super) fn key(provider: &'static str, key: &str, note: impl Into<String>) -> TestKey {
    TestKey {
        provider,
        key: key.to_owned(),
        note: note.into(),
    }
}

pub(super) fn limit_note(limit: Option<u32>, unlimited: bool) -> String {
    match (limit, unlimited) {
        (_, true) | (None, false) => String::from("no activation limit"),
        (Some(n), false) => format!("activation limit {n}"),
    }
}

/// The emulators, started and not yet seeded.
pub(crate) struct Targets<'a> {
    pub dodo: &'a DodoEmulator,
    pub lemonsqueezy: &'a LemonSqueezyEmulator,
    pub polar: &'a PolarEmulator,
    pub creem: &'a CreemEmulator,
    pub gumroad: &'a GumroadEmulator,
    pub devpayr: &'a DevPayrEmulator,
    pub signed: &'a SignedLicenseEmulator,
    pub keygen: &'a KeygenEmulator,
}

/// Seeds the emulators as the demo does: one license with an activation limit of 2 each, and
/// DevPayr's fixtures. Returns the test keys.
pub(crate) fn demo(t: &Targets<'_>) -> Result<Seeded, String> {
    t.dodo
        .add_license(DodoSeed::new(DEMO_KEY).activation_limit(2));
    t.lemonsqueezy
        .add_license(LemonSeed::new(DEMO_KEY).activation_limit(2));
    t.polar
        .add_license(PolarSeed::new(DEMO_KEY).limit_activations(2));
    t.creem
        .add_license(CreemSeed::new(DEMO_KEY).activation_limit(2));
    t.gumroad.add_license(GumroadSeed::new(DEMO_KEY));
    t.devpayr.seed_fixtures();
    t.devpayr
        .add_license(DevPayrSeed::new(DEVPAYR_DEMO_KEY).title("Demo license"))
        .map_err(|e| format!("the demo seed: {e}"))?;
    t.signed
        .add_license(GkmSeed::new(DEMO_KEY).activation_limit(2));
    let keygen_policy = KeygenSeed::new(DEMO_KEY)
        .product(KEYGEN_PRODUCT, KEYGEN_POLICY)
        .floating(true)
        .strict(true)
        .max_machines(2);
    // Keygen creates licenses only under a policy the account holds: the demo license's is one
    // (`licensectl create --provider keygen --product <policy>`).
    t.keygen.add_policy(KEYGEN_POLICY, keygen_policy.clone());
    t.keygen.add_license(keygen_policy);
    let mut keys = vec![
        key("dodo", DEMO_KEY, "activation limit 2"),
        key("lemonsqueezy", DEMO_KEY, "activation limit 2"),
        key("polar", DEMO_KEY, "activation limit 2"),
        key(
            "creem",
            DEMO_KEY,
            "activation limit 2, customer cust_emulator",
        ),
        key(
            "gumroad",
            DEMO_KEY,
            format!("product {DEFAULT_PRODUCT_ID}, no use counted"),
        ),
        key(
            "devpayr",
            DEVPAYR_DEMO_KEY,
            "project 2, valid for the domain app.example.com",
        ),
        key("signed-license", DEMO_KEY, "activation limit 2, product 1"),
        key(
            "keygen",
            DEMO_KEY,
            format!("floating, strict, 2 machines, policy {KEYGEN_POLICY}"),
        ),
    ];
    for id in [5, 4] {
        if let Some(k) = t.devpayr.license_key(id) {
            keys.push(key(
                "devpayr",
                &k,
                format!("fixture license {id}, project 2"),
            ));
        }
    }
    mark(t);
    Ok(Seeded {
        keys,
        devpayr_key: GLOBAL_KEY.to_owned(),
        devpayr_project: SEED_PROJECT,
        gumroad_product: DEFAULT_PRODUCT_ID.to_owned(),
    })
}

/// Makes the seeded state the one `reset` returns to.
pub(super) fn mark(t: &Targets<'_>) {
    t.dodo.mark_seed();
    t.lemonsqueezy.mark_seed();
    t.polar.mark_seed();
    t.creem.mark_seed();
    t.gumroad.mark_seed();
    t.devpayr.mark_seed();
    t.signed.mark_seed();
    t.keygen.mark_seed();
}
