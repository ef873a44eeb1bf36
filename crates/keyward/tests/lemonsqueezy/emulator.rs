//! Flows through `Box<dyn LicenseAdmin>` against the Lemon Squeezy emulator.

use super::*;

fn emulated(emulator: &LemonSqueezyEmulator) -> Box<dyn LicenseAdmin> {
    let client = keyward_lemonsqueezy::Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .expect_store(1)
        .expect_product(4)
        .http_options(license_options())
        .build()
        .unwrap();
    Box::new(LemonSqueezyProvider::new(client).admin().unwrap())
}

fn activated(outcome: ActivationOutcome) -> String {
    match outcome {
        ActivationOutcome::Activated { instance, license } => {
            assert!(license.is_some());
            instance.id
        }
        other => panic!("activated expected, got {other:?}"),
    }
}

fn refusal(outcome: ActivationOutcome) -> InvalidReason {
    match outcome {
        ActivationOutcome::Refused { reason, .. } => reason,
        other => panic!("refused expected, got {other:?}"),
    }
}

#[tokio::test]
async fn emulated_activation_limit_deactivation_and_validation() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(
        LicenseSeed::new(KEY)
            .activation_limit(2)
            .store(1)
            .product(4, 5),
    );
    let provider = emulated(&emulator);

    let m1 = activated(
        provider
            .activate(ActivateRequest::new(KEY, "m1"))
            .await
            .unwrap(),
    );
    let m2 = activated(
        provider
            .activate(ActivateRequest::new(KEY, "m2"))
            .await
            .unwrap(),
    );
    let limit = provider
        .activate(ActivateRequest::new(KEY, "m3"))
        .await
        .unwrap();
    assert_eq!(refusal(limit), InvalidReason::LimitReached);

    provider
        .deactivate(DeactivateRequest::new(KEY, m1.as_str()))
        .await
        .unwrap();
    let m3 = activated(
        provider
            .activate(ActivateRequest::new(KEY, "m3"))
            .await
            .unwrap(),
    );
    assert_eq!(emulator.instances(id).len(), 2);

    let valid = provider
        .validate(ValidateRequest::new(KEY).instance_id(m3.as_str()))
        .await
        .unwrap();
    assert!(valid.is_valid());
    assert_eq!(valid.license().unwrap().activations, Some(2));
    let freed = provider
        .validate(ValidateRequest::new(KEY).instance_id(m1.as_str()))
        .await
        .unwrap();
    assert_eq!(freed.reason(), Some(&InvalidReason::InstanceMismatch));
    let err = provider
        .deactivate(DeactivateRequest::new(KEY, m1.as_str()))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    emulator.set_disabled(id, true);
    let disabled = provider.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert_eq!(disabled.reason(), Some(&InvalidReason::Disabled));
    assert_eq!(disabled.license().unwrap().status, LicenseStatus::Disabled);
    let refused = provider
        .activate(ActivateRequest::new(KEY, "m4"))
        .await
        .unwrap();
    assert_eq!(refusal(refused), InvalidReason::Disabled);
    emulator.set_disabled(id, false);

    emulator.set_expires_at(id, Some(at("2020-01-01T00:00:00Z")));
    let expired = provider.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert_eq!(expired.reason(), Some(&InvalidReason::Expired));
    emulator.set_expires_at(id, None);

    let unknown = provider
        .validate(ValidateRequest::new("00000000-unknown-key"))
        .await
        .unwrap();
    assert_eq!(unknown.reason(), Some(&InvalidReason::NotFound));
    assert!(unknown.license().is_none());

    // The JSON:API side sees the same state.
    let instances = provider
        .instances(InstancesRequest::new(id.to_string()))
        .await
        .unwrap();
    let mut ids: Vec<_> = instances.items.iter().map(|i| i.id.clone()).collect();
    ids.sort();
    let mut expected = vec![m2, m3];
    expected.sort();
    assert_eq!(ids, expected);
}

