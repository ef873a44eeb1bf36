//! Pure mappings from Keygen's models to the neutral ones.

use ::keyward_keygen::models::{LicenseStatus as KeygenStatus, ListPage};
use ::keyward_keygen::{License, Machine, Validation, ValidationCode};
use keyward_core::{
    Instance, InvalidReason, LicenseKey, LicenseStatus, PageToken, Provider, ValidationOutcome,
};

const PROVIDER: Provider = Provider::Keygen;

/// A `licenses` resource as a neutral license; `raw` is the resource as Keygen sent it.
pub fn license(resource: &License) -> LicenseKey {
    into_license_key(resource.clone())
}

/// [`license`] taking the resource: its strings, key and raw JSON move instead of being copied.
pub fn into_license_key(resource: License) -> LicenseKey {
    let mut license = LicenseKey::new(PROVIDER, resource.id.clone(), status(&resource));
    license.customer.id = resource.owner_id().map(str::to_owned);
    license.product.id = resource.product_id().map(str::to_owned);
    // Keygen's plan is the policy.
    license.product.variant_id = resource.policy_id().map(str::to_owned);
    license.activations = resource.machine_count().and_then(|n| u32::try_from(n).ok());
    let a = resource.attributes;
    license.key = a.key;
    license.activation_limit = a.max_machines.and_then(|n| u32::try_from(n).ok());
    license.expires_at = a.expiry;
    license.created_at = a.created;
    license.updated_at = a.updated;
    license.metadata = serde_json::Value::Object(a.metadata);
    license.raw = resource.raw;
    license
}

/// The neutral status: `EXPIRING` is still active, `BANNED` (the owner is banned) disabled;
/// `suspended` wins over any status.
pub fn status(resource: &License) -> LicenseStatus {
    if resource.attributes.suspended {
        return LicenseStatus::Suspended;
    }
    match &resource.attributes.status {
        Some(KeygenStatus::Active | KeygenStatus::Expiring) | None => LicenseStatus::Active,
        Some(KeygenStatus::Inactive) => LicenseStatus::Inactive,
        Some(KeygenStatus::Expired) => LicenseStatus::Expired,
        Some(KeygenStatus::Suspended) => LicenseStatus::Suspended,
        Some(KeygenStatus::Banned) => LicenseStatus::Disabled,
        Some(other) => LicenseStatus::Other(other.as_str().to_owned()),
    }
}

/// Keygen's status filter for a neutral status; `None` when Keygen has no such status.
pub fn status_filter(status: &LicenseStatus) -> Option<&'static str> {
    match status {
        LicenseStatus::Active => Some("ACTIVE"),
        LicenseStatus::Inactive => Some("INACTIVE"),
        LicenseStatus::Expired => Some("EXPIRED"),
        LicenseStatus::Suspended => Some("SUSPENDED"),
        LicenseStatus::Disabled => Some("BANNED"),
        _ => None,
    }
}

/// A machine as a neutral instance: its id is what deactivate takes, its name the fingerprint
/// (what activate was given).
pub fn instance(machine: &Machine) -> Instance {
    let mut instance = Instance::new(machine.id.as_str());
    instance.name = Some(machine.attributes.fingerprint.clone());
    instance.license_id = machine.license_id().map(str::to_owned);
    instance.created_at = machine.attributes.created;
    instance.raw = machine.raw.clone();
    instance
}

/// Why a validation code refuses: the neutral reason closest to it.
pub fn reason(code: &ValidationCode) -> InvalidReason {
    match code {
        ValidationCode::NotFound => InvalidReason::NotFound,
        ValidationCode::Expired => InvalidReason::Expired,
        ValidationCode::Suspended => InvalidReason::Suspended,
        ValidationCode::Banned => InvalidReason::Disabled,
        ValidationCode::TooManyMachines
        | ValidationCode::TooManyCores
        | ValidationCode::TooManyProcesses
        | ValidationCode::TooManyUsers
        | ValidationCode::TooMuchMemory
        | ValidationCode::TooMuchDisk => InvalidReason::LimitReached,
        ValidationCode::ProductScopeMismatch | ValidationCode::PolicyScopeMismatch => {
            InvalidReason::ProductMismatch
        }
        ValidationCode::NoMachine
        | ValidationCode::NoMachines
        | ValidationCode::MachineScopeMismatch
        | ValidationCode::FingerprintScopeMismatch
        | ValidationCode::HeartbeatDead
        | ValidationCode::HeartbeatNotStarted => InvalidReason::InstanceMismatch,
        other => InvalidReason::Other(other.as_str().to_owned()),
    }
}

/// A validation answer as an outcome: `valid` is `Valid` (an expired license under an
/// allow-access policy included, as Keygen says), anything else `Invalid` with its reason.
pub fn validation_outcome(answer: &Validation) -> ValidationOutcome {
    into_validation_outcome(answer.clone(), None)
}

/// [`validation_outcome`] taking the answer, with the instance validated when there was one.
pub fn into_validation_outcome(
    answer: Validation,
    instance: Option<Instance>,
) -> ValidationOutcome {
    let license = answer.data.map(into_license_key);
    if answer.meta.valid {
        ValidationOutcome::valid(license, instance)
    } else {
        ValidationOutcome::invalid(reason(&answer.meta.code), license)
    }
}

/// The token of the page after `page`: a number for offset pages, a cursor for cursor pages.
pub fn next_page<T>(page: &ListPage<T>) -> Option<PageToken> {
    page.next_page_number()
        .map(PageToken::Number)
        .or_else(|| page.next_cursor().map(PageToken::Cursor))
}
