//! The validation decision, in the order of checks of Keygen's
//! `app/services/license_validation_service.rb`: a pure function of the license, its machines,
//! the scope and the time.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::answer::{Answer, error};
use super::state::{ExpirationStrategy, LicenseRecord, MachineRecord, State};

/// The 400 of `validations_controller.rb`'s `typed_params` for `meta.scope`: a key it does not
/// permit (`environment` is Keygen EE's), or a value of another type.
pub(crate) fn bad_scope(scope: &Value) -> Option<Answer> {
    let Value::Object(scope) = scope else {
        return None;
    };
    let kind = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "hash",
    };
    for (name, value) in scope {
        let pointer = format!("/meta/scope/{name}");
        let wanted = match (name.as_str(), value) {
            ("user", Value::Null | Value::String(_)) => continue,
            (
                "product" | "policy" | "user" | "machine" | "fingerprint" | "checksum" | "version",
                v,
            ) => {
                if v.is_string() {
                    continue;
                } else {
                    "string"
                }
            }
            ("fingerprints" | "components" | "entitlements", Value::Array(items)) => {
                match items.iter().position(|i| !i.is_string()) {
                    None => continue,
                    Some(i) => {
                        let detail = format!(
                            "type mismatch (received {} expected string)",
                            kind(&items[i])
                        );
                        return Some(error(
                            400,
                            "Bad request",
                            &detail,
                            None,
                            Some(&format!("{pointer}/{i}")),
                        ));
                    }
                }
            }
            ("fingerprints" | "components" | "entitlements", _) => "array",
            _ => {
                return Some(error(
                    400,
                    "Bad request",
                    "unpermitted parameter",
                    None,
                    Some(&pointer),
                ));
            }
        };
        let detail = format!("type mismatch (received {} expected {wanted})", kind(value));
        return Some(error(400, "Bad request", &detail, None, Some(&pointer)));
    }
    None
}

/// `(valid, detail, code)` as Keygen's service returns them.
pub(crate) type Verdict = (bool, &'static str, &'static str);

/// Validates `license` (`None`: not found) against `scope` (`meta.scope`, `Null` when absent).
pub(crate) fn validate(
    license: Option<&LicenseRecord>,
    machines: &[&MachineRecord],
    scope: &Value,
    now: DateTime<Utc>,
) -> Verdict {
    let Some(license) = license else {
        return (false, "does not exist", "NOT_FOUND");
    };
    let expired = license.expiry.is_some_and(|e| e < now);
    if license.suspended {
        return (false, "is suspended", "SUSPENDED");
    }
    if expired && license.expiration_strategy == ExpirationStrategy::RevokeAccess {
        return (false, "is expired", "EXPIRED");
    }
    if let Some(verdict) = scoped(license, machines, scope, now) {
        return verdict;
    }
    let count = machines.len() as u64;
    if license.strict {
        if !license.floating && count == 0 {
            return (
                false,
                "must have exactly 1 associated machine",
                "NO_MACHINE",
            );
        }
        let limit = license.max_machines.or((!license.floating).then_some(1));
        if license.floating && count == 0 {
            return (
                false,
                "must have at least 1 associated machine",
                "NO_MACHINES",
            );
        }
        if limit.is_some_and(|limit| count > limit && count > 1) {
            return (
                false,
                "has too many associated machines",
                "TOO_MANY_MACHINES",
            );
        }
    }
    if expired {
        let allowed = license.expiration_strategy == ExpirationStrategy::AllowAccess;
        return (allowed, "is expired", "EXPIRED");
    }
    (true, "is valid", "VALID")
}

