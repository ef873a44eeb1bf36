#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Serde on the neutral model: round trips, stable strings, and the key never serialized by
//! accident.

use chrono::{TimeZone, Utc};
use keyward_core::{
    ActivationOutcome, Instance, InvalidReason, LicenseKey, LicenseStatus, MAX_CUSTOM_PROVIDERS,
    Provider, SecretLicenseKey, ValidationOutcome,
};
use serde_json::{Value, json};

const CANARY: &str = "CANARY-7a1c-SERDE-LICENSE-KEY-QRST";

fn license() -> LicenseKey {
    let mut license = LicenseKey::new(Provider::LemonSqueezy, "lic_9", LicenseStatus::Active);
    license.key = Some(SecretLicenseKey::new(CANARY));
    license.customer.email = Some("ada@example.com".into());
    license.product.id = Some("pdt_1".into());
    license.product.variant_id = Some("var_2".into());
    license.purchase.order_id = Some("ord_3".into());
    license.activation_limit = Some(3);
    license.activations = Some(1);
    license.expires_at = Some(Utc.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap());
    license.test_mode = Some(true);
    license.metadata = json!({ "seats": 3 });
    license.raw = json!({ "id": "lic_9", "key": CANARY }).into();
    license
}

fn instance() -> Instance {
    let mut instance = Instance::new("ins_1");
    instance.name = Some("laptop".into());
    instance.raw = json!({ "license_key": CANARY }).into();
    instance
}

#[test]
fn plain_serialization_never_carries_the_key_or_raw() {
    let license = license();
    let valid = ValidationOutcome::valid(Some(license.clone()), Some(instance()));
    let refused = ActivationOutcome::Refused {
        reason: InvalidReason::LimitReached,
        license: Some(Box::new(license.clone())),
    };
    for text in [
        serde_json::to_string(&license).unwrap(),
        serde_json::to_string(&instance()).unwrap(),
        serde_json::to_string(&valid).unwrap(),
        serde_json::to_string(&refused).unwrap(),
        serde_json::to_string(&vec![license.clone()]).unwrap(),
    ] {
        assert!(!text.contains("CANARY"), "{text}");
        assert!(
            !text.contains("\"raw\"") && !text.contains("\"key\""),
            "{text}"
        );
    }
    // The opt-in view carries both, and its Debug still does not.
    let secret = serde_json::to_string(&license.with_secrets()).unwrap();
    assert!(
        secret.contains(CANARY) && secret.contains("\"raw\""),
        "{secret}"
    );
    assert!(!format!("{:?}", license.with_secrets()).contains("CANARY"));
    let secret = serde_json::to_string(&instance().with_secrets()).unwrap();
    assert!(secret.contains(CANARY), "{secret}");
}

#[test]
fn a_license_round_trips_in_both_shapes() {
    let license = license();
    let plain: LicenseKey =
        serde_json::from_str(&serde_json::to_string(&license).unwrap()).unwrap();
    assert!(plain.key.is_none() && plain.raw.is_empty());
    assert_eq!(plain.provider, Provider::LemonSqueezy);
    assert_eq!(plain.customer, license.customer);
    assert_eq!(plain.product, license.product);
    assert_eq!(plain.purchase, license.purchase);
    assert_eq!(plain.expires_at, license.expires_at);
    assert_eq!(plain.metadata, json!({ "seats": 3 }));
    assert_eq!(
        serde_json::to_value(&plain).unwrap(),
        serde_json::to_value(&license).unwrap()
    );

    let text = serde_json::to_string(&license.with_secrets()).unwrap();
    let full: LicenseKey = serde_json::from_str(&text).unwrap();
    assert_eq!(
        full.key.as_ref().map(SecretLicenseKey::expose),
        Some(CANARY)
    );
    assert_eq!(full.raw, json!({ "id": "lic_9", "key": CANARY }));
    assert_eq!(serde_json::to_string(&full.with_secrets()).unwrap(), text);

    let back: Instance =
        serde_json::from_str(&serde_json::to_string(&instance().with_secrets()).unwrap()).unwrap();
    assert_eq!(back, instance());
}

#[test]
fn a_minimal_license_reads_with_defaults() {
    let license: LicenseKey =
        serde_json::from_value(json!({ "provider": "dodo", "id": "lic_1", "status": "on_hold" }))
            .unwrap();
    assert_eq!(license.status, LicenseStatus::Other("on_hold".into()));
    assert!(license.customer.email.is_none() && license.metadata.is_null());
    assert!(serde_json::from_value::<LicenseKey>(json!({ "id": "lic_1" })).is_err());
}

