//! Pure mappings from Lemon Squeezy's models to the neutral ones.

use ::keyward_lemonsqueezy::models::{
    KeyStatus, LicenseAnswer, LicenseApiInstance, LicenseApiKey, LicenseApiMeta,
    LicenseKey as LsLicenseKey, LicenseKeyInstance, Refusal,
};
use keyward_core::{
    ActivationOutcome, Instance, InvalidReason, LicenseError, LicenseKey, LicenseStatus, Provider,
    RawJson, ValidationOutcome,
};

const PROVIDER: Provider = Provider::LemonSqueezy;

/// A JSON:API `license-keys` resource (from retrieve, list, update or a `license_key_*` webhook's
/// `data`) as a neutral license; `raw` is the resource as Lemon Squeezy sent it.
pub fn license(resource: &LsLicenseKey) -> LicenseKey {
    into_license_key(resource.clone())
}

/// [`license`] taking the resource: its strings, key and raw JSON move instead of being copied.
pub fn into_license_key(resource: LsLicenseKey) -> LicenseKey {
    let a = resource.attributes;
    let mut license = LicenseKey::new(PROVIDER, resource.id.0.to_string(), status(&a.status));
    license.key = Some(a.key);
    license.customer.id = a.customer_id.map(|id| id.0.to_string());
    license.customer.name = non_empty(a.user_name);
    license.customer.email = non_empty(a.user_email);
    license.product.id = Some(a.product_id.0.to_string());
    license.product.store_id = Some(a.store_id.0.to_string());
    license.purchase.order_id = Some(a.order_id.0.to_string());
    license.purchase.order_item_id = Some(a.order_item_id.0.to_string());
    license.activation_limit = a.activation_limit;
    license.activations = a.instances_count;
    license.expires_at = a.expires_at;
    license.created_at = Some(a.created_at);
    license.updated_at = Some(a.updated_at);
    license.test_mode = Some(a.test_mode);
    license.raw = resource.raw;
    license
}

/// The license a License API answer describes (`license_key` and `meta`); `None` when the answer
/// left them out (a 404). `raw` is the whole answer as Lemon Squeezy sent it (`valid`, `error`,
/// `license_key`, `instance`, `meta`).
pub fn license_from_answer(answer: &LicenseAnswer) -> Option<LicenseKey> {
    let key = answer.license_key.clone()?;
    Some(answered_license(
        key,
        answer.meta.clone(),
        answer.raw.clone(),
    ))
}

/// A License API `license_key` object and its `meta` as a neutral license.
pub fn license_from_api_key(key: &LicenseApiKey, meta: Option<&LicenseApiMeta>) -> LicenseKey {
    into_license(key.clone(), meta.cloned())
}

/// A `license-key-instances` resource as a neutral instance. Its `id` is the UUID
/// (`identifier`) that validate and deactivate take, not the numeric resource id (kept in `raw`).
pub fn instance(resource: &LicenseKeyInstance) -> Instance {
    let a = &resource.attributes;
    let mut instance = Instance::new(a.identifier.as_str());
    instance.name = non_empty(a.name.clone());
    instance.license_id = Some(a.license_key_id.to_string());
    instance.created_at = Some(a.created_at);
    instance.raw = resource.raw.clone();
    instance
}

/// A License API `instance` object as a neutral instance of license `license_id`.
pub fn instance_from_answer(instance: &LicenseApiInstance, license_id: Option<String>) -> Instance {
    into_instance(instance.clone(), license_id)
}

/// A validate answer as an outcome: accepted is `Valid`, refused (by Lemon Squeezy or by the
/// client's product binding) is `Invalid` with the most precise reason.
pub fn validation_outcome(answer: &LicenseAnswer) -> ValidationOutcome {
    into_validation_outcome(answer.clone())
}

/// [`validation_outcome`] taking the answer: its strings and raw JSON move into the outcome
/// instead of being copied.
pub fn into_validation_outcome(answer: LicenseAnswer) -> ValidationOutcome {
    let (reason, license, instance) = answered(answer);
    match reason {
        None => {
            let license_id = license.as_ref().map(|l| l.id.clone());
            let instance = instance.map(|i| into_instance(i, license_id));
            ValidationOutcome::valid(license, instance)
        }
        Some(reason) => ValidationOutcome::invalid(reason, license),
    }
}

/// What a License API answer says, taken apart: why it was refused (`None`: accepted), its
/// license (key and `meta` mapped, `raw` the whole answer) and its instance, unmapped.
fn answered(
    answer: LicenseAnswer,
) -> (
    Option<InvalidReason>,
    Option<LicenseKey>,
    Option<LicenseApiInstance>,
) {
    let reason = (!answer.is_accepted()).then(|| refusal_reason(&answer));
    let LicenseAnswer {
        license_key,
        instance,
        meta,
        raw,
        ..
    } = answer;
    let license = license_key.map(|key| answered_license(key, meta, raw));
    (reason, license, instance)
}

