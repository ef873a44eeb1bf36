//! Mappings of the Lemon Squeezy fixture bodies.

use super::*;

#[test]
fn license_key_resource_maps_every_field() {
    let body = json("license_keys.retrieve.200.json");
    let license = map::license(&resource(&body));
    assert_eq!(license.provider, Provider::LemonSqueezy);
    assert_eq!(license.id, "1");
    assert_eq!(
        license.key.as_ref().unwrap().expose(),
        "80e15db5-c796-436b-850c-8f9c98a48abe"
    );
    assert_eq!(license.status, LicenseStatus::Inactive);
    assert_eq!(license.customer.id.as_deref(), Some("1"));
    assert_eq!(license.customer.name.as_deref(), Some("John Doe"));
    assert_eq!(
        license.customer.email.as_deref(),
        Some("johndoe@example.com")
    );
    assert_eq!(license.product.id.as_deref(), Some("1"));
    assert_eq!(license.product.store_id.as_deref(), Some("1"));
    assert_eq!(license.product.variant_id, None);
    assert_eq!(license.purchase.order_id.as_deref(), Some("1"));
    assert_eq!(license.purchase.order_item_id.as_deref(), Some("1"));
    assert_eq!(license.purchase.subscription_id, None);
    assert_eq!(license.activation_limit, Some(5));
    assert_eq!(license.activations, Some(0));
    assert_eq!(license.expires_at, None);
    assert_eq!(license.created_at, Some(at("2024-05-24T14:15:07Z")));
    assert_eq!(license.updated_at, Some(at("2024-05-24T14:15:07Z")));
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.metadata, Value::Null);
    assert_eq!(license.raw, body["data"]);
}

#[test]
fn docs_variant_with_integer_disabled_and_no_test_mode_maps() {
    let body = json("license_keys.retrieve.200.docs_variant.json");
    let license = map::license(&resource(&body));
    assert_eq!(license.id, "1");
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.status, LicenseStatus::Inactive);
}

#[test]
fn list_items_map_with_unlimited_and_expiring_keys() {
    let page: ListPage<LsLicenseKey> = received(&fixture("license_keys.list.200.json"));
    let licenses: Vec<_> = page.data.iter().map(map::license).collect();
    assert_eq!(licenses.len(), 2);
    let second = &licenses[1];
    assert_eq!(second.id, "2");
    assert_eq!(second.status, LicenseStatus::Active);
    assert_eq!(second.activation_limit, None, "null limit = unlimited");
    assert_eq!(second.activations, Some(2));
    assert_eq!(second.expires_at, Some(at("2025-05-24T14:15:07Z")));
    assert_eq!(second.customer.name.as_deref(), Some("Jane Roe"));
    // raw is the list item as Lemon Squeezy sent it.
    assert_eq!(second.raw, json("license_keys.list.200.json")["data"][1]);
}

#[test]
fn updated_resource_maps_disabled_status_and_expiry() {
    let doc: Document<LsLicenseKey> = received(&fixture("license_keys.update.200.json"));
    let license = map::license(&doc.data);
    assert_eq!(license.status, LicenseStatus::Disabled);
    assert_eq!(license.activation_limit, Some(10));
    assert_eq!(license.expires_at, Some(at("2025-01-01T00:00:00Z")));
    assert_eq!(license.raw.to_value()["attributes"]["disabled"], true);
}

#[test]
fn webhook_license_with_null_instances_count_maps() {
    let body = json("webhooks.license_key_created.json");
    let license = map::license(&resource(&body));
    assert_eq!(license.id, "536156");
    assert_eq!(license.activations, None, "null instances_count");
    assert_eq!(license.product.id.as_deref(), Some("278897"));
    assert_eq!(license.product.store_id.as_deref(), Some("91257"));
    assert_eq!(license.customer.id.as_deref(), Some("3083767"));
    assert_eq!(license.test_mode, Some(true));
}

