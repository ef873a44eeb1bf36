//! Dodo's models mapped into the neutral ones: pure functions, no I/O.

use dodo::models::{Activation, LicenseKeyInstance, LicenseKeyStatus};
use license_core::{Instance, LicenseKey, LicenseStatus, Provider, SecretLicenseKey};
use serde_json::{Map, Value, json};

use crate::adapters::common::{count_i64, timestamp};

/// Dodo's key status as a neutral status: `active`, `expired` and `disabled` map one to one; a
/// value Dodo adds later is kept as [`LicenseStatus::Other`].
pub fn dodo_status(status: &LicenseKeyStatus) -> LicenseStatus {
    match status {
        LicenseKeyStatus::Active => LicenseStatus::Active,
        LicenseKeyStatus::Expired => LicenseStatus::Expired,
        LicenseKeyStatus::Disabled => LicenseStatus::Disabled,
        other => LicenseStatus::Other(other.as_str().to_owned()),
    }
}

/// A Dodo license key (`LicenseKeyResponse`) as a neutral [`LicenseKey`].
///
/// Dodo's brand is the store, `payment_id`/`subscription_id` are the purchase refs, a negative or
/// huge `instances_count`/`activations_limit` becomes `None` (a missing limit is unlimited), and
/// `test_mode` is what the caller knows from the environment (Dodo's key does not say). `raw` is
/// the key's JSON rebuilt from the decoded fields (the client does not keep the body): it holds
/// the key string.
pub fn dodo_license_key(key: &dodo::LicenseKey, test_mode: Option<bool>) -> LicenseKey {
    let mut license = LicenseKey::new(Provider::Dodo, key.id.clone(), dodo_status(&key.status));
    license.key = Some(key.key.clone());
    license.customer.id = Some(key.customer_id.clone());
    license.product.id = Some(key.product_id.clone());
    license.product.store_id = key.brand_id.clone();
    license.purchase.payment_id = key.payment_id.clone();
    license.purchase.subscription_id = key.subscription_id.clone();
    license.activation_limit = key.activations_limit.and_then(count_i64);
    license.activations = count_i64(key.instances_count);
    license.expires_at = key.expires_at;
    license.created_at = Some(key.created_at);
    license.test_mode = test_mode;
    license.raw = dodo_license_key_json(key);
    license
}

/// The JSON of a Dodo license key, rebuilt from its fields (fields Dodo may leave out are left
/// out when absent).
fn dodo_license_key_json(key: &dodo::LicenseKey) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), json!(key.id));
    if let Some(brand) = &key.brand_id {
        map.insert("brand_id".into(), json!(brand));
    }
    map.insert("business_id".into(), json!(key.business_id));
    map.insert("created_at".into(), timestamp(&key.created_at));
    map.insert("customer_id".into(), json!(key.customer_id));
    map.insert("instances_count".into(), json!(key.instances_count));
    map.insert("key".into(), json!(key.key.expose()));
    map.insert("product_id".into(), json!(key.product_id));
    if let Some(source) = &key.source {
        map.insert("source".into(), json!(source.as_str()));
    }
    map.insert("status".into(), json!(key.status.as_str()));
    map.insert("activations_limit".into(), json!(key.activations_limit));
    map.insert(
        "expires_at".into(),
        key.expires_at.as_ref().map_or(Value::Null, timestamp),
    );
    map.insert("payment_id".into(), json!(key.payment_id));
    map.insert("subscription_id".into(), json!(key.subscription_id));
    Value::Object(map)
}

/// A Dodo license key instance as a neutral [`Instance`].
pub fn dodo_instance(instance: &LicenseKeyInstance) -> Instance {
    let mut out = Instance::new(instance.id.clone());
    out.name = Some(instance.name.clone());
    out.license_id = Some(instance.license_key_id.clone());
    out.created_at = Some(instance.created_at);
    out.raw = json!({
        "id": instance.id,
        "business_id": instance.business_id,
        "created_at": timestamp(&instance.created_at),
        "license_key_id": instance.license_key_id,
        "name": instance.name,
    });
    out
}

/// An activation answer as the new [`Instance`] and the license it describes.
///
/// The license is partial: Dodo's activate answer carries the key's id, customer (id, name,
/// e-mail) and product (id, name), and a successful activation means the key is `active`; the
/// limit, counts and dates are not in it (`None`), `raw` is `null` (the activation's JSON is the
/// instance's `raw`). `key` is the key that was activated.
pub fn dodo_activation(
    activation: &Activation,
    key: &SecretLicenseKey,
    test_mode: Option<bool>,
) -> (Instance, LicenseKey) {
    let mut instance = Instance::new(activation.id.clone());
    instance.name = Some(activation.name.clone());
    instance.license_id = Some(activation.license_key_id.clone());
    instance.created_at = Some(activation.created_at);
    let customer = &activation.customer;
    let product = activation.product.as_ref();
    instance.raw = json!({
        "id": activation.id,
        "business_id": activation.business_id,
        "created_at": timestamp(&activation.created_at),
        "license_key_id": activation.license_key_id,
        "name": activation.name,
        "customer": {
            "customer_id": customer.customer_id,
            "email": customer.email,
            "name": customer.name,
            "metadata": customer.metadata,
            "phone_number": customer.phone_number,
        },
        "product": product.map(|p| json!({"product_id": p.product_id, "name": p.name})),
    });

    let mut license = LicenseKey::new(
        Provider::Dodo,
        activation.license_key_id.clone(),
        LicenseStatus::Active,
    );
    license.key = Some(key.clone());
    license.customer.id = Some(customer.customer_id.clone());
    license.customer.name = Some(customer.name.clone());
    license.customer.email = Some(customer.email.clone());
    license.product.id = product.map(|p| p.product_id.clone());
    license.product.name = product.and_then(|p| p.name.clone());
    license.test_mode = test_mode;
    (instance, license)
}
