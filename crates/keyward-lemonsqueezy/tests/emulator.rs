//! The client against the Lemon Squeezy emulator: stateful flows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::options;
use futures_util::TryStreamExt;
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use keyward_lemonsqueezy::models::{KeyStatus, UpdateLicenseKey};
use keyward_lemonsqueezy::{
    Client, InstanceId, LicenseKeyId, LicenseKeyInstanceId, Patch, Refusal, SecretLicenseKey,
};

fn client(emulator: &LemonSqueezyEmulator) -> Client {
    Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .http_options(options())
        .build()
        .unwrap()
}

fn fixtures_dir() -> String {
    format!("{}/../../fixtures/lemonsqueezy", env!("CARGO_MANIFEST_DIR"))
}

#[tokio::test]
async fn limit_reached_then_deactivate_frees_a_slot() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-LIMIT-TWO-0001").activation_limit(2));
    let c = client(&emulator);
    let key = SecretLicenseKey::new("KEY-LIMIT-TWO-0001");

    let first = c.licenses().activate(&key, "laptop").await.unwrap();
    assert!(first.is_accepted());
    let second = c.licenses().activate(&key, "desktop").await.unwrap();
    assert!(second.is_accepted());
    assert_eq!(second.license_key.as_ref().unwrap().activation_usage, 2);
    assert_eq!(
        second.license_key.as_ref().unwrap().status,
        KeyStatus::Active
    );

    let third = c.licenses().activate(&key, "server").await.unwrap();
    assert_eq!(third.http_status, 400);
    assert_eq!(third.refusal(), Some(&Refusal::ActivationLimitReached));
    assert!(third.instance.is_none());

    let laptop = first.instance_id().unwrap().clone();
    let valid = c.licenses().validate(&key, Some(&laptop)).await.unwrap();
    assert!(valid.is_accepted());
    assert_eq!(valid.instance_id(), Some(&laptop));

    let freed = c.licenses().deactivate(&key, &laptop).await.unwrap();
    assert!(freed.is_accepted());
    assert_eq!(freed.license_key.unwrap().activation_usage, 1);
    assert_eq!(emulator.instances(id).len(), 1);

    let gone = c.licenses().validate(&key, Some(&laptop)).await.unwrap();
    assert_eq!(gone.refusal(), Some(&Refusal::InstanceNotFound));
    let again = c.licenses().deactivate(&key, &laptop).await.unwrap();
    assert_eq!(again.refusal(), Some(&Refusal::InstanceNotFound));

    assert!(
        c.licenses()
            .activate(&key, "server")
            .await
            .unwrap()
            .is_accepted()
    );
}

#[tokio::test]
async fn unknown_disabled_and_expired_keys_are_refused() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new("KEY-DISABLED-0001"));
    emulator.add_license(
        LicenseSeed::new("KEY-EXPIRED-00001").expires_at("2020-01-01T00:00:00Z".parse().unwrap()),
    );
    let c = client(&emulator);

    let unknown = c
        .licenses()
        .validate(&SecretLicenseKey::new("NOPE-NOPE-NOPE"), None)
        .await
        .unwrap();
    assert_eq!(
        (unknown.http_status, unknown.refusal()),
        (404, Some(&Refusal::NotFound))
    );

    let key = SecretLicenseKey::new("KEY-DISABLED-0001");
    let activation = c.licenses().activate(&key, "laptop").await.unwrap();
    assert!(activation.is_accepted());
    emulator.set_disabled(id, true);
    let answer = c
        .licenses()
        .validate(&key, activation.instance_id())
        .await
        .unwrap();
    assert_eq!(answer.refusal(), Some(&Refusal::Disabled));
    assert_eq!(answer.license_key.unwrap().status, KeyStatus::Disabled);
    assert_eq!(
        c.licenses().activate(&key, "x").await.unwrap().refusal(),
        Some(&Refusal::Disabled)
    );

    let expired = SecretLicenseKey::new("KEY-EXPIRED-00001");
    let answer = c.licenses().validate(&expired, None).await.unwrap();
    assert_eq!(answer.refusal(), Some(&Refusal::Expired));
}

#[tokio::test]
async fn product_mismatch_against_the_emulator() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(
        LicenseSeed::new("KEY-OTHER-PRODUCT")
            .store(1)
            .product(77, 770),
    );
    let bound = Client::builder()
        .base_url(emulator.uri())
        .http_options(options())
        .expect_store(1)
        .expect_product(4)
        .build()
        .unwrap();
    let key = SecretLicenseKey::new("KEY-OTHER-PRODUCT");
    let answer = bound.licenses().validate(&key, None).await.unwrap();
    assert!(answer.confirmed && !answer.is_accepted());
    assert!(answer.is_product_mismatch(), "{answer:?}");
    // An activation of the wrong product is reported with its instance, so it can be released.
    let activation = bound.licenses().activate(&key, "laptop").await.unwrap();
    assert!(activation.is_product_mismatch());
    let instance = activation.instance_id().unwrap();
    assert!(
        bound
            .licenses()
            .deactivate(&key, instance)
            .await
            .unwrap()
            .is_accepted()
    );
}

