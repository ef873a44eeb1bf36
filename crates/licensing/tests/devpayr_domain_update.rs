//! The devpayr client's domain update (`PUT /project/{p}/domain/{d}`) against the DevPayr
//! emulator: create, update, read back; a taken name and an unknown domain are typed errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "devpayr")]

use devpayr::models::{DomainUpdate, Environment, NewDomain};
use license_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};

#[tokio::test]
async fn a_domain_is_updated_through_the_client_and_the_emulator_keeps_it() {
    let emulator = DevPayrEmulator::start_seeded().await;
    let client = devpayr::Client::builder()
        .base_url(emulator.uri())
        .api_key(GLOBAL_KEY)
        .build()
        .unwrap();
    let domains = client.domains(SEED_PROJECT);
    let created = domains
        .create(&NewDomain::new("staging.example.com", Environment::Staging))
        .await
        .unwrap();
    assert_eq!(created.is_primary, Some(false));

    let update = DomainUpdate::new()
        .domain("beta.example.com")
        .environment(Environment::Production)
        .primary(true)
        .paid(true);
    let updated = domains.update(created.id, &update).await.unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.domain, "beta.example.com");
    assert_eq!(updated.environment, Some(Environment::Production));
    assert_eq!(updated.is_primary, Some(true));
    assert_eq!(updated.has_paid, Some(true));
    assert_eq!(updated.is_active, Some(true), "not sent, kept");

    let shown = domains.show(created.id).await.unwrap();
    assert_eq!(shown.domain, "beta.example.com");
    assert_eq!(shown.is_primary, Some(true));
    let seeded = domains.show(3).await.unwrap();
    assert_eq!(seeded.is_primary, Some(false), "the old primary is demoted");

    let taken = domains
        .update(
            created.id,
            &DomainUpdate::new().domain(seeded.domain.clone()),
        )
        .await
        .unwrap_err();
    assert_eq!(taken.status(), Some(422));
    let unknown = domains
        .update(999, &DomainUpdate::new().paid(false))
        .await
        .unwrap_err();
    assert_eq!(unknown.status(), Some(404));
    assert_eq!(
        domains.show(created.id).await.unwrap().domain,
        "beta.example.com"
    );
}
