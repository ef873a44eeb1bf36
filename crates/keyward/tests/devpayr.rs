#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The DevPayr adapter: mapping of the fixture bodies, then flows through
//! `Box<dyn LicenseAdmin>` against the DevPayr emulator (seeded from `fixtures/devpayr/`).
#![cfg(feature = "devpayr")]

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use keyward::mapping::devpayr as map;
use keyward::{
    ActivateRequest, CreateRequest, DeactivateRequest, DevPayrProvider, FixedClock,
    InstancesRequest, InvalidReason, LicenseAdmin, LicenseProvider, LicenseStatus, ListRequest,
    PageToken, Patch, Provider, UpdateRequest, ValidateRequest,
};
use keyward_devpayr::models::{Denial, Envelope, License};
use keyward_emulator::devpayr::{DevPayrEmulator, DomainMode, GLOBAL_KEY, SEED_PROJECT};
use serde_json::Value;
use support::received;

use crate::support;

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/devpayr/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    at("2026-01-15T10:00:00Z")
}

// ---- mapping ---------------------------------------------------------------------------------

#[test]
fn show_fixture_maps_every_field() {
    let body: Value = serde_json::from_str(&fixture("licenses.show.200.json")).unwrap();
    let envelope: Envelope<License> = received(&fixture("licenses.show.200.json"));
    let license = map::license(envelope.data.as_ref().unwrap(), now());

    assert_eq!(license.provider, Provider::DevPayr);
    assert_eq!(license.id, "5");
    assert_eq!(
        license.key.as_ref().unwrap().expose(),
        "019ae9f4-18b2-706b-b728-3f77c6bd9217"
    );
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.product.id.as_deref(), Some("2"), "the project");
    assert_eq!(license.customer.id, None);
    assert_eq!(license.purchase.order_id, None);
    assert_eq!(license.activation_limit, Some(3), "max_domains");
    assert_eq!(license.activations, None);
    assert_eq!(license.expires_at, Some(at("2026-12-31T23:59:59Z")));
    assert_eq!(license.created_at, Some(at("2025-12-04T13:22:41Z")));
    assert_eq!(license.updated_at, Some(at("2025-12-04T13:22:41Z")));
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.metadata, Value::Null);
    assert_eq!(license.raw, body["data"], "raw is the record as sent");
}

#[test]
fn list_fixture_maps_lifetime_unlimited_test_licenses() {
    let body: Value = serde_json::from_str(&fixture("licenses.list.200.json")).unwrap();
    let records: Vec<License> = received(&body["data"]["data"].to_string());
    let license = map::license(&records[1], now());
    assert_eq!(license.id, "4");
    assert_eq!(license.expires_at, None, "lifetime");
    assert_eq!(license.activation_limit, None, "no domain cap");
    assert_eq!(license.test_mode, Some(true));
    assert_eq!(license.raw, body["data"]["data"][1]);
    // Past its expiry the first one is expired, whatever `status` says.
    let later = map::license(&records[0], at("2027-01-01T00:00:00Z"));
    assert_eq!(later.status, LicenseStatus::Expired);
}

#[test]
fn unknown_states_and_huge_limits_do_not_break_the_mapping() {
    let body: Value = serde_json::from_str(&fixture("licenses.show.200.json")).unwrap();
    let mut record = body["data"].clone();
    record["status"] = Value::from("on_hold");
    record["max_domains"] = Value::from(10_000_000_000_u64);
    record["brand_new_column"] = Value::from("kept");
    let license: License = received(&record.to_string());
    let mapped = map::license(&license, now());
    assert_eq!(mapped.status, LicenseStatus::Other("on_hold".into()));
    assert_eq!(mapped.activation_limit, None);
    assert_eq!(mapped.raw.to_value()["brand_new_column"], "kept");

    let mut record = body["data"].clone();
    record["status"] = Value::from("revoked");
    let license: License = serde_json::from_value(record).unwrap();
    assert_eq!(map::license(&license, now()).status, LicenseStatus::Revoked);
    let mut record = body["data"].clone();
    record.as_object_mut().unwrap().remove("status");
    let license: License = serde_json::from_value(record).unwrap();
    assert_eq!(
        map::license(&license, now()).status,
        LicenseStatus::Other("unknown".into())
    );
}

