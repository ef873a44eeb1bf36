//! Pure mappings from Gumroad's models to the neutral ones.

use ::keyward_gumroad::{License, Refusal};
use keyward_core::{InvalidReason, LicenseKey, LicenseStatus, Provider, SecretLicenseKey};

/// A verify answer as a neutral license, or `None` when the answer names neither a purchase nor
/// an imported customer. Its id is the purchase's id (the imported customer's for imported keys):
/// Gumroad addresses a license only by its key, which is a secret and never an id. `activations`
/// is Gumroad's `uses`; a void purchase (refunded, charged back, subscription ended or unpaid) is
/// `Revoked`.
pub fn license(answer: &License, key: &SecretLicenseKey) -> Option<LicenseKey> {
    let id = match &answer.purchase {
        Some(purchase) => purchase.id.clone(),
        None => answer
            .imported_customer
            .as_ref()
            .and_then(|customer| customer.get("id"))
            .and_then(|id| id.as_str())
            .map(str::to_owned),
    }?;
    let mut out = LicenseKey::new(Provider::Gumroad, id, status(answer));
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
    Some(out)
}

/// `Revoked` for a void purchase, else `Active` (a disabled key does not verify at all).
pub fn status(answer: &License) -> LicenseStatus {
    if answer.purchase.as_ref().is_some_and(|p| p.is_void()) {
        LicenseStatus::Revoked
    } else {
        LicenseStatus::Active
    }
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
