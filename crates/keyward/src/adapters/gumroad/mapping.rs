//! Pure mappings from Gumroad's models to the neutral ones.

use ::keyward_gumroad::{License, Refusal};
use keyward_core::{InvalidReason, LicenseKey, LicenseStatus, Provider, SecretLicenseKey};

/// A verify answer as a neutral license: its id is the license key's text (Gumroad has no
/// other id for a license), `activations` is Gumroad's `uses`; a void purchase (refunded,
/// charged back, subscription ended or unpaid) is `Revoked`.
pub fn license(answer: &License, key: &SecretLicenseKey) -> LicenseKey {
    let void = answer.purchase.as_ref().is_some_and(|p| p.is_void());
    let status = if void {
        LicenseStatus::Revoked
    } else {
        LicenseStatus::Active
    };
    let mut out = LicenseKey::new(Provider::Gumroad, key.expose().to_owned(), status);
    out.key = Some(key.clone());
    out.activations = u32::try_from(answer.uses).ok();
    if let Some(p) = &answer.purchase {
        out.customer.email.clone_from(&p.email);
        out.product.id.clone_from(&p.product_id);
        out.product.name.clone_from(&p.product_name);
        out.purchase.order_id.clone_from(&p.id);
        out.purchase.subscription_id.clone_from(&p.subscription_id);
        out.created_at = p.created_at;
    }
    out.raw = answer.raw.clone();
    out
}

/// A refusal as the neutral reason (`None` for the 500 asking for `product_id`, which is an
/// error, not an answer).
pub fn reason(refusal: Refusal) -> Option<InvalidReason> {
    match refusal {
        Refusal::NotFound => Some(InvalidReason::NotFound),
        Refusal::Disabled => Some(InvalidReason::Disabled),
        Refusal::AccessExpired => Some(InvalidReason::Revoked),
        _ => None,
    }
}
