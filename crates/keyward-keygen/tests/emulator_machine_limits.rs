//! The Keygen emulator's machine limits as keygen-api holds them: a node-locked policy gets a
//! limit of 1 when it is created (`policy.rb`'s `before_create`), one cleared past the
//! validations has none (`features/api/v1/machines/create.feature`: "Admin creates a machine for
//! a node-locked license that does not have a limit"), and a license's own limit overrides its
//! policy's until it is cleared (`features/api/v1/licenses/update.feature`).

use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
use keyward_keygen::{
    Client, NewMachine, Patch, SecretLicenseKey, UpdateLicense, ValidationCode, ValidationScope,
};

use crate::emulator::admin;

/// The license's `maxMachines` as the emulator serves it.
async fn shown_limit(client: &Client, id: &str) -> Option<u64> {
    let license = client.licenses().get(id).await.unwrap().into_data();
    license.attributes.max_machines
}

/// Activates machines `fingerprints` on license `id`: the provider code of each refusal.
async fn activate(client: &Client, id: &str, fingerprints: &[&str]) -> Vec<Option<String>> {
    let mut refusals = Vec::new();
    for fingerprint in fingerprints {
        let activated = client
            .machines()
            .activate(&NewMachine::new(id, *fingerprint))
            .await;
        refusals.push(
            activated
                .err()
                .map(|e| e.provider_code().unwrap().to_owned()),
        );
    }
    refusals
}

#[tokio::test]
async fn a_node_locked_license_without_a_given_limit_has_the_created_policys_one() {
    let emulator = KeygenEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("NODE-LOCKED"));
    let client = admin(&emulator);
    assert_eq!(shown_limit(&client, &id).await, Some(1));
    let refusals = activate(&client, &id, &["a", "b"]).await;
    assert_eq!(refusals, [None, Some("MACHINE_LIMIT_EXCEEDED".to_owned())]);
    // A floating one has no limit unless given one.
    let floating = emulator.add_license(LicenseSeed::new("FLOATING").floating(true));
    assert_eq!(shown_limit(&client, &floating).await, None);
    assert_eq!(
        activate(&client, &floating, &["c", "d", "e"]).await,
        [None, None, None]
    );
}

#[tokio::test]
async fn a_node_locked_license_without_a_limit_activates_any_number_yet_validates_for_one() {
    let emulator = KeygenEmulator::start().await;
    let seed = LicenseSeed::new("UNLIMITED")
        .strict(true)
        .unlimited_machines();
    let id = emulator.add_license(seed);
    let client = admin(&emulator);
    assert_eq!(shown_limit(&client, &id).await, None);
    let refusals = activate(&client, &id, &["a", "b", "c", "d"]).await;
    assert_eq!(refusals, [None, None, None, None]);
    // `license_validation_service.rb`: a node-locked license is held to
    // `license.max_machines || 1`.
    let validation = client
        .licenses()
        .validate_key(
            &SecretLicenseKey::new("UNLIMITED"),
            &ValidationScope::default(),
        )
        .await
        .unwrap();
    assert_eq!(validation.code(), &ValidationCode::TooManyMachines);
}

#[tokio::test]
async fn a_licenses_own_limit_overrides_its_policys_until_cleared() {
    let emulator = KeygenEmulator::start().await;
    let seed = LicenseSeed::new("OVERRIDDEN")
        .floating(true)
        .max_machines(5)
        .max_machines_override(1);
    let id = emulator.add_license(seed);
    let client = admin(&emulator);
    assert_eq!(shown_limit(&client, &id).await, Some(1));
    let refusals = activate(&client, &id, &["a", "b"]).await;
    assert_eq!(refusals, [None, Some("MACHINE_LIMIT_EXCEEDED".to_owned())]);
    let mut clear = UpdateLicense::default();
    clear.max_machines = Patch::Clear;
    let updated = client.licenses().update(&id, &clear).await.unwrap();
    assert_eq!(updated.into_data().attributes.max_machines, Some(5));
    assert_eq!(activate(&client, &id, &["b"]).await, [None]);
}
