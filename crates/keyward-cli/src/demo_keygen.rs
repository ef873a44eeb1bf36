//! Keygen in the demo: its emulator (own Ed25519 key, every answer signed and verified), a
//! floating license of two machines, and a machine file checked out and used offline.

use std::sync::Arc;

use keyward::KeygenProvider;
use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
use keyward_keygen::{CheckoutOptions, FileStanding, MachineFile, NewMachine, PublicKey};

use crate::demo_setup::{
    DEMO_KEY, DemoExtras, DemoProvider, GUARD_KEY, OfflineFile, add_with, dead_url, offline_options,
};

/// The fingerprint of the machine whose file the demo checks out.
const FILE_MACHINE: &str = "demo-offline-workstation";

fn client(emulator: &KeygenEmulator, base_url: &str) -> keyward_keygen::ClientBuilder {
    keyward_keygen::Client::builder()
        .base_url(base_url)
        .account(emulator.account_id())
        .public_key(&emulator.public_key_hex())
}

pub(crate) async fn keygen() -> Result<DemoProvider, LicenseError> {
    let emulator = Arc::new(KeygenEmulator::start().await);
    let id = emulator.add_license(
        LicenseSeed::new(DEMO_KEY)
            .floating(true)
            .strict(true)
            .max_machines(2),
    );
    let admin = client(&emulator, &emulator.uri())
        .token(emulator.api_key())
        .build()?;
    let offline = client(&emulator, &dead_url()?)
        .http_options(offline_options())
        .build()?;
    let tampering = Arc::clone(&emulator);
    Ok(DemoProvider {
        title: "Keygen (signed answers, machine files)",
        base_url: emulator.uri(),
        provider: Arc::new(KeygenProvider::new(admin.clone()).admin()?),
        offline: Arc::new(KeygenProvider::new(offline)),
        add_guard_license: add_with(&emulator, |e| {
            e.add_license(LicenseSeed::new(GUARD_KEY).strict(true).max_machines(1));
        }),
        key: SecretLicenseKey::new(DEMO_KEY),
        extras: DemoExtras {
            license_id: Some(id),
            tamper: Some(Box::new(move || tampering.set_tampering(true))),
            offline_file: Some(machine_file(&emulator)?),
            ..DemoExtras::default()
        },
        _emulator: Box::new(emulator),
    })
}

/// A second license's machine is activated and its encrypted machine file checked out; the file
/// is then verified and decrypted with no network (the account key, the license key and this
/// machine's fingerprint) and judged against the clock: current now, expired after its TTL.
fn machine_file(emulator: &Arc<KeygenEmulator>) -> Result<OfflineFile, LicenseError> {
    let key = PublicKey::from_hex(&emulator.public_key_hex())?;
    let emulator = Arc::clone(emulator);
    Ok(Box::new(move || {
        let emulator = Arc::clone(&emulator);
        let key = key.clone();
        Box::pin(async move {
            let license_key = SecretLicenseKey::new("DEMO-FILE-2B7C-91D4-E0F3");
            let license = emulator.add_license(LicenseSeed::new(license_key.expose()));
            let app = client(&emulator, &emulator.uri())
                .license_key(license_key.clone())
                .build()?;
            let machine = app
                .machines()
                .activate(&NewMachine::new(&license, FILE_MACHINE))
                .await?
                .into_data();
            let mut options = CheckoutOptions::default();
            options.encrypt = true;
            options.ttl = keyward_core::Patch::Set(7 * 24 * 3600);
            let file = app
                .machines()
                .check_out(&machine.id, &options)
                .await?
                .into_data();
            // From here on, nothing but the certificate text and what the app holds.
            let verified = MachineFile::verify(
                &file.attributes.certificate,
                &key,
                Some((&license_key, FILE_MACHINE)),
            )?;
            let now = chrono::Utc::now();
            let later = verified.meta.expiry.unwrap_or(now) + chrono::Duration::seconds(1);
            let elsewhere = MachineFile::verify(
                &file.attributes.certificate,
                &key,
                Some((&license_key, "another-machine")),
            );
            if verified.standing(now) != FileStanding::Current
                || verified.standing(later) != FileStanding::Expired
                || elsewhere.is_ok()
            {
                return Err(LicenseError::invalid_input(
                    "unexpected: the machine file was misjudged",
                ));
            }
            Ok(format!(
                "verified and decrypted offline ({}), current until {}; expired after; unreadable on another machine",
                file.attributes.algorithm.as_deref().unwrap_or("?"),
                verified
                    .meta
                    .expiry
                    .map_or_else(|| "never".to_owned(), |t| t.format("%Y-%m-%d").to_string()),
            ))
        })
    }))
}
