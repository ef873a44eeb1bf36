//! DevPayr's models mapped into the neutral ones: pure functions, no I/O.

use chrono::{DateTime, Utc};
use keyward_core::{InvalidReason, LicenseKey, LicenseStatus, Provider};
use keyward_devpayr::models::{Denial, DenialReason, License, LicenseState};

use crate::adapters::common::count_u64;

/// A DevPayr license state as a neutral status: `active`, `revoked` and `expired` map one to
/// one; any other value is read with [`LicenseStatus::parse`] (unknown words stay
/// [`LicenseStatus::Other`]).
pub fn status(state: &LicenseState) -> LicenseStatus {
    match state {
        LicenseState::Active => LicenseStatus::Active,
        LicenseState::Revoked => LicenseStatus::Revoked,
        LicenseState::Expired => LicenseStatus::Expired,
        other => LicenseStatus::parse(other.as_str()),
    }
}

/// A DevPayr license record as a neutral [`LicenseKey`], its state read at `now`
/// ([`License::state`]: expired once `expires_at` has passed, else the sent state; a record that
/// says nothing is `Other("unknown")`).
///
/// The key is the record's `uuid`, the id its integer `id`, the product the project
/// (`project_id`), the activation limit `max_domains` (DevPayr's cap on domains a license may be
/// used on; `None` = no cap), `test_mode` is `is_test_license`. DevPayr has no customer, purchase,
/// activation count or license metadata: those stay empty. `raw` is the record as DevPayr sent it (it
/// holds the key).
pub fn license(license: &License, now: DateTime<Utc>) -> LicenseKey {
    let neutral = license.state(now).map_or_else(
        || LicenseStatus::Other("unknown".into()),
        |state| status(&state),
    );
    let mut out = LicenseKey::new(Provider::DevPayr, license.id.to_string(), neutral);
    out.key = Some(license.uuid.clone());
    out.product.id = license.project_id.map(|p| p.to_string());
    out.activation_limit = license.max_domains.and_then(count_u64);
    out.expires_at = license.expires_at;
    out.created_at = license.created_at;
    out.updated_at = license.updated_at;
    out.test_mode = license.is_test_license;
    out.raw = license.raw.clone();
    out
}

/// Why DevPayr refused a license at runtime, as a neutral reason: revoked (or inactive) →
/// `Revoked`, expired → `Expired`, unknown or missing key → `NotFound`, a domain cap reached →
/// `LimitReached`, any other domain refusal → `InstanceMismatch` (the domain is DevPayr's
/// instance); IP, country, daily usage and environment refusals are `Other` with DevPayr's words.
pub fn denial_reason(denial: &Denial) -> InvalidReason {
    let words = || {
        denial
            .message
            .clone()
            .unwrap_or_else(|| format!("refused by DevPayr (HTTP {})", denial.status))
    };
    match denial.reason {
        DenialReason::Revoked => InvalidReason::Revoked,
        DenialReason::Expired => InvalidReason::Expired,
        DenialReason::UnknownLicense => InvalidReason::NotFound,
        DenialReason::DomainNotAuthorized => {
            let limit = denial
                .message
                .as_deref()
                .is_some_and(|m| m.to_ascii_lowercase().contains("limit"));
            if limit {
                InvalidReason::LimitReached
            } else {
                InvalidReason::InstanceMismatch
            }
        }
        _ => InvalidReason::Other(words()),
    }
}