/// The scope checks: product, policy, entitlements, machine, fingerprint(s), components,
/// checksum, version (the emulator publishes no releases: any checksum or version mismatches).
fn scoped(
    license: &LicenseRecord,
    machines: &[&MachineRecord],
    scope: &Value,
    now: DateTime<Utc>,
) -> Option<Verdict> {
    let Value::Object(scope) = scope else {
        return None;
    };
    let text = |name: &str| scope.get(name).and_then(Value::as_str);
    if text("product").is_some_and(|p| p != license.product_id) {
        return Some((
            false,
            "product scope does not match",
            "PRODUCT_SCOPE_MISMATCH",
        ));
    }
    if text("policy").is_some_and(|p| p != license.policy_id) {
        return Some((
            false,
            "policy scope does not match",
            "POLICY_SCOPE_MISMATCH",
        ));
    }
    if let Some(wanted) = scope.get("entitlements") {
        let wanted: Vec<&str> = wanted
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if wanted.is_empty() {
            return Some((
                false,
                "entitlements scope is empty",
                "ENTITLEMENTS_SCOPE_EMPTY",
            ));
        }
        if !wanted
            .iter()
            .all(|w| license.entitlements.iter().any(|e| e == w))
        {
            return Some((
                false,
                "is missing one or more required entitlements",
                "ENTITLEMENTS_MISSING",
            ));
        }
    }
    let none_activated = |what: &'static str| -> Verdict {
        match (license.floating, what) {
            (false, "machine") => (
                false,
                "machine is not activated (has no associated machine)",
                "NO_MACHINE",
            ),
            (true, "machine") => (
                false,
                "machine is not activated (has no associated machines)",
                "NO_MACHINES",
            ),
            (false, _) => (
                false,
                "fingerprint is not activated (has no associated machine)",
                "NO_MACHINE",
            ),
            (true, _) => (
                false,
                "fingerprint is not activated (has no associated machines)",
                "NO_MACHINES",
            ),
        }
    };
    let dead = |m: &MachineRecord| State::is_dead(license, m, now);
    if let Some(id) = scope.get("machine") {
        if machines.is_empty() {
            return Some(none_activated("machine"));
        }
        let Some(machine) = machines.iter().find(|m| Some(m.id.as_str()) == id.as_str()) else {
            return Some((
                false,
                "machine is not activated (does not match any associated machines)",
                "MACHINE_SCOPE_MISMATCH",
            ));
        };
        if license.require_heartbeat && machine.last_heartbeat.is_none() && !dead(machine) {
            return Some((
                false,
                "machine heartbeat is required",
                "HEARTBEAT_NOT_STARTED",
            ));
        }
        if dead(machine) {
            return Some((false, "machine heartbeat is dead", "HEARTBEAT_DEAD"));
        }
    }
    if scope.contains_key("fingerprint") || scope.contains_key("fingerprints") {
        let mut fingerprints: Vec<&str> =
            match (scope.get("fingerprint"), scope.get("fingerprints")) {
                (Some(Value::String(f)), _) => vec![f.as_str()],
                (_, Some(Value::Array(list))) => list.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
        fingerprints.dedup();
        if fingerprints.is_empty() {
            return Some((
                false,
                "fingerprint scope is empty",
                "FINGERPRINT_SCOPE_EMPTY",
            ));
        }
        if machines.is_empty() {
            return Some(none_activated("fingerprint"));
        }
        let matching: Vec<&&MachineRecord> = machines
            .iter()
            .filter(|m| fingerprints.contains(&m.fingerprint.as_str()))
            .collect();
        if !matching.is_empty()
            && matching.iter().all(|m| dead(m))
            && matching.len() == fingerprints.len()
        {
            return Some((false, "machine heartbeat is dead", "HEARTBEAT_DEAD"));
        }
        let alive: Vec<&&&MachineRecord> = matching.iter().filter(|m| !dead(m)).collect();
        if alive.is_empty() {
            let detail = if fingerprints.len() > 1 {
                "one or more fingerprint is not activated (does not match any associated machines)"
            } else {
                "fingerprint is not activated (does not match any associated machines)"
            };
            return Some((false, detail, "FINGERPRINT_SCOPE_MISMATCH"));
        }
        if license.require_heartbeat && alive.iter().any(|m| m.last_heartbeat.is_none()) {
            return Some((
                false,
                "machine heartbeat is required",
                "HEARTBEAT_NOT_STARTED",
            ));
        }
    }
    if scope.contains_key("checksum") {
        return Some((
            false,
            "checksum scope is not valid (does not match any accessible artifacts)",
            "CHECKSUM_SCOPE_MISMATCH",
        ));
    }
    if scope.contains_key("version") {
        return Some((
            false,
            "version scope is not valid (does not match any accessible releases)",
            "VERSION_SCOPE_MISMATCH",
        ));
    }
    None
}
