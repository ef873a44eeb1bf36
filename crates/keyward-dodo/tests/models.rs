#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Decoding: newer and older server shapes, open enums, extreme numbers.

use crate::common;

use common::fixture_json;
use keyward_dodo::{Activation, LicenseKey, LicenseKeySource, LicenseKeyStatus};
use serde_json::json;

fn decode_key(value: serde_json::Value) -> Result<LicenseKey, serde_json::Error> {
    serde_json::from_value(value)
}

#[test]
fn every_fixture_decodes() {
    for name in [
        "get_license_key.200.json",
        "update_license_key.200.json",
        "create_license_key.201.json",
    ] {
        decode_key(fixture_json(name)).unwrap();
    }
    let list = fixture_json("list_license_keys.200.json");
    for item in list["items"].as_array().unwrap() {
        decode_key(item.clone()).unwrap();
    }
    serde_json::from_value::<Activation>(fixture_json("activate_license.201.json")).unwrap();
}

#[test]
fn older_and_newer_servers_decode() {
    let mut old = fixture_json("get_license_key.200.json");
    let map = old.as_object_mut().unwrap();
    map.remove("brand_id");
    map.remove("source");
    map.remove("activations_limit");
    map.remove("expires_at");
    map.remove("subscription_id");
    map.insert("new_field".into(), json!({"nested": [1, 2]}));
    let key = decode_key(old).unwrap();
    assert_eq!(key.brand_id, None);
    assert_eq!(key.source, None);
    assert_eq!(key.activations_left(), None);

    let mut newer = fixture_json("get_license_key.200.json");
    newer["status"] = json!("suspended");
    newer["source"] = json!("grant");
    newer["payment_id"] = json!(null);
    let key = decode_key(newer).unwrap();
    assert_eq!(key.status, LicenseKeyStatus::Other("suspended".into()));
    assert_eq!(key.source, Some(LicenseKeySource::Other("grant".into())));
}

#[test]
fn extreme_counts_decode_without_panicking() {
    for (count, limit) in [
        (-1_i64, 5_i64),
        (2_147_483_647, 1),
        (-2_147_483_648, -3),
        (0, i64::from(i32::MIN)),
    ] {
        let mut value = fixture_json("get_license_key.200.json");
        value["instances_count"] = json!(count);
        value["activations_limit"] = json!(limit);
        let key = decode_key(value).unwrap();
        assert_eq!(key.instances_count, count);
        let left = key.activations_left().unwrap();
        assert!(left >= 0);
    }
    let mut huge = fixture_json("get_license_key.200.json");
    huge["instances_count"] = json!(9_007_199_254_740_993_i64);
    assert!(decode_key(huge).is_ok());
    let mut float = fixture_json("get_license_key.200.json");
    float["instances_count"] = json!(1e300);
    assert!(
        decode_key(float).is_err(),
        "a non-integer count is a decode error, not a panic"
    );
}

#[test]
fn activation_product_may_be_absent_or_null() {
    let mut value = fixture_json("activate_license.201.json");
    value["product"] = json!(null);
    value["customer"]["metadata"] = json!(null);
    let activation: Activation = serde_json::from_value(value.clone()).unwrap();
    assert!(activation.product.is_none());
    assert!(activation.customer.metadata.is_empty());
    value.as_object_mut().unwrap().remove("product");
    value["customer"]["metadata"] = json!({"plan": "pro", "seats": 3, "beta": true});
    let activation: Activation = serde_json::from_value(value).unwrap();
    assert_eq!(activation.customer.metadata.len(), 3);
}

#[test]
fn timestamps_keep_fractions_and_offsets() {
    let mut value = fixture_json("get_license_key.200.json");
    value["created_at"] = json!("2026-03-14T11:21:07.482913+02:00");
    let key = decode_key(value).unwrap();
    assert_eq!(
        key.created_at.to_rfc3339(),
        "2026-03-14T09:21:07.482913+00:00"
    );
}
