#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The same operations against the stateful emulator: limits, deactivate frees a slot, expiry,
//! disabling, pagination, admin auth.

use chrono::{Duration, Utc};
use futures_util::TryStreamExt;
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_dodo::{
    Client, CreateLicenseKey, DodoErrorExt, ErrorCode, LicenseKeySource, LicenseKeyStatus,
    ListInstances, ListLicenseKeys, UpdateLicenseKey,
};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};
use keyward_http::{HttpOptions, RetryPolicy};

fn client(dodo: &DodoEmulator) -> Client {
    Client::builder()
        .base_url(dodo.uri())
        .api_key(dodo.api_key())
        .http_options(HttpOptions::new().retry(RetryPolicy::none()))
        .build()
        .unwrap()
}

#[tokio::test]
async fn activation_limit_and_deactivate_frees_a_slot() {
    let dodo = DodoEmulator::start().await;
    let key_id = dodo.add_license(
        LicenseSeed::new("EMU-KEY-0001-AAAA")
            .activation_limit(2)
            .customer("cus_ada", "ada@example.com", "Ada Lovelace")
            .product("pdt_engine", Some("Analytical Engine")),
    );
    let client = client(&dodo);
    let key = SecretLicenseKey::new("EMU-KEY-0001-AAAA");
    let licenses = client.licenses();

    let first = licenses.activate(&key, "laptop").await.unwrap();
    assert_eq!(first.license_key_id, key_id);
    assert_eq!(first.customer.email, "ada@example.com");
    assert_eq!(
        first.product.as_ref().unwrap().name.as_deref(),
        Some("Analytical Engine")
    );
    let second = licenses.activate(&key, "desktop").await.unwrap();
    assert_eq!(dodo.instances_count(&key_id), 2);

    let full = licenses.activate(&key, "third").await.unwrap_err();
    assert!(full.is_activation_limit_reached(), "{full}");
    assert_eq!(full.status(), Some(422));
    assert_eq!(dodo.instances_count(&key_id), 2);

    assert!(
        licenses
            .validate(&key, Some(&first.id))
            .await
            .unwrap()
            .valid
    );
    licenses.deactivate(&key, &first.id).await.unwrap();
    assert!(
        !licenses
            .validate(&key, Some(&first.id))
            .await
            .unwrap()
            .valid
    );
    assert!(
        licenses
            .validate(&key, Some(&second.id))
            .await
            .unwrap()
            .valid
    );
    assert!(licenses.validate(&key, None).await.unwrap().valid);

    let again = licenses.deactivate(&key, &first.id).await.unwrap_err();
    assert_eq!(again.dodo_code(), Some(ErrorCode::LicenseKeyNotFound));
    assert_eq!(again.status(), Some(403));

    let third = licenses.activate(&key, "third").await.unwrap();
    assert_eq!(dodo.instances_count(&key_id), 2);
    let admin_view = client.license_keys().retrieve(&key_id).await.unwrap();
    assert_eq!(admin_view.instances_count, 2);
    assert_eq!(admin_view.activations_left(), Some(0));
    let _ = third;
}

