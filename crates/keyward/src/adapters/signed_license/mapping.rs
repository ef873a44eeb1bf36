//! Pure mappings from GetKeyManager's signed payloads to the neutral models.
//!
//! They take the JSON of a **verified** payload (`Reply::verified().value()`); never feed them
//! the unsigned `response` copy of an envelope outside tests.

use ::keyward_signed_license::ResponseCode;
use ::keyward_signed_license::models::{
    LicenseDetails, LicenseKeyRecord, LicenseKeyStatus, MetaEntry,
};
use chrono::{DateTime, Days, Utc};
use keyward_core::de::parse_timestamp;
use keyward_core::{InvalidReason, LicenseKey, LicenseStatus, Provider};
use serde_json::{Map, Value};

use super::super::common::count_u64;

const PROVIDER: Provider = Provider::SignedLicense;

/// A license key as `get-license-keys` (730) lists it.
///
/// `activation_limit` 0 is unlimited (`None`); `expires_at` is `assigned_at` + `validity` days
/// when both are known (validity 0 = never; an unassigned key has not started its validity and
/// has no expiry yet); `meta_data` entries become `metadata` `{key: value}`, each value of the
/// JSON type it was sent as; `raw` is the record's part of the verified payload.
pub fn license(record: &LicenseKeyRecord) -> LicenseKey {
    let mut license = LicenseKey::new(PROVIDER, record.id.to_string(), status(&record.status));
    license.key = Some(record.license_key.clone());
    license.customer.name = record.owner_name.clone();
    license.customer.email = record.owner_email.clone();
    license.product.id = record.product_id.map(|id| id.to_string());
    license.activation_limit = activation_limit(record.activation_limit);
    license.expires_at = expiry(record.assigned_at.as_deref(), record.validity);
    license.created_at = record.created_at.as_deref().and_then(parse_timestamp);
    license.updated_at = record.updated_at.as_deref().and_then(parse_timestamp);
    license.metadata = metadata(&record.raw.at("/meta_data").to_value());
    license.raw = record.raw.clone();
    license
}

/// The answer of `get-license-key-details` (500: "Active license key found"): `licenseKey` and
/// `product`. Its status is `Active` (that is what 500 says); `raw` is the verified payload.
pub fn license_from_details(details: &LicenseDetails) -> LicenseKey {
    let info = &details.license_key;
    let mut license = LicenseKey::new(PROVIDER, info.id.to_string(), LicenseStatus::Active);
    license.key = Some(info.license_key.clone());
    license.customer.name = info.owner_name.clone();
    license.customer.email = info.owner_email.clone();
    license.product.id = Some(details.product.id.to_string());
    license.product.name = Some(details.product.name.clone()).filter(|n| !n.is_empty());
    license.activation_limit = activation_limit(info.activation_limit);
    license.expires_at = match info.expires_at.as_deref() {
        Some(text) => parse_timestamp(text),
        None => expiry(info.assigned_at.as_deref(), info.validity),
    };
    license.metadata = entries_value(&info.meta_data);
    license.raw = details.raw.clone();
    license
}

/// A GetKeyManager key status in neutral terms: `available` is issued but not in use
/// (`Inactive`), `assigned` is sold to an owner (`Active`), `blocked` is `Disabled`; anything
/// else (`reserved`) is kept as `Other`.
pub fn status(status: &LicenseKeyStatus) -> LicenseStatus {
    match status {
        LicenseKeyStatus::Available => LicenseStatus::Inactive,
        LicenseKeyStatus::Assigned => LicenseStatus::Active,
        LicenseKeyStatus::Blocked => LicenseStatus::Disabled,
        other => LicenseStatus::Other(other.as_str().to_owned()),
    }
}

/// The GetKeyManager statuses a neutral status matches (for filtering a listing).
pub fn status_matches(wanted: &LicenseStatus, actual: &LicenseKeyStatus) -> bool {
    status(actual) == *wanted
}

/// Why a refusal code refuses a license, in neutral terms; the server's message is kept for the
/// codes no neutral reason fits.
pub fn reason(code: ResponseCode, message: &str) -> InvalidReason {
    match code {
        ResponseCode::InvalidLicenseKey
        | ResponseCode::LicenseKeyNotFound
        | ResponseCode::LicenseKeyNotFoundOnDelete
        | ResponseCode::LicenseKeyNotFoundOnUpdate => InvalidReason::NotFound,
        ResponseCode::LicenseKeyExpired => InvalidReason::Expired,
        ResponseCode::LicenseKeyBlocked => InvalidReason::Disabled,
        // The seller took the key back (or never handed it out): an authoritative "not valid".
        ResponseCode::LicenseKeyNotAssigned => InvalidReason::Revoked,
        ResponseCode::ActivationLimitReached => InvalidReason::LimitReached,
        ResponseCode::NoActivation | ResponseCode::LicenseKeyAlreadyInactive => {
            InvalidReason::InstanceMismatch
        }
        _ => InvalidReason::Other(if message.is_empty() {
            format!("refused with code {code}")
        } else {
            message.to_owned()
        }),
    }
}

fn activation_limit(limit: Option<u64>) -> Option<u32> {
    match limit {
        None | Some(0) => None,
        Some(n) => count_u64(n),
    }
}

fn expiry(assigned_at: Option<&str>, validity_days: Option<u64>) -> Option<DateTime<Utc>> {
    let days = validity_days.filter(|d| *d > 0)?;
    let start = parse_timestamp(assigned_at?)?;
    start.checked_add_days(Days::new(days))
}

/// `meta_data` as listed; a shape other than a list of entries is no metadata.
fn metadata(meta_data: &Value) -> Value {
    let entries: Vec<MetaEntry> = serde_json::from_value(meta_data.clone()).unwrap_or_default();
    entries_value(&entries)
}

fn entries_value(entries: &[MetaEntry]) -> Value {
    if entries.is_empty() {
        return Value::Null;
    }
    let map: Map<String, Value> = entries
        .iter()
        .map(|e| (e.key.clone(), e.json.clone()))
        .collect();
    Value::Object(map)
}
