//! GetKeyManager metadata values of any JSON type reach `LicenseKey.metadata` as that type (the
//! admin portal stores "valid JSON"), for a listed key and for a key's details.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(feature = "signed-license")]

use keyward::mapping::signed_license as map;
use keyward_signed_license::models::{LicenseDetails, LicenseKeyRecord};
use serde_json::{Value, json};
use support::received;

use crate::support;

fn synthetic(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/signed-license/synthetic/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// Every value of the fixture's `meta_data`, as the mapped metadata must hold it.
fn assert_typed(metadata: &Value) {
    assert_eq!(metadata["note"], json!("plain text"));
    assert_eq!(metadata["seats"], json!(5), "a number stays a number");
    assert!(metadata["seats"].is_u64());
    assert_eq!(metadata["ratio"], json!(0.75));
    assert_eq!(metadata["trial"], json!(false), "a boolean stays a boolean");
    assert_eq!(
        metadata["flags"],
        json!({"beta": true, "tier": "gold"}),
        "an object stays an object"
    );
    assert_eq!(metadata["tags"], json!(["a", "b"]));
    assert_eq!(metadata["cleared"], Value::Null);
    assert!(metadata.as_object().unwrap().contains_key("cleared"));
    assert_eq!(metadata["42"], json!("numeric key"));
}

#[test]
fn details_keep_meta_values_as_json() {
    let payload = synthetic("edges.get-license-key-details.500.json");
    let license = map::license_from_details(&received::<LicenseDetails>(&payload.to_string()));
    assert_typed(&license.metadata);
}

#[test]
fn listed_key_keeps_meta_values_as_json() {
    let mut item = synthetic("edges.get-license-keys.730.json")["license_keys"][0].clone();
    let details = synthetic("edges.get-license-key-details.500.json");
    item["meta_data"] = details["licenseKey"]["meta_data"].clone();
    let license = map::license(&received::<LicenseKeyRecord>(&item.to_string()));
    assert_typed(&license.metadata);
}