#[tokio::test]
async fn emulated_get_list_update() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new(KEY).store(1).product(4, 5));
    emulator.add_license(
        LicenseSeed::new("OTHER-PRODUCT-KEY-1")
            .store(1)
            .product(9, 1),
    );
    let provider = emulated(&emulator);

    let license = provider.get(&id.to_string()).await.unwrap();
    assert_eq!(license.key.as_ref().unwrap().expose(), KEY);
    assert_eq!(license.status, LicenseStatus::Inactive);
    assert_eq!(license.activation_limit, Some(5));
    assert_eq!(license.product.id.as_deref(), Some("4"));
    assert!(provider.get("424242").await.unwrap_err().is_not_found());

    let page = provider
        .list(ListRequest::new().product_id("4"))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, id.to_string());
    assert!(page.is_last());
    let page = provider
        .list(ListRequest::new().page_size(1))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.next, Some(PageToken::Number(2)));
    assert_eq!(page.total, Some(2));

    let mut update = UpdateRequest::new(id.to_string());
    update.activation_limit = Patch::Clear;
    update.disabled = Some(true);
    let updated = provider.update(update).await.unwrap();
    assert_eq!(updated.status, LicenseStatus::Disabled);
    assert_eq!(updated.activation_limit, None);
    // Changing only the expiry leaves a disabled key disabled.
    let mut update = UpdateRequest::new(id.to_string());
    update.expires_at = Patch::Set(at("2030-01-01T00:00:00Z"));
    let updated = provider.update(update).await.unwrap();
    assert_eq!(updated.status, LicenseStatus::Disabled);
    assert_eq!(updated.expires_at, Some(at("2030-01-01T00:00:00Z")));
}

#[tokio::test]
async fn emulated_product_mismatch_releases_the_slot() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new(KEY).store(1).product(9, 1));
    let provider = emulated(&emulator);
    let outcome = provider
        .activate(ActivateRequest::new(KEY, "m1"))
        .await
        .unwrap();
    assert_eq!(refusal(outcome), InvalidReason::ProductMismatch);
    assert!(
        emulator.instances(id).is_empty(),
        "the activation was released"
    );
    let outcome = provider.validate(ValidateRequest::new(KEY)).await.unwrap();
    assert_eq!(outcome.reason(), Some(&InvalidReason::ProductMismatch));
}

#[tokio::test]
async fn emulated_rate_limit_is_an_error() {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(LicenseSeed::new(KEY).store(1).product(4, 5));
    emulator.set_rate_limit(Some(0));
    let err = emulated(&emulator)
        .validate(ValidateRequest::new(KEY))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited(), "{err}");
    assert!(!format!("{err} {err:?}").contains(KEY));
}

#[tokio::test]
async fn emulated_json_api_needs_the_api_key() {
    let emulator = LemonSqueezyEmulator::start().await;
    let id = emulator.add_license(LicenseSeed::new(KEY).store(1).product(4, 5));
    let no_key = keyward_lemonsqueezy::Client::builder()
        .base_url(emulator.uri())
        .http_options(license_options())
        .build()
        .unwrap();
    // Without an API key there is no admin role to ask for: a config error, before any request.
    let app_side = LemonSqueezyProvider::new(no_key);
    let err = app_side.clone().admin().unwrap_err();
    assert!(err.is_config(), "{err}");
    assert!(err.to_string().contains("LEMONSQUEEZY_API_KEY"), "{err}");
    let provider: Box<dyn LicenseProvider> = Box::new(app_side);
    // The License API needs none.
    assert!(
        provider
            .validate(ValidateRequest::new(KEY))
            .await
            .unwrap()
            .is_valid()
    );

    let provider = emulated(&emulator);
    let old_key = emulator.api_key();
    emulator.set_api_key("another-key");
    let err = provider.get(&id.to_string()).await.unwrap_err();
    assert!(err.is_unauthorized(), "{err}");
    assert!(!format!("{err:?}").contains(&old_key));
}
