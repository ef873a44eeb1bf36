#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The client against the Polar emulator: the public flow and its refusals, the admin routes.

use chrono::{Duration, TimeZone, Utc};
use futures_util::TryStreamExt;
use keyward_core::{ErrorKind, SecretLicenseKey};
use keyward_emulator::polar::{LicenseSeed, PolarEmulator};
use keyward_polar::{
    ActivateLicenseKey, Client, LicenseKeyStatus, ListLicenseKeys, PolarErrorExt, Refusal,
    UpdateLicenseKey, ValidateLicenseKey,
};

fn client(polar: &PolarEmulator, token: bool) -> Client {
    let builder = Client::builder()
        .organization_id(polar.organization_id())
        .base_url(polar.uri());
    let builder = if token {
        builder.api_key(polar.api_key())
    } else {
        builder
    };
    builder.build().unwrap()
}

#[tokio::test]
async fn activate_validate_deactivate_and_the_limit() {
    let polar = PolarEmulator::start().await;
    let id = polar.add_license(LicenseSeed::new("POLAR-KEY-000001").limit_activations(1));
    let key = SecretLicenseKey::new("POLAR-KEY-000001");
    let licenses = client(&polar, false).licenses();
    let activation = ActivateLicenseKey::new("laptop")
        .condition("major", 1)
        .meta("os", "linux");
    let activated = licenses.activate(&key, &activation).await.unwrap();
    assert_eq!(activated.license_key.id, id);
    assert_eq!(activated.activation.meta["os"], "linux");
    let second = licenses
        .activate(&key, &ActivateLicenseKey::new("desktop"))
        .await
        .unwrap_err();
    assert_eq!(
        second.polar_refusal(),
        Some(Refusal::ActivationLimitReached)
    );
    assert_eq!(second.kind(), ErrorKind::Conflict);

    let device = ValidateLicenseKey::new().activation_id(&activated.activation.id);
    let wrong = licenses.validate(&key, &device).await.unwrap_err();
    assert_eq!(wrong.polar_refusal(), Some(Refusal::ConditionsMismatch));
    let right = device.clone().condition("major", 1);
    let valid = licenses.validate(&key, &right).await.unwrap();
    assert_eq!(valid.license_key.validations, 1);
    assert_eq!(valid.activation.unwrap().label, "laptop");

    licenses
        .deactivate(&key, &activated.activation.id)
        .await
        .unwrap();
    assert_eq!(polar.activations_count(&id), 0);
    let again = licenses
        .deactivate(&key, &activated.activation.id)
        .await
        .unwrap_err();
    assert_eq!(again.polar_refusal(), Some(Refusal::NotFound));
    let unknown = SecretLicenseKey::new("NOPE");
    let missing = licenses
        .validate(&unknown, &ValidateLicenseKey::new())
        .await
        .unwrap_err();
    assert!(missing.is_not_found());
}

#[tokio::test]
async fn expiry_usage_and_keys_without_activations() {
    let polar = PolarEmulator::start().await;
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 0, 0, 0).unwrap();
    polar.set_now(now);
    polar.add_license(
        LicenseSeed::new("EXPIRING")
            .expires_at(now + Duration::hours(1))
            .limit_usage(10, 8),
    );
    let key = SecretLicenseKey::new("EXPIRING");
    let licenses = client(&polar, false).licenses();
    let no_activations = licenses
        .activate(&key, &ActivateLicenseKey::new("x"))
        .await
        .unwrap_err();
    assert_eq!(
        no_activations.polar_refusal(),
        Some(Refusal::ActivationsNotSupported)
    );
    let counted = licenses
        .validate(&key, &ValidateLicenseKey::new().increment_usage(2))
        .await
        .unwrap();
    assert_eq!(counted.license_key.usage_left(), Some(0));
    let over = licenses
        .validate(&key, &ValidateLicenseKey::new().increment_usage(1))
        .await
        .unwrap_err();
    assert_eq!(
        (over.polar_refusal(), over.kind()),
        (Some(Refusal::UsageLimitReached), ErrorKind::Conflict)
    );
    polar.advance(Duration::hours(1));
    let expired = licenses
        .validate(&key, &ValidateLicenseKey::new())
        .await
        .unwrap_err();
    assert_eq!(expired.polar_refusal(), Some(Refusal::Expired));
}

#[tokio::test]
async fn the_admin_routes_list_get_update_and_read_activations() {
    let polar = PolarEmulator::start().await;
    for n in 0..5 {
        polar.add_license(LicenseSeed::new(format!("ADMIN-KEY-{n}")).limit_activations(2));
    }
    let admin = client(&polar, true);
    let keys = admin.license_keys();
    let all: Vec<_> = keys
        .list_all(ListLicenseKeys::new().limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    let id = all[0].id.clone();
    let updated = keys
        .update(
            &id,
            &UpdateLicenseKey::new().status(LicenseKeyStatus::Disabled),
        )
        .await
        .unwrap();
    assert_eq!(updated.status, LicenseKeyStatus::Disabled);
    let disabled = keys
        .list(&ListLicenseKeys::new().status(LicenseKeyStatus::Disabled))
        .await
        .unwrap();
    assert_eq!(disabled.pagination.total_count, 1);
    let key = SecretLicenseKey::new("ADMIN-KEY-1");
    let activated = admin
        .authenticated_licenses()
        .activate(&key, &ActivateLicenseKey::new("ci"))
        .await
        .unwrap();
    let with = keys.retrieve(&activated.license_key.id).await.unwrap();
    assert_eq!(with.activations.len(), 1);
    let one = keys
        .activation(&with.license_key.id, &activated.activation.id)
        .await
        .unwrap();
    assert_eq!(one.activation.label, "ci");
    let public = client(&polar, false)
        .license_keys()
        .list(&ListLicenseKeys::new())
        .await
        .unwrap_err();
    assert!(public.is_config());
}
