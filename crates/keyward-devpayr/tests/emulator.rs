#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The same flows against the stateful emulator (seeded from `fixtures/devpayr/`).

use crate::common;

use chrono::{DateTime, Duration, Utc};
use futures_util::TryStreamExt as _;
use keyward_core::{PageToken, SecretLicenseKey};
use keyward_devpayr::models::{
    DenialReason, DomainUpdate, Environment, LicenseCheck, LicenseState, NewDomain, NewLicense,
};
use keyward_devpayr::{Client, ErrorReason, InjectableSecret, devpayr_error, error_reason};
use keyward_emulator::devpayr::{
    DevPayrEmulator, DomainMode, FOREIGN_KEY, GLOBAL_KEY, PROJECT_KEY, SEED_OTHER_PROJECT,
    SEED_PROJECT,
};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

async fn emulator() -> DevPayrEmulator {
    let emulator = DevPayrEmulator::start_seeded().await;
    emulator.set_now(now());
    emulator
}

fn client_with(emulator: &DevPayrEmulator, key: &str) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .api_key(key)
        .http_options(common::no_retries())
        .build()
        .unwrap()
}

fn client(emulator: &DevPayrEmulator) -> Client {
    client_with(emulator, GLOBAL_KEY)
}

fn key(emulator: &DevPayrEmulator, license: u64) -> SecretLicenseKey {
    SecretLicenseKey::new(emulator.license_key(license).unwrap())
}

#[tokio::test]
async fn seeded_licenses_page_with_cursors() {
    let emulator = emulator().await;
    let licenses = client(&emulator).licenses(SEED_PROJECT);
    let first = licenses.list().per_page(1).send().await.unwrap();
    assert_eq!(first.items.iter().map(|l| l.id).collect::<Vec<_>>(), [5]);
    let Some(PageToken::Cursor(cursor)) = first.next else {
        panic!("no cursor")
    };
    let second = licenses
        .list()
        .per_page(1)
        .cursor(cursor)
        .send()
        .await
        .unwrap();
    assert_eq!(second.items[0].id, 4);
    assert!(second.is_last());
    let all: Vec<_> = licenses.stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].state(now()), Some(LicenseState::Active));
}