/// The license of a License API answer: its key and `meta` mapped, `raw` the whole answer.
fn answered_license(key: LicenseApiKey, meta: Option<LicenseApiMeta>, raw: RawJson) -> LicenseKey {
    let mut license = into_license(key, meta);
    license.raw = raw;
    license
}

/// The one mapping of a License API key (and its `meta`), taking them: moved, not copied.
fn into_license(key: LicenseApiKey, meta: Option<LicenseApiMeta>) -> LicenseKey {
    let mut license = LicenseKey::new(PROVIDER, key.id.0.to_string(), status(&key.status));
    license.key = Some(key.key);
    license.activation_limit = key.activation_limit;
    license.activations = Some(key.activation_usage);
    license.expires_at = key.expires_at;
    license.created_at = key.created_at;
    license.test_mode = Some(key.test_mode);
    if let Some(m) = meta {
        license.customer.id = m.customer_id.map(|id| id.0.to_string());
        license.customer.name = m.customer_name;
        license.customer.email = m.customer_email;
        license.product.id = m.product_id.map(|id| id.0.to_string());
        license.product.name = m.product_name;
        license.product.variant_id = m.variant_id.map(|id| id.0.to_string());
        license.product.variant_name = m.variant_name;
        license.product.store_id = m.store_id.map(|id| id.0.to_string());
        license.purchase.order_id = m.order_id.map(|id| id.0.to_string());
        license.purchase.order_item_id = m.order_item_id.map(|id| id.0.to_string());
    }
    license.raw = key.raw;
    license
}

/// The one mapping of a License API instance, taking it: moved, not copied.
fn into_instance(instance: LicenseApiInstance, license_id: Option<String>) -> Instance {
    let mut mapped = Instance::new(instance.id.0);
    mapped.name = instance.name;
    mapped.license_id = license_id;
    mapped.created_at = instance.created_at;
    mapped.raw = instance.raw;
    mapped
}

/// An activate answer as an outcome. An accepted answer without an `instance` is a decode error
/// (the instance id is what the caller must keep).
pub fn activation_outcome(answer: &LicenseAnswer) -> Result<ActivationOutcome, LicenseError> {
    into_activation_outcome(answer.clone())
}

/// [`activation_outcome`] taking the answer: its strings and raw JSON move into the outcome
/// instead of being copied.
pub fn into_activation_outcome(answer: LicenseAnswer) -> Result<ActivationOutcome, LicenseError> {
    let (reason, license, instance) = answered(answer);
    if let Some(reason) = reason {
        return Ok(ActivationOutcome::Refused {
            reason,
            license: license.map(Box::new),
        });
    }
    let Some(instance) = instance else {
        return Err(
            LicenseError::decode("the activation answer has no `instance`")
                .with_provider(PROVIDER.as_str())
                .with_operation("activate"),
        );
    };
    let instance = into_instance(instance, license.as_ref().map(|l| l.id.clone()));
    Ok(ActivationOutcome::Activated {
        instance,
        license: license.map(Box::new),
    })
}

/// Why an answer was refused, in neutral terms.
pub fn refusal_reason(answer: &LicenseAnswer) -> InvalidReason {
    match answer.refusal() {
        Some(refusal) => reason(refusal),
        None => InvalidReason::Other(
            answer
                .error
                .clone()
                .unwrap_or_else(|| String::from("refused without a reason")),
        ),
    }
}

/// A client refusal in neutral terms.
pub fn reason(refusal: &Refusal) -> InvalidReason {
    refusal.to_invalid_reason()
}

/// A Lemon Squeezy key status in neutral terms (`inactive`: valid, never activated; unknown
/// values kept as `Other`).
pub fn status(status: &KeyStatus) -> LicenseStatus {
    match status {
        KeyStatus::Active => LicenseStatus::Active,
        KeyStatus::Inactive => LicenseStatus::Inactive,
        KeyStatus::Expired => LicenseStatus::Expired,
        KeyStatus::Disabled => LicenseStatus::Disabled,
        other => LicenseStatus::Other(other.as_str().to_owned()),
    }
}

/// The Lemon Squeezy status a neutral status filters on; `None` when Lemon Squeezy has no such
/// status (revoked, suspended).
pub fn key_status_filter(status: &LicenseStatus) -> Option<KeyStatus> {
    match status {
        LicenseStatus::Active => Some(KeyStatus::Active),
        LicenseStatus::Inactive => Some(KeyStatus::Inactive),
        LicenseStatus::Expired => Some(KeyStatus::Expired),
        LicenseStatus::Disabled => Some(KeyStatus::Disabled),
        LicenseStatus::Other(other) => Some(KeyStatus::from(other.as_str())),
        _ => None,
    }
}

/// `text` unless it is blank.
fn non_empty(text: String) -> Option<String> {
    (!text.trim().is_empty()).then_some(text)
}
