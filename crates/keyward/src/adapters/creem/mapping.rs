//! Pure mappings from Creem's models to the neutral ones.

use ::keyward_creem::Refusal;
use ::keyward_creem::models::{
    EnvironmentMode, InstanceStatus, License, LicenseInstance, LicenseStatus as CreemStatus,
};
use keyward_core::{Instance, InvalidReason, LicenseKey, LicenseStatus, Provider};

/// A Creem license status as the neutral one.
pub fn status(status: &CreemStatus) -> LicenseStatus {
    match status {
        CreemStatus::Active => LicenseStatus::Active,
        CreemStatus::Inactive => LicenseStatus::Inactive,
        CreemStatus::Expired => LicenseStatus::Expired,
        CreemStatus::Disabled => LicenseStatus::Disabled,
        other => LicenseStatus::Other(other.as_str().to_owned()),
    }
}

/// A Creem license as a neutral license; `raw` is the answer as Creem sent it.
pub fn license(license: &License) -> LicenseKey {
    let mut out = LicenseKey::new(Provider::Creem, license.id.clone(), status(&license.status));
    out.key = Some(license.key.clone());
    out.product.id.clone_from(&license.product_id);
    out.activation_limit = license.activation_limit.and_then(|n| u32::try_from(n).ok());
    out.activations = u32::try_from(license.activation).ok();
    out.expires_at = license.expires_at;
    out.created_at = license.created_at;
    out.test_mode = license.mode.as_ref().map(|m| *m != EnvironmentMode::Prod);
    out.raw = license.raw.clone();
    out
}

/// A Creem instance as a neutral one (of license `license_id`).
pub fn instance(instance: &LicenseInstance, license_id: &str) -> Instance {
    let mut out = Instance::new(instance.id.clone());
    out.name.clone_from(&instance.name);
    out.license_id = Some(license_id.to_owned());
    out.created_at = instance.created_at;
    out
}

/// Whether an instance is deactivated.
pub fn is_deactivated(instance: &LicenseInstance) -> bool {
    instance.status == Some(InstanceStatus::Deactivated)
}

/// A refusal as the neutral reason. Creem's "revoked or expired" (410) cannot tell the two
/// apart: it is `Revoked`.
pub fn reason(refusal: Refusal) -> InvalidReason {
    match refusal {
        Refusal::NotFound => InvalidReason::NotFound,
        Refusal::ActivationLimitReached => InvalidReason::LimitReached,
        Refusal::AlreadyDeactivated => InvalidReason::InstanceMismatch,
        Refusal::RevokedOrExpired => InvalidReason::Revoked,
        _ => InvalidReason::Other("refused by Creem".into()),
    }
}