#[test]
fn denials_map_to_reasons() {
    let body: Value =
        serde_json::from_str(&fixture("has-paid.license.403.domain-not-authorized.json")).unwrap();
    let message = body["message"].as_str().unwrap().to_owned();
    let reason = |status: u16, message: &str| {
        map::denial_reason(&Denial::new(status, Some(message.to_owned())))
    };
    assert_eq!(reason(403, &message), InvalidReason::InstanceMismatch);
    assert_eq!(
        reason(403, "This license has been revoked."),
        InvalidReason::Revoked
    );
    assert_eq!(
        reason(403, "This license has expired."),
        InvalidReason::Expired
    );
    assert_eq!(reason(403, "Invalid license key."), InvalidReason::NotFound);
    assert_eq!(reason(401, "Missing license key."), InvalidReason::NotFound);
    assert_eq!(
        reason(403, "This license has reached its domain limit."),
        InvalidReason::LimitReached
    );
    assert_eq!(
        reason(403, "Daily usage limit reached for this license."),
        InvalidReason::Other("Daily usage limit reached for this license.".into())
    );
    assert_eq!(
        map::denial_reason(&Denial::new(403, None)),
        InvalidReason::Other("refused by DevPayr (HTTP 403)".into())
    );
}

// ---- flows against the emulator ---------------------------------------------------------------

async fn emulator() -> DevPayrEmulator {
    let emulator = DevPayrEmulator::start_seeded().await;
    emulator.set_now(now());
    emulator
}

fn client(emulator: &DevPayrEmulator, api_key: &str) -> keyward_devpayr::Client {
    keyward_devpayr::Client::builder()
        .base_url(emulator.uri())
        .api_key(api_key)
        .build()
        .unwrap()
}

fn provider(emulator: &DevPayrEmulator) -> Box<dyn LicenseAdmin> {
    Box::new(
        DevPayrProvider::new(client(emulator, GLOBAL_KEY), SEED_PROJECT)
            .clock(Arc::new(FixedClock::new(now())))
            .admin()
            .unwrap(),
    )
}

#[tokio::test]
async fn capabilities_and_unsupported_operations() {
    let emulator = emulator().await;
    let p = provider(&emulator);
    assert_eq!(p.provider(), Provider::DevPayr);
    let caps = p.capabilities();
    assert!(caps.validate && caps.get && caps.list && caps.create && caps.update);
    assert!(!caps.activate && !caps.deactivate && !caps.instances);
    assert!(!caps.signed && !caps.offline);

    let key = emulator.license_key(5).unwrap();
    let before = emulator.request_count();
    let err = p
        .activate(ActivateRequest::new(key.clone(), "app.example.com"))
        .await
        .unwrap_err();
    assert!(err.is_unsupported(), "{err}");
    let err = p
        .deactivate(DeactivateRequest::new(key, "app.example.com"))
        .await
        .unwrap_err();
    assert!(err.is_unsupported());
    let err = p.instances(InstancesRequest::new("5")).await.unwrap_err();
    assert!(err.is_unsupported());
    let mut update = UpdateRequest::new("5");
    update.expires_at = Patch::Clear;
    assert!(p.update(update).await.unwrap_err().is_unsupported());
    let mut update = UpdateRequest::new("5");
    update.activation_limit = Patch::Set(4);
    assert!(p.update(update).await.unwrap_err().is_unsupported());
    assert_eq!(emulator.request_count(), before, "nothing was sent");
}