#[tokio::test]
async fn json_api_over_the_same_state_seeded_from_fixtures() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.seed_from_dir(fixtures_dir()).unwrap();
    // Key 2 of the fixture expires on 2025-05-24: pin the clock before that.
    emulator.set_now("2024-07-01T00:00:00Z".parse().unwrap());
    let c = client(&emulator);

    let key2 = c
        .license_keys()
        .retrieve(LicenseKeyId(2))
        .await
        .unwrap()
        .data;
    assert_eq!(key2.attributes.instances_count, Some(2));
    assert_eq!(key2.attributes.activation_limit, None);

    let instances: Vec<_> = c
        .license_key_instances()
        .list()
        .license_key_id(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(instances.len(), 2);
    let uuid = instances[0].attributes.identifier.clone();
    assert_eq!(
        uuid,
        InstanceId::new("47596ad9-a811-4ebf-ac8a-03fc7b6d2a17")
    );

    let doc = c
        .license_key_instances()
        .retrieve_including(
            LicenseKeyInstanceId(instances[0].id.get()),
            &["license-key"],
        )
        .await
        .unwrap();
    assert_eq!(doc.included.len(), 1);

    // Deactivate through the License API; the JSON:API sees it.
    let key = SecretLicenseKey::new(key2.attributes.key.expose());
    assert!(
        c.licenses()
            .deactivate(&key, &uuid)
            .await
            .unwrap()
            .is_accepted()
    );
    let key2 = c
        .license_keys()
        .retrieve(LicenseKeyId(2))
        .await
        .unwrap()
        .data;
    assert_eq!(key2.attributes.instances_count, Some(1));

    // Disable over the JSON:API; the License API refuses.
    let update = UpdateLicenseKey::new().disabled(true);
    let updated = c
        .license_keys()
        .update(LicenseKeyId(2), &update)
        .await
        .unwrap()
        .data;
    assert!(updated.attributes.disabled);
    assert_eq!(updated.attributes.status, KeyStatus::Disabled);
    assert_eq!(
        updated.attributes.activation_limit, None,
        "unset fields are left alone"
    );
    let refused = c.licenses().validate(&key, None).await.unwrap();
    assert_eq!(refused.refusal(), Some(&Refusal::Disabled));

    // Limit 1 with one instance left: activation refused until the limit is cleared.
    let update = UpdateLicenseKey::new()
        .disabled(false)
        .activation_limit(Patch::Set(1));
    c.license_keys()
        .update(LicenseKeyId(2), &update)
        .await
        .unwrap();
    let full = c.licenses().activate(&key, "third").await.unwrap();
    assert_eq!(full.refusal(), Some(&Refusal::ActivationLimitReached));
    c.license_keys()
        .update(
            LicenseKeyId(2),
            &UpdateLicenseKey::new().activation_limit(Patch::Clear),
        )
        .await
        .unwrap();
    assert!(
        c.licenses()
            .activate(&key, "third")
            .await
            .unwrap()
            .is_accepted()
    );
}

#[tokio::test]
async fn listing_pages_filters_and_errors() {
    let emulator = LemonSqueezyEmulator::start().await;
    for n in 0..5 {
        emulator.add_license(
            LicenseSeed::new(format!("KEY-PAGE-{n:04}")).store(if n < 4 { 1 } else { 2 }),
        );
    }
    let c = client(&emulator);
    let page = c
        .license_keys()
        .list()
        .store_id(1)
        .per_page(3)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 3);
    assert_eq!(
        (
            page.page.total,
            page.page.last_page,
            page.page.from,
            page.page.to
        ),
        (Some(4), Some(2), Some(1), Some(3))
    );
    assert!(page.links.next.is_some() && page.links.prev.is_none());
    let all: Vec<_> = c
        .license_keys()
        .list()
        .store_id(1)
        .per_page(3)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        all.iter().map(|k| k.id.get()).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    let empty = c
        .license_keys()
        .list()
        .status(KeyStatus::Disabled)
        .send()
        .await
        .unwrap();
    assert!(empty.data.is_empty());
    assert_eq!((empty.page.from, empty.page.to), (None, None));

    let missing = c
        .license_keys()
        .retrieve(LicenseKeyId(999))
        .await
        .unwrap_err();
    assert!(missing.is_not_found());

    let stranger = Client::builder()
        .base_url(emulator.uri())
        .api_key("wrong-key-123")
        .http_options(options())
        .build()
        .unwrap();
    let err = stranger
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    // The License API needs no key at all.
    let answer = stranger
        .licenses()
        .validate(&SecretLicenseKey::new("KEY-PAGE-0000"), None)
        .await
        .unwrap();
    assert!(answer.is_accepted());
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(LicenseSeed::new("KEY-RATE-LIMITED-1"));
    emulator.set_retry_after(7);
    emulator.set_rate_limit(Some(1));
    let c = client(&emulator);
    let key = SecretLicenseKey::new("KEY-RATE-LIMITED-1");
    assert!(
        c.licenses()
            .validate(&key, None)
            .await
            .unwrap()
            .is_accepted()
    );
    let err = c.licenses().validate(&key, None).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
    let err = c
        .license_keys()
        .retrieve(LicenseKeyId(1))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    emulator.set_rate_limit(None);
    assert!(
        c.licenses()
            .validate(&key, None)
            .await
            .unwrap()
            .is_accepted()
    );
}
