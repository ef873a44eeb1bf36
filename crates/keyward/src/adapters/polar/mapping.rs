//! Pure mappings from Polar's models to the neutral ones.

use ::keyward_polar::Refusal;
use ::keyward_polar::models::{
    Activation, LicenseKey as PolarLicenseKey, LicenseKeyStatus, LicenseKeyWithActivations,
};
use keyward_core::{Instance, InvalidReason, LicenseKey, LicenseStatus, Provider};

use crate::adapters::common::count_i64;

const PROVIDER: Provider = Provider::Polar;

/// A Polar key status as the neutral one: granted is active, revoked and disabled are
/// themselves.
pub fn status(status: &LicenseKeyStatus) -> LicenseStatus {
    match status {
        LicenseKeyStatus::Granted => LicenseStatus::Active,
        LicenseKeyStatus::Revoked => LicenseStatus::Revoked,
        LicenseKeyStatus::Disabled => LicenseStatus::Disabled,
        other => LicenseStatus::Other(other.as_str().to_owned()),
    }
}

/// A Polar key as a neutral license. Polar keys belong to a benefit (what a product grants), so
/// `product.id` is the key's `benefit_id`; `activations` is left unknown (`LicenseKeyRead` does
/// not count them: [`license_with_activations`] does). `raw` is the key as Polar sent it.
pub fn license(key: &PolarLicenseKey) -> LicenseKey {
    let mut license = LicenseKey::new(PROVIDER, key.id.clone(), status(&key.status));
    license.key = Some(key.key.clone());
    license.customer.id = key.customer_id.clone();
    if let Some(customer) = &key.customer {
        license
            .customer
            .id
            .get_or_insert_with(|| customer.id.clone());
        license.customer.name.clone_from(&customer.name);
        license.customer.email.clone_from(&customer.email);
    }
    license.product.id = Some(key.benefit_id.clone());
    license.activation_limit = key.limit_activations.and_then(count_i64);
    license.expires_at = key.expires_at;
    license.created_at = key.created_at;
    license.updated_at = key.modified_at;
    license.raw = key.raw.clone();
    license
}

/// A key with its live activations, the count filled in.
pub fn license_with_activations(key: &LicenseKeyWithActivations) -> LicenseKey {
    let mut license = license(&key.license_key);
    license.activations = u32::try_from(key.activations.len()).ok();
    license
}

/// A Polar activation as a neutral instance: its id is what validate and deactivate take.
pub fn instance(activation: &Activation) -> Instance {
    let mut instance = Instance::new(activation.id.clone());
    instance.name = Some(activation.label.clone());
    instance.license_id = Some(activation.license_key_id.clone());
    instance.created_at = Some(activation.created_at);
    instance.raw = activation.raw.clone();
    instance
}

/// Why Polar refused a key, as the neutral reason. "No longer active" stands for revoked and
/// disabled alike (Polar's detail does not tell them apart): it is `Revoked`, the state a
/// cancelled purchase leaves.
pub fn reason(refusal: &Refusal) -> InvalidReason {
    match refusal {
        Refusal::NotFound => InvalidReason::NotFound,
        Refusal::NoLongerActive => InvalidReason::Revoked,
        Refusal::Expired => InvalidReason::Expired,
        Refusal::ConditionsMismatch => InvalidReason::InstanceMismatch,
        Refusal::BenefitMismatch => InvalidReason::ProductMismatch,
        Refusal::CustomerMismatch => {
            InvalidReason::Other("the key belongs to another customer".into())
        }
        Refusal::UsageLimitReached | Refusal::ActivationLimitReached => InvalidReason::LimitReached,
        Refusal::ActivationsNotSupported => InvalidReason::Other(
            "this key has no activation limit, so Polar only validates it".into(),
        ),
        _ => InvalidReason::Other("refused by Polar".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_map_to_reasons() {
        let table = [
            (Refusal::NotFound, InvalidReason::NotFound),
            (Refusal::NoLongerActive, InvalidReason::Revoked),
            (Refusal::Expired, InvalidReason::Expired),
            (Refusal::ConditionsMismatch, InvalidReason::InstanceMismatch),
            (Refusal::BenefitMismatch, InvalidReason::ProductMismatch),
            (Refusal::ActivationLimitReached, InvalidReason::LimitReached),
        ];
        for (refusal, expected) in table {
            assert_eq!(reason(&refusal), expected);
        }
        assert_eq!(
            status(&LicenseKeyStatus::Other("x".into())),
            LicenseStatus::Other("x".into())
        );
    }
}
