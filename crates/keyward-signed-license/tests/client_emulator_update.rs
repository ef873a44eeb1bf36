//! `update-license-key` through the client against the signed-license emulator: the verified
//! 950 changes what `get-license-keys` lists and what `verify` answers; 951 and 952 are told
//! apart.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_core::{ApiKey, SecretLicenseKey};
use keyward_emulator::signed_license::SignedLicenseEmulator;
use keyward_signed_license::models::{LicenseKeyRecord, LicenseKeySpec, LicenseKeyStatus};
use keyward_signed_license::{Client, KeySet, PublicKey, ResponseCode};

async fn client(gkm: &SignedLicenseEmulator) -> Client {
    let key = PublicKey::from_pem("emulator", gkm.public_key_pem()).unwrap();
    Client::builder()
        .base_url(gkm.uri())
        .api_key(ApiKey::new(gkm.api_key()).unwrap())
        .keys(KeySet::new(key))
        .product_id(1)
        .build()
        .unwrap()
}

async fn listed(client: &Client, key: &str) -> LicenseKeyRecord {
    let reply = client.license_keys().await.unwrap();
    reply
        .done()
        .unwrap()
        .iter()
        .find(|r| r.license_key.expose() == key)
        .cloned()
        .unwrap()
}

/// `update-license-key`, expected to be done (950).
async fn update(client: &Client, key: &SecretLicenseKey, spec: &LicenseKeySpec) {
    let reply = client.update_license_key(key, spec).await.unwrap();
    assert!(reply.is_done(), "{:?}", reply.answer());
}

/// The refusal code `verify` answers for `host`.
async fn refusal(client: &Client, key: &SecretLicenseKey, host: &str) -> ResponseCode {
    let reply = client.verify(key, host).await.unwrap();
    reply.refusal().unwrap().code
}

#[tokio::test]
async fn create_assign_update_block_and_unblock_through_the_client() {
    let gkm = SignedLicenseEmulator::start().await;
    let client = client(&gkm).await;
    let key = SecretLicenseKey::new("UPD-KEY-0001");
    let spec = LicenseKeySpec::new(1, 1, 0, LicenseKeyStatus::Available);
    let created = client
        .create_license_keys(std::slice::from_ref(&key), &spec)
        .await
        .unwrap();
    assert_eq!(created.done().unwrap().created, 1);

    // Assigned to an owner, two activations, validity from an assignment date long past.
    let mut assigned = LicenseKeySpec::new(1, 2, 0, LicenseKeyStatus::Assigned)
        .owner("Ada", "ada@example.com")
        .assigned_at("2024-02-27 03:05:31");
    update(&client, &key, &assigned).await;
    let record = listed(&client, "UPD-KEY-0001").await;
    assert_eq!(record.status, LicenseKeyStatus::Assigned);
    assert_eq!(record.activation_limit, Some(2));
    assert_eq!(record.owner_email.as_deref(), Some("ada@example.com"));
    for host in ["host-a", "host-b"] {
        assert!(client.activate(&key, host).await.unwrap().is_done());
    }
    assert!(!client.activate(&key, "host-c").await.unwrap().is_done());

    // A validity of 30 days from 2024: expired. Unlimited activations (-1) and no validity:
    // valid again, and a third machine fits.
    assigned.validity = 30;
    update(&client, &key, &assigned).await;
    assert_eq!(
        refusal(&client, &key, "host-a").await,
        ResponseCode::LicenseKeyExpired
    );
    assigned.validity = 0;
    let unlimited = assigned.clone().unlimited_activations();
    update(&client, &key, &unlimited).await;
    assert!(client.verify(&key, "host-a").await.unwrap().is_done());
    assert!(client.activate(&key, "host-c").await.unwrap().is_done());
    assert_eq!(listed(&client, "UPD-KEY-0001").await.activation_limit, None);

    // Blocked: refused, activations kept; assigned again: valid.
    let blocked = LicenseKeySpec {
        status: LicenseKeyStatus::Blocked,
        ..unlimited.clone()
    };
    update(&client, &key, &blocked).await;
    assert_eq!(
        refusal(&client, &key, "host-a").await,
        ResponseCode::LicenseKeyBlocked
    );
    assert_eq!(gkm.activations("UPD-KEY-0001").len(), 3);
    update(&client, &key, &unlimited).await;
    assert!(client.verify(&key, "host-b").await.unwrap().is_done());

    // An unknown key is the signed refusal 952; a product that does not exist is 951.
    let unknown = client
        .update_license_key(&SecretLicenseKey::new("NO-SUCH-KEY"), &unlimited)
        .await
        .unwrap();
    assert_eq!(
        unknown.refusal().unwrap().code,
        ResponseCode::LicenseKeyNotFoundOnUpdate
    );
    let no_product = LicenseKeySpec {
        product_id: 99,
        ..unlimited
    };
    let e = client
        .update_license_key(&key, &no_product)
        .await
        .unwrap_err();
    assert_eq!(e.provider_code(), Some("951"), "{e}");
    assert!(!e.may_have_been_applied(), "{e}");
    assert_eq!(listed(&client, "UPD-KEY-0001").await.product_id, Some(1));
}