#[tokio::test]
async fn validate_paid_unpaid_and_refused() {
    let emulator = emulator().await;
    let p = provider(&emulator);
    let key = emulator.license_key(5).unwrap();

    let ok = p
        .validate(ValidateRequest::new(key.clone()).instance_name("app.example.com"))
        .await
        .unwrap();
    assert!(ok.is_valid(), "{ok:?}");
    let requests = emulator.received_requests().await;
    let check = requests.last().unwrap();
    assert_eq!(check.method.as_str(), "POST");
    assert_eq!(check.url.path(), "/api/v1/project/has-paid");
    assert_eq!(check.headers["x-license-key"], key.as_str());
    assert_eq!(check.headers["x-devpayr-domain"], "app.example.com");
    assert!(check.headers.get("x-api-key").is_none());

    let elsewhere = p
        .validate(ValidateRequest::new(key.clone()).instance_name("evil.example"))
        .await
        .unwrap();
    assert_eq!(elsewhere.reason(), Some(&InvalidReason::InstanceMismatch));

    // No domain at all: DevPayr cannot answer (400), an error.
    let err = p
        .validate(ValidateRequest::new(key.clone()))
        .await
        .unwrap_err();
    assert!(!err.is_unsupported() && err.status() == Some(400), "{err}");

    // The provider's default domain, and the project-level check.
    let with_default =
        DevPayrProvider::new(client(&emulator, GLOBAL_KEY), SEED_PROJECT).domain("app.example.com");
    assert!(
        with_default
            .validate(ValidateRequest::new(key.clone()))
            .await
            .unwrap()
            .is_valid()
    );
    emulator.set_project_paid(SEED_PROJECT, false);
    let project =
        DevPayrProvider::new(client(&emulator, GLOBAL_KEY), SEED_PROJECT).check_project(true);
    let unpaid = project
        .validate(ValidateRequest::new(key.clone()))
        .await
        .unwrap();
    assert_eq!(unpaid.reason(), Some(&InvalidReason::NotPaid));
    emulator.set_project_paid(SEED_PROJECT, true);

    let unknown = project
        .validate(ValidateRequest::new("00000000-0000-0000-0000-000000000000"))
        .await
        .unwrap();
    assert_eq!(unknown.reason(), Some(&InvalidReason::NotFound));

    // Revoked through `update`, then valid again after reactivation.
    let mut revoke = UpdateRequest::new("5");
    revoke.disabled = Some(true);
    let revoked = p.update(revoke.clone()).await.unwrap();
    assert_eq!(revoked.status, LicenseStatus::Revoked);
    let outcome = project
        .validate(ValidateRequest::new(key.clone()))
        .await
        .unwrap();
    assert_eq!(outcome.reason(), Some(&InvalidReason::Revoked));
    let twice = p.update(revoke).await.unwrap();
    assert_eq!(
        twice.status,
        LicenseStatus::Revoked,
        "revoking again is no error"
    );
    let mut reactivate = UpdateRequest::new("5");
    reactivate.disabled = Some(false);
    assert_eq!(
        p.update(reactivate).await.unwrap().status,
        LicenseStatus::Active
    );
    assert!(
        project
            .validate(ValidateRequest::new(key.clone()))
            .await
            .unwrap()
            .is_valid()
    );

    // Expired.
    emulator.set_now(at("2027-02-01T00:00:00Z"));
    let expired = project.validate(ValidateRequest::new(key)).await.unwrap();
    assert_eq!(expired.reason(), Some(&InvalidReason::Expired));
}

#[tokio::test]
async fn domain_cap_is_the_activation_limit() {
    let emulator = emulator().await;
    emulator.set_domain_mode(SEED_PROJECT, DomainMode::LicenseDomains);
    let p = provider(&emulator);
    let mut create = CreateRequest::default();
    create.title = Some("One domain".into());
    create.activation_limit = Some(1);
    create.expires_at = Some(now() + Duration::days(30));
    let created = p.create(create).await.unwrap();
    assert_eq!(created.activation_limit, Some(1));
    assert_eq!(created.status, LicenseStatus::Active);
    assert_eq!(created.raw.to_value()["title"], "One domain");
    let requests = emulator.received_requests().await;
    let post = requests.last().unwrap();
    assert_eq!(post.url.path(), "/api/v1/project/2/licenses");
    let body: Value = serde_json::from_slice(&post.body).unwrap();
    assert_eq!(body["title"], "One domain");
    assert_eq!(body["max_domains"], 1);
    assert_eq!(body["expires_at"], "2026-02-14T10:00:00Z");

    let key = created.key.unwrap();
    let first = p
        .validate(ValidateRequest::new(key.clone()).instance_name("a.example.com"))
        .await
        .unwrap();
    assert!(first.is_valid());
    let second = p
        .validate(ValidateRequest::new(key).instance_name("b.example.com"))
        .await
        .unwrap();
    assert_eq!(second.reason(), Some(&InvalidReason::LimitReached));
}

