//! DevPayr's models mapped into the neutral ones: pure functions, no I/O.

use chrono::{DateTime, SecondsFormat, Utc};
use devpayr::models::{Denial, DenialReason, License, LicenseState};
use license_core::{InvalidReason, LicenseKey, LicenseStatus, Provider};
use serde_json::{Map, Value, json};

use crate::adapters::common::count_u64;

/// A DevPayr license state as a neutral status: `active`, `revoked` and `expired` map one to
/// one; any other value is read with [`LicenseStatus::parse`] (unknown words stay
/// [`LicenseStatus::Other`]).
pub fn devpayr_status(state: &LicenseState) -> LicenseStatus {
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
/// activation count or license metadata: those stay empty. `raw` is the record's JSON rebuilt from
/// the decoded fields plus every unknown field (the client does not keep the body): it holds the
/// key.
pub fn devpayr_license_key(license: &License, now: DateTime<Utc>) -> LicenseKey {
    let status = license.state(now).map_or_else(
        || LicenseStatus::Other("unknown".into()),
        |s| devpayr_status(&s),
    );
    let mut out = LicenseKey::new(Provider::DevPayr, license.id.to_string(), status);
    out.key = Some(license.uuid.clone());
    out.product.id = license.project_id.map(|p| p.to_string());
    out.activation_limit = license.max_domains.and_then(count_u64);
    out.expires_at = license.expires_at;
    out.created_at = license.created_at;
    out.updated_at = license.updated_at;
    out.test_mode = license.is_test_license;
    out.raw = devpayr_license_json(license);
    out
}

/// DevPayr's timestamp style: microseconds and `Z` (`2025-12-13T12:57:24.000000Z`).
fn time(at: Option<&DateTime<Utc>>) -> Value {
    at.map_or(Value::Null, |at| {
        Value::String(at.to_rfc3339_opts(SecondsFormat::Micros, true))
    })
}

/// Lists as DevPayr sends them: a comma-separated string.
fn list(items: Option<&Vec<String>>) -> Value {
    items.map_or(Value::Null, |items| Value::String(items.join(", ")))
}

/// The JSON of a license record, rebuilt: the known fields, then every other field as sent.
fn devpayr_license_json(license: &License) -> Value {
    let mut map = Map::new();
    map.insert("id".into(), json!(license.id));
    map.insert("uuid".into(), json!(license.uuid.expose()));
    map.insert("project_id".into(), json!(license.project_id));
    map.insert("domain_id".into(), json!(license.domain_id));
    map.insert("title".into(), json!(license.title));
    map.insert("expires_at".into(), time(license.expires_at.as_ref()));
    map.insert("max_domains".into(), json!(license.max_domains));
    map.insert(
        "max_subdomains_per_domain".into(),
        json!(license.max_subdomains_per_domain),
    );
    map.insert("max_usage_per_day".into(), json!(license.max_usage_per_day));
    map.insert("allowed_ips".into(), list(license.allowed_ips.as_ref()));
    map.insert(
        "allowed_countries".into(),
        list(license.allowed_countries.as_ref()),
    );
    map.insert("is_test_license".into(), json!(license.is_test_license));
    map.insert("allow_configs".into(), json!(license.allow_configs));
    if let Some(status) = &license.status {
        map.insert("status".into(), json!(status.as_str()));
    }
    map.insert("created_at".into(), time(license.created_at.as_ref()));
    map.insert("updated_at".into(), time(license.updated_at.as_ref()));
    for (name, value) in &license.extra {
        map.entry(name.clone()).or_insert_with(|| value.clone());
    }
    Value::Object(map)
}

/// Why DevPayr refused a license at runtime, as a neutral reason: revoked (or inactive) →
/// `Revoked`, expired → `Expired`, unknown or missing key → `NotFound`, a domain cap reached →
/// `LimitReached`, any other domain refusal → `InstanceMismatch` (the domain is DevPayr's
/// instance); IP, country, daily usage and environment refusals are `Other` with DevPayr's words.
pub fn devpayr_denial_reason(denial: &Denial) -> InvalidReason {
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