#[test]
fn statuses_and_reasons_are_stable_strings_that_round_trip() {
    let statuses = [
        (LicenseStatus::Active, "active"),
        (LicenseStatus::Inactive, "inactive"),
        (LicenseStatus::Expired, "expired"),
        (LicenseStatus::Disabled, "disabled"),
        (LicenseStatus::Revoked, "revoked"),
        (LicenseStatus::Suspended, "suspended"),
        (LicenseStatus::Other("on_hold".into()), "on_hold"),
    ];
    for (status, word) in statuses {
        assert_eq!(serde_json::to_value(&status).unwrap(), json!(word));
        assert_eq!(
            serde_json::from_value::<LicenseStatus>(json!(word)).unwrap(),
            status
        );
    }
    let reasons = [
        (InvalidReason::NotFound, "not_found"),
        (InvalidReason::Expired, "expired"),
        (InvalidReason::Disabled, "disabled"),
        (InvalidReason::Revoked, "revoked"),
        (InvalidReason::Suspended, "suspended"),
        (InvalidReason::LimitReached, "limit_reached"),
        (InvalidReason::ProductMismatch, "product_mismatch"),
        (InvalidReason::InstanceMismatch, "instance_mismatch"),
        (InvalidReason::NotPaid, "not_paid"),
        (InvalidReason::Other("seat taken".into()), "seat taken"),
    ];
    for (reason, word) in reasons {
        assert_eq!(serde_json::to_value(&reason).unwrap(), json!(word));
        assert_eq!(
            serde_json::from_value::<InvalidReason>(json!(word)).unwrap(),
            reason
        );
    }
}

#[test]
fn outcomes_are_tagged_and_round_trip() {
    let invalid = ValidationOutcome::invalid(InvalidReason::Expired, None);
    let value = serde_json::to_value(&invalid).unwrap();
    assert_eq!(
        value,
        json!({ "outcome": "invalid", "reason": "expired", "license": null })
    );
    let back: ValidationOutcome = serde_json::from_value(value).unwrap();
    assert_eq!(back.reason(), Some(&InvalidReason::Expired));

    let valid = ValidationOutcome::valid(Some(license()), Some(instance()));
    let back: ValidationOutcome =
        serde_json::from_str(&serde_json::to_string(&valid).unwrap()).unwrap();
    assert!(back.is_valid());
    assert_eq!(back.license().map(|l| l.id.as_str()), Some("lic_9"));
    assert_eq!(back.instance().map(|i| i.id.as_str()), Some("ins_1"));

    let activated = ActivationOutcome::Activated {
        instance: instance(),
        license: None,
    };
    let value = serde_json::to_value(&activated).unwrap();
    assert_eq!(value["outcome"], json!("activated"));
    let back: ActivationOutcome = serde_json::from_value(value).unwrap();
    assert_eq!(
        back.instance().map(|i| i.name.as_deref()),
        Some(Some("laptop"))
    );
    let refused: ActivationOutcome =
        serde_json::from_value(json!({ "outcome": "refused", "reason": "limit_reached" })).unwrap();
    assert_eq!(refused.reason(), Some(&InvalidReason::LimitReached));
}

/// The only test here that reads custom names: the interned set is global to the process.
#[test]
fn providers_by_name_with_custom_names_interned_up_to_the_cap() {
    for provider in [
        Provider::Dodo,
        Provider::LemonSqueezy,
        Provider::DevPayr,
        Provider::SignedLicense,
        Provider::Keygen,
    ] {
        let value = serde_json::to_value(provider).unwrap();
        assert_eq!(value, json!(provider.as_str()));
        assert_eq!(serde_json::from_value::<Provider>(value).unwrap(), provider);
    }
    let first: Provider = serde_json::from_value(json!("cryptolens")).unwrap();
    let again: Provider = serde_json::from_str("\"cryptolens\"").unwrap();
    let (Provider::Custom(a), Provider::Custom(b)) = (first, again) else {
        panic!("{first:?} {again:?}")
    };
    assert_eq!(a, "cryptolens");
    assert!(std::ptr::eq(a, b), "one allocation per distinct name");
    assert!(serde_json::from_value::<Provider>(json!("")).is_err());

    for n in 1..MAX_CUSTOM_PROVIDERS {
        serde_json::from_value::<Provider>(Value::String(format!("custom-{n}"))).unwrap();
    }
    let err = serde_json::from_value::<Provider>(json!("one-too-many")).unwrap_err();
    assert!(err.to_string().contains("distinct custom names"), "{err}");
    // Names held already still read.
    assert_eq!(
        serde_json::from_value::<Provider>(json!("cryptolens")).unwrap(),
        first
    );
}