#[tokio::test]
async fn get_list_and_create_rules() {
    let emulator = emulator().await;
    let p = provider(&emulator);

    let got = p.get("5").await.unwrap();
    assert_eq!(got.id, "5");
    assert_eq!(
        got.key.as_ref().unwrap().expose(),
        emulator.license_key(5).unwrap()
    );
    assert_eq!(got.activation_limit, Some(3));
    assert!(p.get("999").await.unwrap_err().is_not_found());
    let err = p.get("not-a-number").await.unwrap_err();
    assert!(!err.is_not_found() && !err.is_unsupported(), "{err}");

    let first = p.list(ListRequest::new().page_size(1)).await.unwrap();
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.items[0].id, "5", "newest first");
    let Some(PageToken::Cursor(cursor)) = first.next.clone() else {
        panic!("a cursor: {first:?}")
    };
    let second = p
        .list(
            ListRequest::new()
                .page_size(1)
                .page(PageToken::Cursor(cursor.clone())),
        )
        .await
        .unwrap();
    assert_eq!(second.items[0].id, "4");
    assert_eq!(second.items[0].test_mode, Some(true));
    let requests = emulator.received_requests().await;
    let query = requests.last().unwrap().url.query().unwrap().to_owned();
    assert!(
        query.contains("per_page=1") && query.contains("cursor="),
        "{query}"
    );
    let all = p.list(ListRequest::new().product_id("2")).await.unwrap();
    assert_eq!(all.items.len(), 2);
    assert!(all.is_last());

    for refused in [
        ListRequest::new().status(LicenseStatus::Active),
        ListRequest::new().customer_id("cus_1"),
        ListRequest::new().product_id("7"),
        ListRequest::new().page(PageToken::Number(2)),
    ] {
        assert!(p.list(refused).await.is_err());
    }

    let mut no_title = CreateRequest::default();
    no_title.activation_limit = Some(1);
    assert!(p.create(no_title).await.is_err());
    let mut import = CreateRequest::default();
    import.title = Some("Imported".into());
    import.key = Some("MY-OWN-KEY-0001".into());
    assert!(p.create(import).await.is_err());
    let mut duplicate = CreateRequest::default();
    duplicate.title = Some("ClientApp License - Production".into());
    let err = p.create(duplicate).await.unwrap_err();
    assert_eq!(err.status(), Some(422), "{err}");
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    const API_KEY: &str = "gk_9_1764854584_canarycanarycanarycanary00000000";
    let emulator = emulator().await;
    let p: Box<dyn LicenseAdmin> = Box::new(
        DevPayrProvider::new(client(&emulator, API_KEY), SEED_PROJECT)
            .admin()
            .unwrap(),
    );
    let shown = format!("{p:?}");
    assert!(!shown.contains(API_KEY), "{shown}");

    let unauthorized = p.get("5").await.unwrap_err();
    assert!(unauthorized.is_unauthorized(), "{unauthorized}");
    let license = emulator.license_key(5).unwrap();
    let no_domain = p
        .validate(ValidateRequest::new(license.clone()))
        .await
        .unwrap_err();
    for err in [unauthorized, no_domain] {
        for text in [format!("{err}"), format!("{err:?}")] {
            assert!(!text.contains(API_KEY), "{text}");
            assert!(!text.contains(&license), "{text}");
        }
    }
}

#[tokio::test]
async fn transport_failures_stay_errors() {
    let client = keyward_devpayr::Client::builder()
        .base_url(format!(
            "{}/api/v1/",
            keyward_test_support::refused_url().unwrap()
        ))
        .build()
        .unwrap();
    // The app side: no API key.
    let p: Box<dyn LicenseProvider> = Box::new(DevPayrProvider::new(client, SEED_PROJECT));
    let err = p
        .validate(ValidateRequest::new("019ae9f4-18b2").instance_name("app.example.com"))
        .await
        .unwrap_err();
    assert!(err.is_network(), "{err}");
}
