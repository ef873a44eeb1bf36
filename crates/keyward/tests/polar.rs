//! The Polar adapter: flows through `Box<dyn LicenseProvider>` and `LicenseAdmin` against the
//! emulator, and the mapping of a recorded body.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "polar")]

use chrono::{Duration, TimeZone, Utc};
use keyward::{
    ActivateRequest, DeactivateRequest, InstancesRequest, InvalidReason, LicenseAdmin,
    LicenseProvider, LicenseStatus, ListRequest, PageToken, Patch, PolarProvider, Provider,
    UpdateRequest, ValidateRequest,
};
use keyward_emulator::polar::{LicenseSeed, PolarEmulator};

const KEY: &str = "POLAR-7F3A-4C1E-9B2D";

fn provider(polar: &PolarEmulator, token: bool) -> PolarProvider {
    let builder = keyward::polar::Client::builder()
        .organization_id(polar.organization_id())
        .base_url(polar.uri());
    let builder = if token {
        builder.api_key(polar.api_key())
    } else {
        builder
    };
    PolarProvider::new(builder.build().unwrap())
}

fn reason(outcome: &keyward::ValidationOutcome) -> Option<InvalidReason> {
    match outcome {
        keyward::ValidationOutcome::Invalid { reason, .. } => Some(reason.clone()),
        _ => None,
    }
}

#[tokio::test]
async fn the_app_side_flow_through_the_trait() {
    let polar = PolarEmulator::start().await;
    polar.add_license(LicenseSeed::new(KEY).limit_activations(1));
    let app: Box<dyn LicenseProvider> = Box::new(provider(&polar, false));
    assert_eq!(app.provider(), Provider::Polar);
    let caps = app.capabilities();
    assert!(caps.validate && caps.activate && caps.deactivate && !caps.create && !caps.list);

    let activated = app
        .activate(ActivateRequest::new(KEY, "laptop"))
        .await
        .unwrap();
    let instance = activated.instance().unwrap().clone();
    assert_eq!(instance.name.as_deref(), Some("laptop"));
    let license = activated.license().unwrap();
    assert_eq!(
        (license.status.clone(), license.activation_limit),
        (LicenseStatus::Active, Some(1))
    );
    let full = app
        .activate(ActivateRequest::new(KEY, "desktop"))
        .await
        .unwrap();
    assert_eq!(full.reason(), Some(&InvalidReason::LimitReached));

    let on_device = ValidateRequest::new(KEY).instance_id(instance.id.clone());
    let valid = app.validate(on_device.clone()).await.unwrap();
    assert!(valid.is_valid());
    app.deactivate(DeactivateRequest::new(KEY, instance.id.clone()))
        .await
        .unwrap();
    let gone = app.validate(on_device).await.unwrap();
    assert_eq!(reason(&gone), Some(InvalidReason::InstanceMismatch));
    let again = app
        .deactivate(DeactivateRequest::new(KEY, instance.id))
        .await
        .unwrap_err();
    assert!(again.is_not_found());
    let unknown = app.validate(ValidateRequest::new("NOPE")).await.unwrap();
    assert_eq!(reason(&unknown), Some(InvalidReason::NotFound));
}

#[tokio::test]
async fn refusals_are_answers() {
    let polar = PolarEmulator::start().await;
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    polar.set_now(now);
    polar.add_license(LicenseSeed::new("REVOKED").revoked());
    polar.add_license(LicenseSeed::new("EXPIRES").expires_at(now + Duration::minutes(1)));
    polar.add_license(LicenseSeed::new("NO-ACTIVATIONS"));
    let app = provider(&polar, false);
    let revoked = app.validate(ValidateRequest::new("REVOKED")).await.unwrap();
    assert_eq!(reason(&revoked), Some(InvalidReason::Revoked));
    assert!(
        app.validate(ValidateRequest::new("EXPIRES"))
            .await
            .unwrap()
            .is_valid()
    );
    polar.advance(Duration::minutes(1));
    let expired = app.validate(ValidateRequest::new("EXPIRES")).await.unwrap();
    assert_eq!(reason(&expired), Some(InvalidReason::Expired));
    let refused = app
        .activate(ActivateRequest::new("NO-ACTIVATIONS", "x"))
        .await
        .unwrap();
    assert!(
        matches!(refused.reason(), Some(InvalidReason::Other(text)) if text.contains("only validates"))
    );
    // An outage is an error, never an answer.
    polar.outage(keyward_emulator::Outage::status(503));
    assert!(app.validate(ValidateRequest::new("REVOKED")).await.is_err());
}

#[tokio::test]
async fn the_admin_role_gets_lists_updates_and_reads_instances() {
    let polar = PolarEmulator::start().await;
    for n in 0..3 {
        polar.add_license(LicenseSeed::new(format!("{KEY}-{n}")).limit_activations(3));
    }
    assert!(provider(&polar, false).admin().unwrap_err().is_config());
    let admin = provider(&polar, true).admin().unwrap();
    let first = admin.list(ListRequest::new().page_size(2)).await.unwrap();
    assert_eq!(
        (first.items.len(), first.next.clone()),
        (2, Some(PageToken::Number(2)))
    );
    let id = first.items[0].id.clone();
    admin
        .activate(ActivateRequest::new(format!("{KEY}-0"), "ci"))
        .await
        .unwrap();
    let got = admin.get(&id).await.unwrap();
    assert_eq!(got.activations, Some(1));
    let instances = admin
        .instances(InstancesRequest::new(id.clone()))
        .await
        .unwrap();
    assert_eq!(instances.items[0].name.as_deref(), Some("ci"));

    let mut update = UpdateRequest::new(id.clone());
    update.disabled = Some(true);
    update.activation_limit = Patch::Set(5);
    let updated = admin.update(update).await.unwrap();
    assert_eq!(
        (updated.status, updated.activation_limit),
        (LicenseStatus::Disabled, Some(5))
    );
    let mut unlimited = UpdateRequest::new(id);
    unlimited.activation_limit = Patch::Clear;
    assert!(
        admin
            .update(unlimited)
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    let by_customer = ListRequest::new().customer_id("992fae2a-2a17-4b7a-8d9e-e287cf90131b");
    assert!(
        admin
            .list(by_customer)
            .await
            .unwrap_err()
            .is_invalid_input()
    );
    let disabled = admin
        .list(ListRequest::new().status(LicenseStatus::Disabled))
        .await
        .unwrap();
    assert_eq!(disabled.items.len(), 1);
}

#[test]
fn a_recorded_body_maps() {
    let path = format!(
        "{}/../../fixtures/polar/license_keys.retrieve.200.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let body = std::fs::read_to_string(path).unwrap();
    let key: keyward::polar::LicenseKeyWithActivations = serde_json::from_str(&body).unwrap();
    let license = keyward::mapping::polar::license_with_activations(&key);
    assert_eq!(
        license.customer.email.as_deref(),
        Some("customer@example.com")
    );
    assert_eq!(
        license.product.id.as_deref(),
        Some("32a8eda4-56cf-4a94-8228-792d324a519e")
    );
    assert_eq!(
        (license.activation_limit, license.activations),
        (Some(3), Some(1))
    );
}
