//! Mapping of Dodo's fixture bodies into the neutral model (pure functions, no server).

use keyward::mapping::dodo as map;
use keyward::{LicenseStatus, Provider, SecretLicenseKey};
use serde_json::Value;

use super::support::received;
use super::{at, fixture};

#[test]
fn license_key_fixture_maps_every_field() {
    let body = fixture("get_license_key.200.json");
    let key: keyward_dodo::LicenseKey = received(&body);
    let license = map::license(&key, Some(true));

    assert_eq!(license.provider, Provider::Dodo);
    assert_eq!(license.id, "lic_7namTC0VcgrnzrF3GTSwB");
    assert_eq!(
        license.key.as_ref().unwrap().expose(),
        "2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43"
    );
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(
        license.customer.id.as_deref(),
        Some("cus_TV52uJWWXt2yIoBBxpjaa")
    );
    assert_eq!(license.customer.email, None);
    assert_eq!(
        license.product.id.as_deref(),
        Some("pdt_R8AWMPiV8RyJElcCKvAID")
    );
    assert_eq!(
        license.product.store_id.as_deref(),
        Some("brnd_8dFiAW42v28JzhlVSocjq")
    );
    assert_eq!(
        license.purchase.payment_id.as_deref(),
        Some("pay_gr4RizvMOXFJ6xca3y2tU")
    );
    assert_eq!(license.purchase.subscription_id, None);
    assert_eq!(license.purchase.order_id, None);
    assert_eq!(license.activation_limit, Some(5));
    assert_eq!(license.activations, Some(2));
    assert_eq!(license.expires_at, None, "null expiry = never");
    assert_eq!(license.created_at, Some(at("2026-03-14T09:21:07.482913Z")));
    assert_eq!(license.updated_at, None);
    assert_eq!(license.test_mode, Some(true));
    assert_eq!(license.metadata, Value::Null);
    // raw is the body as Dodo sent it.
    let sent: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(license.raw, sent);
}

#[test]
fn list_fixture_maps_statuses_limits_and_expiry() {
    let body: Value = serde_json::from_str(&fixture("list_license_keys.200.json")).unwrap();
    let keys: Vec<keyward_dodo::LicenseKey> = received(&body["items"].to_string());
    let licenses: Vec<_> = keys.iter().map(|k| map::license(k, None)).collect();

    assert_eq!(licenses.len(), 3);
    assert_eq!(licenses[1].status, LicenseStatus::Disabled);
    assert_eq!(licenses[1].activation_limit, None, "null limit = unlimited");
    assert_eq!(licenses[1].activations, Some(0));
    assert_eq!(
        licenses[1].purchase.subscription_id.as_deref(),
        Some("sub_Iuaq622bbmmfOGrVTqdXv")
    );
    assert_eq!(licenses[2].status, LicenseStatus::Expired);
    assert_eq!(licenses[2].expires_at, Some(at("2026-06-30T23:59:59Z")));
    assert_eq!(licenses[2].purchase.payment_id, None);
    assert_eq!(
        licenses[2].key.as_ref().unwrap().expose(),
        "LEGACY-7F3K-9QXM-2WZR"
    );
    assert_eq!(licenses[2].raw.to_value()["source"], "import");
    assert_eq!(licenses[0].test_mode, None);
}

#[test]
fn odd_counts_and_unknown_status_do_not_break_the_mapping() {
    let mut body: Value = serde_json::from_str(&fixture("get_license_key.200.json")).unwrap();
    body["instances_count"] = Value::from(-3);
    body["activations_limit"] = Value::from(5_000_000_000_i64);
    body["status"] = Value::from("suspended_for_review");
    let key: keyward_dodo::LicenseKey = received(&body.to_string());
    let license = map::license(&key, None);
    assert_eq!(license.activations, None);
    assert_eq!(license.activation_limit, None);
    assert_eq!(
        license.status,
        LicenseStatus::Other("suspended_for_review".into())
    );
    assert_eq!(
        map::status(&keyward_dodo::LicenseKeyStatus::Disabled),
        LicenseStatus::Disabled
    );
}

#[test]
fn activation_fixture_maps_instance_and_partial_license() {
    let activation: keyward_dodo::Activation = received(&fixture("activate_license.201.json"));
    let key = SecretLicenseKey::new("2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43");
    let (instance, license) = map::activation(&activation, &key, Some(false));

    assert_eq!(instance.id, "lki_9sDfG2hJk4LzX6cV8bNmQ");
    assert_eq!(instance.name.as_deref(), Some("Ada's Linux workstation"));
    assert_eq!(
        instance.license_id.as_deref(),
        Some("lic_7namTC0VcgrnzrF3GTSwB")
    );
    assert_eq!(instance.created_at, Some(at("2026-08-10T07:14:55.318406Z")));
    let sent: Value = serde_json::from_str(&fixture("activate_license.201.json")).unwrap();
    assert_eq!(instance.raw, sent);

    assert_eq!(license.id, "lic_7namTC0VcgrnzrF3GTSwB");
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.customer.name.as_deref(), Some("Ada Lovelace"));
    assert_eq!(license.customer.email.as_deref(), Some("ada@example.com"));
    assert_eq!(
        license.product.name.as_deref(),
        Some("Analytical Engine Pro")
    );
    assert_eq!(license.key.as_ref().unwrap().expose(), key.expose());
    assert_eq!(license.test_mode, Some(false));
}

#[test]
fn instance_fixture_maps() {
    let body = fixture("get_license_key_instance.200.json");
    let instance: keyward_dodo::LicenseKeyInstance = received(&body);
    let mapped = map::instance(&instance);
    assert_eq!(mapped.id, "lki_EeWORStkMc7z0KycI31VS");
    assert_eq!(mapped.name.as_deref(), Some("Ada's MacBook Pro"));
    assert_eq!(
        mapped.license_id.as_deref(),
        Some("lic_7namTC0VcgrnzrF3GTSwB")
    );
    assert_eq!(mapped.created_at, Some(at("2026-03-14T09:25:31.903118Z")));
    assert_eq!(mapped.raw, serde_json::from_str::<Value>(&body).unwrap());
}
