#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Dodo adapter: mapping of the fixture bodies, then flows through `Box<dyn LicenseAdmin>`
//! against the Dodo emulator.
#![cfg(feature = "dodo")]

use chrono::{DateTime, Duration, TimeZone, Utc};
use keyward::{
    ActivateRequest, ActivationOutcome, CreateRequest, DeactivateRequest, DodoProvider,
    InstancesRequest, InvalidReason, LicenseAdmin, LicenseProvider, LicenseStatus, ListRequest,
    PageToken, Patch, Provider, SecretLicenseKey, UpdateRequest, ValidateRequest,
};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};
use serde_json::Value;

fn fixture(name: &str) -> String {
    let path = format!("{}/../../fixtures/dodo/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[path = "dodo/mapping.rs"]
mod mapping;
use crate::support;

// ---- flows against the emulator (the mapping tests are in `dodo/mapping.rs`) ------------------

fn provider(dodo: &DodoEmulator) -> Box<dyn LicenseAdmin> {
    let client = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .api_key(dodo.api_key())
        .build()
        .unwrap();
    Box::new(DodoProvider::new(client).admin().unwrap())
}

const KEY: &str = "EMU-KEY-0001-AAAA";

fn seed(dodo: &DodoEmulator) -> String {
    dodo.add_license(
        LicenseSeed::new(KEY)
            .activation_limit(2)
            .customer("cus_ada", "ada@example.com", "Ada Lovelace")
            .product("pdt_engine", Some("Analytical Engine")),
    )
}

#[tokio::test]
async fn capabilities_say_everything_but_signatures() {
    let dodo = DodoEmulator::start().await;
    let caps = provider(&dodo).capabilities();
    assert!(caps.validate && caps.activate && caps.deactivate && caps.get && caps.list);
    assert!(caps.create && caps.update && caps.instances);
    assert!(!caps.signed && !caps.offline);
    assert_eq!(provider(&dodo).provider(), Provider::Dodo);
}

#[tokio::test]
async fn activate_until_the_limit_then_deactivate_frees_a_slot() {
    let dodo = DodoEmulator::start().await;
    let key_id = seed(&dodo);
    let p = provider(&dodo);

    let first = p
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap();
    let ActivationOutcome::Activated { instance, license } = first else {
        panic!("refused: {first:?}")
    };
    assert_eq!(instance.name.as_deref(), Some("laptop"));
    assert_eq!(instance.license_id.as_deref(), Some(key_id.as_str()));
    let license = license.unwrap();
    assert_eq!(license.customer.email.as_deref(), Some("ada@example.com"));
    assert_eq!(license.product.id.as_deref(), Some("pdt_engine"));
    assert_eq!(
        license.test_mode, None,
        "emulator URL is neither test nor live"
    );

    let second = p
        .activate(ActivateRequest::new(KEY, "desktop"))
        .await
        .unwrap();
    assert!(second.instance().is_some());
    let third = p
        .activate(ActivateRequest::new(KEY, "tablet"))
        .await
        .unwrap();
    match third {
        ActivationOutcome::Refused { reason, .. } => {
            assert_eq!(reason, InvalidReason::LimitReached)
        }
        other => panic!("expected a refusal: {other:?}"),
    }
    assert_eq!(dodo.instances_count(&key_id), 2);

    p.deactivate(DeactivateRequest::new(KEY, instance.id.clone()))
        .await
        .unwrap();
    assert_eq!(dodo.instances_count(&key_id), 1);
    let again = p
        .activate(ActivateRequest::new(KEY, "tablet"))
        .await
        .unwrap();
    assert!(again.instance().is_some(), "the freed slot is usable");

    // Deactivating it twice: the instance is gone, an error (not an answer).
    let err = p
        .deactivate(DeactivateRequest::new(KEY, instance.id))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    // What was sent: the public endpoint, with the key and the name in the body.
    let requests = dodo.received_requests().await;
    let activate = requests
        .iter()
        .find(|r| r.url.path() == "/licenses/activate")
        .unwrap();
    assert_eq!(activate.method.as_str(), "POST");
    let body: Value = serde_json::from_slice(&activate.body).unwrap();
    assert_eq!(body["license_key"], KEY);
    assert_eq!(body["name"], "laptop");
    assert!(activate.headers.get("authorization").is_none());
}

#[tokio::test]
async fn refusals_are_answers_with_reasons() {
    let dodo = DodoEmulator::start().await;
    dodo.add_license(LicenseSeed::new("EMU-DISABLED-0001").disabled());
    let p = provider(&dodo);

    let unknown = p
        .activate(ActivateRequest::new("NO-SUCH-KEY-0000", "x"))
        .await
        .unwrap();
    assert!(matches!(
        unknown,
        ActivationOutcome::Refused {
            reason: InvalidReason::NotFound,
            ..
        }
    ));
    let disabled = p
        .activate(ActivateRequest::new("EMU-DISABLED-0001", "x"))
        .await
        .unwrap();
    match disabled {
        ActivationOutcome::Refused {
            reason: InvalidReason::Other(words),
            ..
        } => {
            assert_eq!(words, "License key is not active");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn validate_valid_invalid_and_instance_mismatch() {
    let dodo = DodoEmulator::start().await;
    seed(&dodo);
    let now = Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap();
    dodo.set_now(now);
    dodo.add_license(LicenseSeed::new("EMU-EXPIRED-0001").expires_at(now - Duration::days(1)));
    dodo.add_license(LicenseSeed::new("EMU-DISABLED-0001").disabled());
    let p = provider(&dodo);

    assert!(
        p.validate(ValidateRequest::new(KEY))
            .await
            .unwrap()
            .is_valid()
    );
    let instance = p
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap()
        .instance()
        .cloned()
        .unwrap();
    let on_instance = ValidateRequest::new(KEY).instance_id(instance.id.clone());
    assert!(p.validate(on_instance.clone()).await.unwrap().is_valid());

    let instance_id = instance.id.clone();
    p.deactivate(DeactivateRequest::new(KEY, instance.id))
        .await
        .unwrap();
    let gone = p.validate(on_instance).await.unwrap();
    assert_eq!(gone.reason(), Some(&InvalidReason::InstanceMismatch));
    // The instance check, then the key alone.
    let requests = dodo.received_requests().await;
    let sent: Vec<Value> = requests[requests.len() - 2..]
        .iter()
        .map(|r| {
            assert_eq!(r.url.path(), "/licenses/validate");
            serde_json::from_slice(&r.body).unwrap()
        })
        .collect();
    assert_eq!(sent[0]["license_key"], KEY);
    assert_eq!(sent[0]["license_key_instance_id"], instance_id.as_str());
    assert!(sent[1].get("license_key_instance_id").is_none());

    for key in ["EMU-EXPIRED-0001", "EMU-DISABLED-0001", "NO-SUCH-KEY-0000"] {
        let outcome = p.validate(ValidateRequest::new(key)).await.unwrap();
        // Dodo answers only `valid: false`: the reason cannot be more precise.
        assert!(
            matches!(outcome.reason(), Some(InvalidReason::Other(_))),
            "{key}: {outcome:?}"
        );
        assert!(outcome.license().is_none());
    }
}

#[tokio::test]
async fn validate_on_an_instance_tells_disabled_and_expired_with_admin_access() {
    let dodo = DodoEmulator::start().await;
    let now = Utc.with_ymd_and_hms(2026, 9, 1, 12, 0, 0).unwrap();
    dodo.set_now(now);
    let key_id = seed(&dodo);
    let p = provider(&dodo);
    let instance = p
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap()
        .instance()
        .cloned()
        .unwrap();
    let on_instance = ValidateRequest::new(KEY).instance_id(instance.id.clone());

    let mut disable = UpdateRequest::new(key_id.clone());
    disable.disabled = Some(true);
    p.update(disable).await.unwrap();
    let disabled = p.validate(on_instance.clone()).await.unwrap();
    assert_eq!(disabled.reason(), Some(&InvalidReason::Disabled));
    assert_eq!(disabled.license().unwrap().id, key_id);

    // Without an API key the reason cannot be found out.
    let public = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .build()
        .unwrap();
    let public = DodoProvider::new(public);
    let outcome = public.validate(on_instance.clone()).await.unwrap();
    assert!(matches!(outcome.reason(), Some(InvalidReason::Other(_))));
    assert!(outcome.license().is_none());

    let mut expire = UpdateRequest::new(key_id.clone());
    expire.disabled = Some(false);
    expire.expires_at = Patch::Set(now - Duration::hours(1));
    p.update(expire).await.unwrap();
    let expired = p.validate(on_instance).await.unwrap();
    assert_eq!(expired.reason(), Some(&InvalidReason::Expired));
    assert_eq!(
        expired.license().unwrap().expires_at,
        Some(now - Duration::hours(1))
    );
}

#[tokio::test]
async fn get_list_update_create_and_instances() {
    let dodo = DodoEmulator::start().await;
    let key_id = seed(&dodo);
    dodo.add_license(LicenseSeed::new("EMU-KEY-0002-BBBB").disabled());
    let p = provider(&dodo);

    let got = p.get(&key_id).await.unwrap();
    assert_eq!(got.id, key_id);
    assert_eq!(got.key.as_ref().unwrap().expose(), KEY);
    assert_eq!(got.activation_limit, Some(2));
    assert_eq!(got.activations, Some(0));
    assert_eq!(got.product.id.as_deref(), Some("pdt_engine"));
    assert_eq!(got.customer.id.as_deref(), Some("cus_ada"));
    assert!(p.get("lic_missing").await.unwrap_err().is_not_found());

    // Pages: 1-based tokens over Dodo's 0-based numbers.
    let first = p.list(ListRequest::new().page_size(1)).await.unwrap();
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.next, Some(PageToken::Number(2)));
    let second = p
        .list(ListRequest::new().page_size(1).page(PageToken::Number(2)))
        .await
        .unwrap();
    assert_eq!(second.items.len(), 1);
    assert_ne!(second.items[0].id, first.items[0].id);
    let disabled = p
        .list(ListRequest::new().status(LicenseStatus::Disabled))
        .await
        .unwrap();
    assert_eq!(disabled.items.len(), 1);
    assert_eq!(disabled.items[0].status, LicenseStatus::Disabled);
    assert!(disabled.is_last());
    let requests = dodo.received_requests().await;
    let page_two = requests
        .iter()
        .find(|r| {
            r.url.path() == "/license_keys" && r.url.query().unwrap_or("").contains("page_number=1")
        })
        .expect("page 2 is Dodo's page_number=1");
    assert!(page_two.url.query().unwrap().contains("page_size=1"));
    let cursor = p
        .list(ListRequest::new().page(PageToken::Cursor("abc".into())))
        .await
        .unwrap_err();
    assert!(!cursor.is_unsupported());

    // Update: three-state fields.
    let mut update = UpdateRequest::new(key_id.clone());
    update.activation_limit = Patch::Clear;
    update.disabled = Some(true);
    let updated = p.update(update).await.unwrap();
    assert_eq!(updated.activation_limit, None);
    assert_eq!(updated.status, LicenseStatus::Disabled);
    let requests = dodo.received_requests().await;
    let patch = requests
        .iter()
        .find(|r| r.method.as_str() == "PATCH")
        .unwrap();
    assert_eq!(patch.url.path(), format!("/license_keys/{key_id}"));
    let body: Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"activations_limit": null, "disabled": true})
    );

    // Create imports a key.
    let mut create = CreateRequest::for_product("pdt_engine");
    create.customer_id = Some("cus_ada".into());
    create.key = Some(SecretLicenseKey::new("IMPORTED-KEY-0001"));
    create.activation_limit = Some(3);
    let created = p.create(create).await.unwrap();
    assert_eq!(created.activation_limit, Some(3));
    assert_eq!(created.raw.to_value()["source"], "import");
    let mut no_key = CreateRequest::for_product("pdt_engine");
    no_key.customer_id = Some("cus_ada".into());
    assert!(p.create(no_key).await.is_err());

    // Instances of a key.
    let mut update = UpdateRequest::new(key_id.clone());
    update.disabled = Some(false);
    p.update(update).await.unwrap();
    p.activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap();
    let instances = p
        .instances(InstancesRequest::new(key_id.clone()))
        .await
        .unwrap();
    assert_eq!(instances.items.len(), 1);
    assert_eq!(instances.items[0].name.as_deref(), Some("laptop"));
    assert_eq!(
        instances.items[0].license_id.as_deref(),
        Some(key_id.as_str())
    );
}

#[tokio::test]
async fn secrets_stay_out_of_debug_and_errors() {
    const API_KEY: &str = "sk_canary_DODO_API_KEY_0123456789";
    const LICENSE: &str = "CANARY-LICENSE-KEY-DODO-9876";
    let dodo = DodoEmulator::start().await;
    let client = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .api_key(API_KEY)
        .build()
        .unwrap();
    let p: Box<dyn LicenseAdmin> = Box::new(DodoProvider::new(client).admin().unwrap());
    let shown = format!("{p:?}");
    assert!(!shown.contains(API_KEY), "{shown}");

    let unauthorized = p.get("lic_any").await.unwrap_err();
    assert!(unauthorized.is_unauthorized(), "{unauthorized}");
    let not_found = p
        .deactivate(DeactivateRequest::new(LICENSE, "lki_none"))
        .await
        .unwrap_err();
    for err in [unauthorized, not_found] {
        for text in [format!("{err}"), format!("{err:?}")] {
            assert!(!text.contains(API_KEY), "{text}");
            assert!(!text.contains(LICENSE), "{text}");
        }
    }
    let unsupported_input = p
        .list(ListRequest::new().status(LicenseStatus::Revoked))
        .await
        .unwrap_err();
    assert!(!format!("{unsupported_input:?}").contains(API_KEY));
}

#[tokio::test]
async fn transport_failures_stay_errors() {
    let client = keyward_dodo::Client::builder()
        .base_url(keyward_test_support::refused_url().unwrap())
        .api_key("sk_test")
        .build()
        .unwrap();
    let p: Box<dyn LicenseAdmin> = Box::new(DodoProvider::new(client).admin().unwrap());
    let err = p
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap_err();
    assert!(err.is_network(), "{err}");
    let err = p.validate(ValidateRequest::new(KEY)).await.unwrap_err();
    assert!(err.is_network(), "{err}");
}
