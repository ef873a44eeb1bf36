//! Dodo's models mapped into the neutral ones: pure functions, no I/O.

use keyward_core::{Instance, LicenseKey, LicenseStatus, Provider, SecretLicenseKey};
use keyward_dodo::models::{
    Activation, EntitlementGrant, GrantStatus, LicenseKeyInstance, LicenseKeyStatus,
};

use crate::adapters::common::count_i64;

/// Dodo's key status as a neutral status: `active`, `expired` and `disabled` map one to one; a
/// value Dodo adds later is kept as [`LicenseStatus::Other`].
pub fn status(status: &LicenseKeyStatus) -> LicenseStatus {
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
/// the key's JSON as Dodo sent it (it holds the key string).
pub fn license(key: &keyward_dodo::LicenseKey, test_mode: Option<bool>) -> LicenseKey {
    into_license(key.clone(), test_mode)
}

/// [`license`] taking the key: its strings and raw JSON move instead of being copied.
pub fn into_license(key: keyward_dodo::LicenseKey, test_mode: Option<bool>) -> LicenseKey {
    let mut license = LicenseKey::new(Provider::Dodo, key.id, status(&key.status));
    license.key = Some(key.key);
    license.customer.id = Some(key.customer_id);
    license.product.id = Some(key.product_id);
    license.product.store_id = key.brand_id;
    license.purchase.payment_id = key.payment_id;
    license.purchase.subscription_id = key.subscription_id;
    license.activation_limit = key.activations_limit.and_then(count_i64);
    license.activations = count_i64(key.instances_count);
    license.expires_at = key.expires_at;
    license.created_at = Some(key.created_at);
    license.test_mode = test_mode;
    license.raw = key.raw;
    license
}

/// The license key an entitlement grant delivered, as a neutral [`LicenseKey`]; `None` when the
/// grant carries none (pending, failed, or another integration).
///
/// The key's own status counts, except that a `Revoked` grant's key is `Disabled` whatever the
/// payload still says (revoking disables the key). The grant gives the customer, the brand (the
/// store), the purchase refs and the metadata; the entitlement stands where a product would
/// (`product.id` is the `ent_…` id: grants do not name the product). `raw` is the grant's
/// `license_key` object as Dodo sent it.
pub fn license_from_grant(grant: &EntitlementGrant, test_mode: Option<bool>) -> Option<LicenseKey> {
    let key = grant.license_key.as_ref()?;
    let state = match grant.status {
        GrantStatus::Revoked => LicenseStatus::Disabled,
        _ => status(&key.status),
    };
    let mut license = LicenseKey::new(Provider::Dodo, key.id.clone(), state);
    license.key = Some(key.key.clone());
    license.customer.id = Some(grant.customer_id.clone());
    license.product.id = Some(grant.entitlement_id.clone());
    license.product.store_id = grant.brand_id.clone();
    license.purchase.payment_id = grant.payment_id.clone();
    license.purchase.subscription_id = grant.subscription_id.clone();
    license.activation_limit = key.activations_limit.and_then(count_i64);
    license.activations = count_i64(key.activations_used);
    license.expires_at = key.expires_at;
    license.updated_at = grant.updated_at;
    license.test_mode = test_mode;
    if !grant.metadata.is_empty() {
        license.metadata = serde_json::Value::Object(
            grant
                .metadata
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
    }
    license.raw = key.raw.clone();
    Some(license)
}

/// A Dodo license key instance as a neutral [`Instance`].
pub fn instance(instance: &LicenseKeyInstance) -> Instance {
    let mut out = Instance::new(instance.id.clone());
    out.name = Some(instance.name.clone());
    out.license_id = Some(instance.license_key_id.clone());
    out.created_at = Some(instance.created_at);
    out.raw = instance.raw.clone();
    out
}

/// An activation answer as the new [`Instance`] and the license it describes.
///
/// The license is partial: Dodo's activate answer carries the key's id, customer (id, name,
/// e-mail) and product (id, name), and a successful activation means the key is `active`; the
/// limit, counts and dates are not in it (`None`), `raw` is `null` (the activation's JSON is the
/// instance's `raw`). `key` is the key that was activated.
pub fn activation(
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
    instance.raw = activation.raw.clone();

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
    license.raw = activation.raw.clone();
    (instance, license)
}