#[tokio::test]
async fn disabled_expired_and_unknown_keys_are_not_valid() {
    let dodo = DodoEmulator::start().await;
    let now = Utc::now();
    dodo.set_now(now);
    dodo.add_license(LicenseSeed::new("EMU-DISABLED-0001").disabled());
    let expiring = dodo
        .add_license(LicenseSeed::new("EMU-EXPIRING-0001").expires_at(now + Duration::hours(1)));
    let client = client(&dodo);
    let licenses = client.licenses();
    let disabled = SecretLicenseKey::new("EMU-DISABLED-0001");
    let expiring_key = SecretLicenseKey::new("EMU-EXPIRING-0001");
    let unknown = SecretLicenseKey::new("EMU-UNKNOWN-0001");

    assert!(!licenses.validate(&disabled, None).await.unwrap().valid);
    assert!(!licenses.validate(&unknown, None).await.unwrap().valid);
    assert!(
        !licenses
            .validate(&expiring_key, Some("lki_unknown"))
            .await
            .unwrap()
            .valid
    );
    let instance = licenses.activate(&expiring_key, "box").await.unwrap();
    assert!(
        licenses
            .validate(&expiring_key, Some(&instance.id))
            .await
            .unwrap()
            .valid
    );

    dodo.set_now(now + Duration::hours(2));
    assert!(!licenses.validate(&expiring_key, None).await.unwrap().valid);
    let err = licenses.activate(&expiring_key, "late").await.unwrap_err();
    assert!(
        err.is_inactive_license() && err.kind() == ErrorKind::Conflict,
        "{err}"
    );
    let key = client.license_keys().retrieve(&expiring).await.unwrap();
    assert_eq!(key.status, LicenseKeyStatus::Expired);

    // Removing the expiry revives it; disabling stops it again.
    client
        .license_keys()
        .update(&expiring, &UpdateLicenseKey::new().never_expires())
        .await
        .unwrap();
    assert!(licenses.validate(&expiring_key, None).await.unwrap().valid);
    let key = client
        .license_keys()
        .update(&expiring, &UpdateLicenseKey::new().disabled(true))
        .await
        .unwrap();
    assert_eq!(key.status, LicenseKeyStatus::Disabled);
    assert!(
        licenses
            .activate(&expiring_key, "x")
            .await
            .unwrap_err()
            .is_inactive_license()
    );

    assert!(
        licenses
            .activate(&disabled, "box")
            .await
            .unwrap_err()
            .is_inactive_license()
    );
    assert!(
        licenses
            .activate(&unknown, "box")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        licenses
            .deactivate(&unknown, "lki_x")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn admin_create_update_and_list() {
    let dodo = DodoEmulator::start().await;
    let client = client(&dodo);
    let keys = client.license_keys();
    for n in 0..5 {
        let params = CreateLicenseKey::new(
            SecretLicenseKey::new(format!("IMPORTED-{n:04}")),
            if n % 2 == 0 { "cus_even" } else { "cus_odd" },
            "pdt_1",
        )
        .activations_limit(1);
        let key = keys.create(&params).await.unwrap();
        assert_eq!(key.source, Some(LicenseKeySource::Import));
        assert_eq!(key.status, LicenseKeyStatus::Active);
    }
    let dup = CreateLicenseKey::new(SecretLicenseKey::new("IMPORTED-0000"), "cus_even", "pdt_1");
    assert!(keys.create(&dup).await.unwrap_err().is_conflict());

    let all: Vec<_> = keys
        .list_all(ListLicenseKeys::new().page_size(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    let even: Vec<_> = keys
        .list_all(ListLicenseKeys::new().page_size(1).customer_id("cus_even"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(even.len(), 3);
    let page = keys
        .list(&ListLicenseKeys::new().page_size(2).page_number(2))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert!(page.is_last());

    let id = all[0].id.clone();
    let key = SecretLicenseKey::new("IMPORTED-0000");
    client.licenses().activate(&key, "one").await.unwrap();
    let raised = keys
        .update(&id, &UpdateLicenseKey::new().activations_limit(3))
        .await
        .unwrap();
    assert_eq!(raised.activations_limit, Some(3));
    client.licenses().activate(&key, "two").await.unwrap();
    let low = keys
        .update(&id, &UpdateLicenseKey::new().activations_limit(1))
        .await
        .unwrap_err();
    assert_eq!(
        low.dodo_code(),
        Some(ErrorCode::ActivationLimitLessThanCurrentAmount)
    );
    assert!(low.is_conflict());
    let unlimited = keys
        .update(&id, &UpdateLicenseKey::new().unlimited_activations())
        .await
        .unwrap();
    assert_eq!(unlimited.activations_limit, None);
    assert!(
        keys.retrieve("lic_missing")
            .await
            .unwrap_err()
            .is_not_found()
    );

    let instances = client.license_key_instances();
    let mine: Vec<_> = instances
        .list_all(ListInstances::new().page_size(1).license_key_id(&id))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(mine.len(), 2);
    let renamed = instances.update(&mine[0].id, "renamed").await.unwrap();
    assert_eq!(renamed.name, "renamed");
    assert_eq!(
        instances.retrieve(&mine[0].id).await.unwrap().name,
        "renamed"
    );
    assert!(
        instances
            .retrieve("lki_missing")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn subscription_keys_cannot_expire() {
    let dodo = DodoEmulator::start().await;
    let id = dodo.add_license(LicenseSeed::new("EMU-SUB-0001").subscription("sub_1"));
    let err = client(&dodo)
        .license_keys()
        .update(&id, &UpdateLicenseKey::new().expires_at(Utc::now()))
        .await
        .unwrap_err();
    assert_eq!(
        err.dodo_code(),
        Some(ErrorCode::NoExpiryOnSubscriptionLicenseKeys)
    );
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn admin_routes_need_the_token_public_ones_do_not() {
    let dodo = DodoEmulator::start().await;
    dodo.add_license(LicenseSeed::new("EMU-PUBLIC-0001"));
    let wrong = Client::builder()
        .base_url(dodo.uri())
        .api_key("not-the-token")
        .build()
        .unwrap();
    let err = wrong
        .license_keys()
        .list(&ListLicenseKeys::new())
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert_eq!(err.dodo_code(), Some(ErrorCode::Unauthorized));
    let key = SecretLicenseKey::new("EMU-PUBLIC-0001");
    let instance = wrong.licenses().activate(&key, "box").await.unwrap();
    let anonymous = Client::builder().base_url(dodo.uri()).build().unwrap();
    assert!(
        anonymous
            .licenses()
            .validate(&key, Some(&instance.id))
            .await
            .unwrap()
            .valid
    );
    for request in dodo.received_requests().await {
        if request.url.path().starts_with("/licenses/") {
            assert!(
                !request.headers.contains_key("authorization"),
                "public calls send no token"
            );
        }
    }
}

#[tokio::test]
async fn seeded_from_the_fixtures() {
    let dodo = DodoEmulator::start().await;
    let dir = format!("{}/../../fixtures/dodo", env!("CARGO_MANIFEST_DIR"));
    assert_eq!(dodo.seed_from_dir(&dir).unwrap(), (3, 2));
    let client = client(&dodo);
    let keys: Vec<_> = client
        .license_keys()
        .list_all(ListLicenseKeys::new())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(keys.len(), 3);
    let statuses: Vec<_> = keys.iter().map(|k| k.status.clone()).collect();
    assert_eq!(
        statuses,
        [
            LicenseKeyStatus::Active,
            LicenseKeyStatus::Disabled,
            LicenseKeyStatus::Expired
        ]
    );
    assert_eq!(keys[0].instances_count, 2);
    let key = SecretLicenseKey::new("2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43");
    assert!(
        client
            .licenses()
            .validate(&key, Some("lki_EeWORStkMc7z0KycI31VS"))
            .await
            .unwrap()
            .valid
    );
    let expired = client
        .license_keys()
        .list(&ListLicenseKeys::new().status(LicenseKeyStatus::Expired))
        .await
        .unwrap();
    assert_eq!(expired.items.len(), 1);
}

#[tokio::test]
async fn the_catalogue_reads_products_and_customers_by_id() {
    let dodo = DodoEmulator::start().await;
    dodo.add_product("pdt_pro", "Pro");
    dodo.add_customer("cus_ada", "ada@example.com", "Ada Lovelace");
    let catalogue = client(&dodo).catalogue();
    let product = catalogue.product("pdt_pro").await.unwrap();
    assert_eq!(
        (product.product_id.as_str(), product.name.as_deref()),
        ("pdt_pro", Some("Pro"))
    );
    let customer = catalogue.customer("cus_ada").await.unwrap();
    assert_eq!(customer.email.as_deref(), Some("ada@example.com"));
    assert!(
        catalogue
            .product("pdt_typo")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        catalogue
            .customer("cus_typo")
            .await
            .unwrap_err()
            .is_not_found()
    );
}
