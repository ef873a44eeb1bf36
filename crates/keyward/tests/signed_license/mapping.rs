//! Mappings of the GetKeyManager fixture payloads.

use super::support::received;
use super::*;

/// A listed record as the client hands it over.
fn record(item: &Value) -> LicenseKeyRecord {
    received(&item.to_string())
}

#[test]
fn listed_key_maps_every_field() {
    let payload = plain_response("get-license-keys.730.json");
    let item = &payload["license_keys"][0];
    let license = map::license(&record(item));
    assert_eq!(license.provider, Provider::SignedLicense);
    assert_eq!(license.id, "944516");
    assert_eq!(
        license.key.as_ref().unwrap().expose(),
        "2f09f12d-7040-4bc6-a506-23f372d09a25"
    );
    assert_eq!(license.status, LicenseStatus::Inactive, "available");
    assert_eq!(license.product.id.as_deref(), Some("1"));
    assert_eq!(license.customer.name, None);
    assert_eq!(license.customer.email, None);
    assert_eq!(license.activation_limit, Some(1));
    assert_eq!(license.activations, None);
    assert_eq!(license.expires_at, None, "validity starts at assignment");
    assert_eq!(license.created_at, Some(at("2024-02-24T21:21:24Z")));
    assert_eq!(license.updated_at, Some(at("2024-02-24T21:21:24Z")));
    assert_eq!(license.test_mode, None);
    assert_eq!(license.metadata, Value::Null);
    assert_eq!(&license.raw, item);
    let all: Vec<_> = payload["license_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| map::license(&record(i)))
        .collect();
    assert_eq!(all.len(), 10);
}

#[test]
fn assigned_key_gets_owner_and_expiry_from_validity() {
    // An unsigned ("Private key not set") documented body: only its plain copy exists.
    let payload = plain_response("random-assign-license-keys.803.json");
    let license = map::license(&record(&payload["license_keys"][0]));
    assert_eq!(license.id, "213");
    assert_eq!(license.status, LicenseStatus::Active, "assigned");
    assert_eq!(license.customer.name.as_deref(), Some("Test User"));
    assert_eq!(license.customer.email.as_deref(), Some("email@domain.ltd"));
    assert_eq!(
        license.expires_at,
        Some(at("2025-11-23T19:02:08.829115Z")),
        "assigned_at + 365 days"
    );
    assert_eq!(license.metadata, Value::Null, "empty meta_data");
}

#[test]
fn details_map_product_owner_meta_and_unlimited() {
    // Signed by a product key the docs never published: the plain copy stands in.
    let payload = plain_response("get-license-key-details.500.json");
    let license = map::license_from_details(&received::<LicenseDetails>(&payload.to_string()));
    assert_eq!(license.id, "1034773");
    assert_eq!(
        license.key.as_ref().unwrap().expose(),
        "3a343c8a-38fe-4b6e-ad77-2222222"
    );
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.customer.name.as_deref(), Some("Test User"));
    assert_eq!(license.product.id.as_deref(), Some("1"));
    assert_eq!(license.product.name.as_deref(), Some("Test Product"));
    assert_eq!(license.activation_limit, None, "0 = unlimited");
    assert_eq!(license.expires_at, None, "`false` = never");
    assert_eq!(license.metadata["test-key"], "test value y");
    assert_eq!(license.metadata["test-key-2"], "test value y2");
    assert_eq!(license.raw, payload);
}

#[test]
fn odd_values_are_none_never_wrapped() {
    let payload = plain_response("get-license-keys.730.json");
    let mut item = payload["license_keys"][0].clone();
    item["activation_limit"] = Value::from(1_u64 << 40);
    item["status"] = Value::from("reserved");
    let license = map::license(&record(&item));
    assert_eq!(license.activation_limit, None, "huge limit is not wrapped");
    assert_eq!(license.status, LicenseStatus::Other("reserved".into()));
}

#[test]
fn refusal_codes_map_to_precise_reasons() {
    for (code, reason) in [
        (210, InvalidReason::NotFound),
        (501, InvalidReason::NotFound),
        (205, InvalidReason::Expired),
        (204, InvalidReason::Disabled),
        (302, InvalidReason::LimitReached),
        (202, InvalidReason::InstanceMismatch),
        (201, InvalidReason::Revoked),
    ] {
        assert_eq!(
            map::reason(ResponseCode::from_u32(code), "x"),
            reason,
            "{code}"
        );
    }
    assert_eq!(
        map::reason(ResponseCode::from_u32(203), "The product is not active"),
        InvalidReason::Other("The product is not active".into())
    );
    assert_eq!(
        map::status(&LicenseKeyStatus::Blocked),
        LicenseStatus::Disabled
    );
    assert_eq!(
        keyward_core::de::parse_timestamp("2024-02-27 03:05:31"),
        Some(at("2024-02-27T03:05:31Z"))
    );
    assert_eq!(keyward_core::de::parse_timestamp("false"), None);
}