#[test]
fn unknown_status_is_kept() {
    let mut body = json("license_keys.retrieve.200.json");
    body["data"]["attributes"]["status"] = Value::from("paused");
    let license = map::license(&resource(&body));
    assert_eq!(license.status, LicenseStatus::Other("paused".into()));
}

#[test]
fn status_filters_map_both_ways() {
    for (ls, neutral) in [
        (KeyStatus::Active, LicenseStatus::Active),
        (KeyStatus::Inactive, LicenseStatus::Inactive),
        (KeyStatus::Expired, LicenseStatus::Expired),
        (KeyStatus::Disabled, LicenseStatus::Disabled),
    ] {
        assert_eq!(map::status(&ls), neutral);
        assert_eq!(map::key_status_filter(&neutral), Some(ls));
    }
    assert_eq!(map::key_status_filter(&LicenseStatus::Revoked), None);
    assert_eq!(
        map::status(&KeyStatus::from("paused")),
        LicenseStatus::Other("paused".into())
    );
}

#[test]
fn instances_map_to_their_uuid() {
    let page: ListPage<LicenseKeyInstance> =
        received(&fixture("license_key_instances.list.200.json"));
    let instances: Vec<_> = page.data.iter().map(map::instance).collect();
    assert_eq!(instances.len(), 2);
    assert_eq!(instances[0].id, INSTANCE);
    assert_eq!(instances[0].name.as_deref(), Some("Jane-MacBook"));
    assert_eq!(instances[0].license_id.as_deref(), Some("2"));
    assert_eq!(instances[0].created_at, Some(at("2024-06-01T10:00:00Z")));
    assert_eq!(instances[0].raw.to_value()["id"], "2");
    assert_eq!(instances[1].id, "f90ec370-fd83-46a5-8bbd-44a241e78665");
}

#[test]
fn license_api_key_and_meta_map() {
    let (key, meta) = answer_parts("licenses.activate.200.json");
    let license = map::license_from_api_key(&key, Some(&meta));
    assert_eq!(license.id, "1");
    assert_eq!(license.key.as_ref().unwrap().expose(), KEY);
    assert_eq!(license.status, LicenseStatus::Active);
    assert_eq!(license.activation_limit, Some(3));
    assert_eq!(license.activations, Some(1));
    assert_eq!(license.created_at, Some(at("2024-01-24T14:15:07Z")));
    assert_eq!(license.expires_at, None);
    assert_eq!(license.test_mode, Some(false));
    assert_eq!(license.product.id.as_deref(), Some("4"));
    assert_eq!(license.product.name.as_deref(), Some("Example Product"));
    assert_eq!(license.product.variant_id.as_deref(), Some("5"));
    assert_eq!(license.product.variant_name.as_deref(), Some("Default"));
    assert_eq!(license.product.store_id.as_deref(), Some("1"));
    assert_eq!(license.purchase.order_id.as_deref(), Some("2"));
    assert_eq!(license.purchase.order_item_id.as_deref(), Some("3"));
    assert_eq!(license.customer.id.as_deref(), Some("6"));
    assert_eq!(license.customer.name.as_deref(), Some("John Doe"));
    assert_eq!(
        license.customer.email.as_deref(),
        Some("johndoe@example.com")
    );
    // raw is the `license_key` object as sent (a whole answer's raw is the answer: see the
    // validate and activate tests).
    assert_eq!(
        license.raw,
        json("licenses.activate.200.json")["license_key"]
    );

    let (key, meta) = answer_parts("licenses.activate.200.unlimited.json");
    let license = map::license_from_api_key(&key, Some(&meta));
    assert_eq!(license.activation_limit, None, "null = unlimited");
    assert_eq!(license.activations, Some(7));
    assert_eq!(license.expires_at, Some(at("2026-01-24T14:15:07Z")));
    assert_eq!(license.test_mode, Some(true));
    let license = map::license_from_api_key(&key, None);
    assert_eq!(license.product.id, None);
    assert!(license.raw.to_value().get("meta").is_none());
    assert_eq!(
        license.raw.to_value()["id"],
        license.id.parse::<u64>().unwrap()
    );
}