#[tokio::test]
async fn license_lifecycle_follows_the_state_rules() {
    let emulator = emulator().await;
    let licenses = client(&emulator).licenses(SEED_PROJECT);
    let created = licenses
        .create(
            &NewLicense::new("Lifecycle")
                .max_domains(2)
                .expires_at(now() + Duration::days(30)),
        )
        .await
        .unwrap();
    assert_eq!(created.project_id, Some(SEED_PROJECT));
    assert_eq!(created.uuid.expose().len(), 36);
    let shown = licenses.show(created.id).await.unwrap();
    assert_eq!(shown.title.as_deref(), Some("Lifecycle"));

    licenses.revoke(created.id).await.unwrap();
    assert_eq!(
        licenses.show(created.id).await.unwrap().status,
        Some(LicenseState::Revoked)
    );
    let again = licenses.revoke(created.id).await.unwrap_err();
    assert!(again.is_conflict() && !again.is_unauthorized());
    assert_eq!(error_reason(&again), Some(ErrorReason::LicenseNotActive));

    let back = licenses.reactivate(created.id).await.unwrap();
    assert!(back.detail().is_some());
    let not_revoked = licenses.reactivate(created.id).await.unwrap_err();
    assert_eq!(
        error_reason(&not_revoked),
        Some(ErrorReason::LicenseNotRevoked)
    );

    licenses.delete(created.id).await.unwrap();
    assert!(licenses.show(created.id).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn an_expired_license_cannot_be_reactivated() {
    let emulator = emulator().await;
    let licenses = client(&emulator).licenses(SEED_PROJECT);
    let created = licenses
        .create(&NewLicense::new("Short").expires_at(now() + Duration::days(1)))
        .await
        .unwrap();
    licenses.revoke(created.id).await.unwrap();
    emulator.set_now(now() + Duration::days(2));
    let err = licenses.reactivate(created.id).await.unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(error_reason(&err), Some(ErrorReason::LicenseExpired));
}

#[tokio::test]
async fn create_validation_errors_are_typed() {
    let emulator = emulator().await;
    let licenses = client(&emulator).licenses(SEED_PROJECT);
    let body =
        NewLicense::new("ClientApp License - Production").expires_at(now() - Duration::days(1));
    let err = licenses.create(&body).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    let details = devpayr_error(&err).unwrap();
    assert_eq!(details.reason, ErrorReason::Validation);
    assert!(details.field_errors.contains_key("title"));
    assert!(details.field_errors.contains_key("expires_at"));
}

#[tokio::test]
async fn api_key_scoping_and_project_boundaries() {
    let emulator = emulator().await;
    // A project-scoped key works on its project and is refused on another.
    let scoped = client_with(&emulator, PROJECT_KEY);
    assert!(scoped.licenses(SEED_PROJECT).show(5).await.is_ok());
    let err = scoped
        .licenses(SEED_OTHER_PROJECT)
        .list()
        .send()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(error_reason(&err), Some(ErrorReason::ProjectAccessDenied));
    // Another user's key is refused on this project.
    let foreign = client_with(&emulator, FOREIGN_KEY);
    let err = foreign.licenses(SEED_PROJECT).show(5).await.unwrap_err();
    assert!(err.is_unauthorized());
    // An unknown key, and no key header at all.
    let err = client_with(&emulator, "gk_unknown")
        .licenses(SEED_PROJECT)
        .show(5)
        .await
        .unwrap_err();
    assert_eq!(error_reason(&err), Some(ErrorReason::InvalidApiKey));
    // A license outside its project: show 404, revoke 403 (state-typed), delete 422.
    let other = client(&emulator).licenses(SEED_OTHER_PROJECT);
    assert!(other.show(5).await.unwrap_err().is_not_found());
    let err = other.revoke(5).await.unwrap_err();
    assert!(err.is_conflict());
    assert_eq!(error_reason(&err), Some(ErrorReason::LicenseNotInProject));
    let err = other.delete(5).await.unwrap_err();
    assert_eq!(
        (err.status(), error_reason(&err)),
        (Some(422), Some(ErrorReason::LicenseNotInProject))
    );
    assert!(emulator.license(5).is_some());
}

#[tokio::test]
async fn has_paid_by_license_key_and_domain() {
    let emulator = emulator().await;
    let runtime = Client::builder()
        .base_url(emulator.uri())
        .http_options(common::no_retries())
        .build()
        .unwrap();
    let key5 = key(&emulator, 5);
    let paid = runtime
        .has_paid(&key5)
        .domain("app.example.com")
        .send()
        .await
        .unwrap();
    assert!(paid.is_paid());
    let denied = runtime
        .has_paid(&key5)
        .domain("evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        denied.denial().unwrap().reason,
        DenialReason::DomainNotAuthorized
    );
    let err = runtime.has_paid(&key5).send().await.unwrap_err();
    assert_eq!(error_reason(&err), Some(ErrorReason::DomainUndetermined));

    // Project-level check with injectables, which verify and decrypt.
    let check = runtime
        .has_paid(&key5)
        .check_project(true)
        .include_injectables(true)
        .send()
        .await
        .unwrap();
    let secret = InjectableSecret::new("test-secret-123").unwrap();
    assert_eq!(
        check.injectables()[0].verify_and_decrypt(&secret).unwrap(),
        b"console.log('licensed by devpayr');\n"
    );
    assert_eq!(emulator.usage_today(5), 2);

    emulator.set_project_paid(SEED_PROJECT, false);
    let unpaid = runtime
        .has_paid(&key5)
        .check_project(true)
        .send()
        .await
        .unwrap();
    assert!(matches!(unpaid, LicenseCheck::Unpaid(_)));

    client(&emulator)
        .licenses(SEED_PROJECT)
        .revoke(5)
        .await
        .unwrap();
    let revoked = runtime
        .has_paid(&key5)
        .check_project(true)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.denial().unwrap().reason, DenialReason::Revoked);

    let unknown = SecretLicenseKey::new("00000000-0000-0000-0000-000000000000");
    let check = runtime
        .has_paid(&unknown)
        .check_project(true)
        .send()
        .await
        .unwrap();
    assert_eq!(check.denial().unwrap().reason, DenialReason::UnknownLicense);
}

#[tokio::test]
async fn license_domains_mode_registers_domains_up_to_the_cap() {
    let emulator = emulator().await;
    emulator.set_domain_mode(SEED_PROJECT, DomainMode::LicenseDomains);
    let created = client(&emulator)
        .licenses(SEED_PROJECT)
        .create(
            &NewLicense::new("One domain")
                .max_domains(1)
                .max_usage_per_day(3),
        )
        .await
        .unwrap();
    let runtime = client(&emulator);
    let first = runtime
        .has_paid(&created.uuid)
        .domain("a.example.com")
        .send()
        .await
        .unwrap();
    assert!(first.is_paid());
    let second = runtime
        .has_paid(&created.uuid)
        .domain("b.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        second.denial().unwrap().reason,
        DenialReason::DomainNotAuthorized
    );
    assert_eq!(emulator.used_domains(created.id), ["a.example.com"]);
    // The daily cap (3) counts validated requests.
    for _ in 0..2 {
        runtime
            .has_paid(&created.uuid)
            .domain("a.example.com")
            .send()
            .await
            .unwrap();
    }
    let capped = runtime
        .has_paid(&created.uuid)
        .domain("a.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        capped.denial().unwrap().reason,
        DenialReason::UsageLimitReached
    );
}

#[tokio::test]
async fn domains_flow_and_project_has_paid() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let domains = client.domains(SEED_PROJECT);
    let created = domains
        .create(
            &NewDomain::new("shop.example.com", Environment::Production)
                .paid(true)
                .primary(true),
        )
        .await
        .unwrap();
    assert_eq!(created.is_primary, Some(true));
    let dup = domains
        .create(&NewDomain::new("shop.example.com", Environment::Production))
        .await
        .unwrap_err();
    assert_eq!(error_reason(&dup), Some(ErrorReason::Validation));
    assert_eq!(
        domains.show(created.id).await.unwrap().domain,
        "shop.example.com"
    );
    assert_eq!(domains.show(3).await.unwrap().is_primary, Some(false));
    let all: Vec<_> = domains.stream().try_collect().await.unwrap();
    assert_eq!(all.len(), 2);

    let status = client
        .project_has_paid(SEED_PROJECT)
        .domain("shop.example.com")
        .send()
        .await
        .unwrap();
    assert!(status.is_paid());
    let err = client
        .project_has_paid(SEED_PROJECT)
        .domain("nowhere.example")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error_reason(&err), Some(ErrorReason::DomainNotRegistered));

    domains.delete(created.id).await.unwrap();
    assert!(domains.show(created.id).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn a_domain_is_updated_and_the_emulator_keeps_it() {
    let emulator = DevPayrEmulator::start_seeded().await;
    let client = client(&emulator);
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

#[tokio::test]
async fn injectable_stream_and_rate_limit() {
    let emulator = emulator().await;
    let client = client(&emulator);
    let page = client
        .injectable_stream(&key(&emulator, 5), None, None)
        .await
        .unwrap();
    assert_eq!(page.injectables.len(), 1);
    emulator.rate_limit_next(1);
    let err = client.licenses(SEED_PROJECT).show(5).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(1)));
    assert!(client.licenses(SEED_PROJECT).show(5).await.is_ok());
    assert_eq!(
        client.ping().await.unwrap().as_deref(),
        Some("Welcome to DevPayr api endpoint")
    );
}
