//! The validation decision, in the order of checks of Keygen's
//! `app/services/license_validation_service.rb`: a pure function of the license, its machines,
//! the scope and the time.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::releases::Published;
use super::state::{ExpirationStrategy, LicenseRecord, MachineRecord, State};
use super::{limits, matching};

/// `(valid, detail, code)` as Keygen's service returns them.
pub(crate) type Verdict = (bool, &'static str, &'static str);

/// What a validation reads besides the license: its machines, the releases its scope reaches
/// and the time.
pub(crate) struct Context<'a> {
    pub(crate) machines: &'a [&'a MachineRecord],
    pub(crate) published: &'a Published,
    pub(crate) now: DateTime<Utc>,
}

/// Validates `license` (`None`: not found; `banned`: its owner is) against `scope`
/// (`meta.scope`, `Null` when absent; `None` for the quick validation, which checks no scope).
/// `touched` gets the version the scope matched (the service's `last_validated_version` touch).
pub(crate) fn validate(
    license: Option<&LicenseRecord>,
    banned: bool,
    scope: Option<&Value>,
    context: &Context<'_>,
    touched: &mut Option<String>,
) -> Verdict {
    let (machines, now) = (context.machines, context.now);
    let Some(license) = license else {
        return (false, "does not exist", "NOT_FOUND");
    };
    if banned {
        return (false, "is banned", "BANNED");
    }
    let expired = license.expiry.is_some_and(|e| e < now);
    if license.suspended {
        return (false, "is suspended", "SUSPENDED");
    }
    if expired && license.expiration_strategy == ExpirationStrategy::RevokeAccess {
        return (false, "is expired", "EXPIRED");
    }
    if license.next_check_in().is_some_and(|due| due < now) {
        return (false, "is overdue for check in", "OVERDUE");
    }
    let empty = serde_json::Map::new();
    let scope = scope.map(|s| s.as_object().unwrap_or(&empty));
    if let Some(verdict) = scope.and_then(|scope| scoped(license, scope, context, touched)) {
        return verdict;
    }
    // `license.users_count`: its license users and its owner.
    let users = license.user_ids.len() as u64 + u64::from(license.owner_id.is_some());
    if let Some(limit) = license.max_users.filter(|limit| users > *limit) {
        let allowed = license.overage.allows(users, limit);
        return (allowed, "has too many associated users", "TOO_MANY_USERS");
    }
    if let Some(verdict) = license
        .strict
        .then(|| limits::strict(license, machines, scope, now))
        .flatten()
    {
        return verdict;
    }
    if expired {
        let allowed = matches!(
            license.expiration_strategy,
            ExpirationStrategy::AllowAccess | ExpirationStrategy::MaintainAccess
        );
        return (allowed, "is expired", "EXPIRED");
    }
    (true, "is valid", "VALID")
}

/// The scope checks: product, policy, entitlements, machine, fingerprint(s), components,
/// checksum, version (of the releases the license may access).
/// `<name> scope is required` when the policy requires scope `name` and `scope` lacks it.
pub(crate) fn missing(
    license: &LicenseRecord,
    scope: &Map<String, Value>,
    name: &str,
) -> Option<Verdict> {
    if scope.contains_key(name) || !license.required_scopes.iter().any(|s| s == name) {
        return None;
    }
    let (detail, code) = match name {
        "environment" => (
            "environment scope is required",
            "ENVIRONMENT_SCOPE_REQUIRED",
        ),
        "product" => ("product scope is required", "PRODUCT_SCOPE_REQUIRED"),
        "policy" => ("policy scope is required", "POLICY_SCOPE_REQUIRED"),
        "user" => ("user scope is required", "USER_SCOPE_REQUIRED"),
        "machine" => ("machine scope is required", "MACHINE_SCOPE_REQUIRED"),
        "fingerprint" => (
            "fingerprint scope is required",
            "FINGERPRINT_SCOPE_REQUIRED",
        ),
        "components" => ("components scope is required", "COMPONENTS_SCOPE_REQUIRED"),
        "checksum" => ("checksum scope is required", "CHECKSUM_SCOPE_REQUIRED"),
        "version" => ("version scope is required", "VERSION_SCOPE_REQUIRED"),
        _ => return None,
    };
    Some((false, detail, code))
}

fn scoped(
    license: &LicenseRecord,
    scope: &Map<String, Value>,
    context: &Context<'_>,
    touched: &mut Option<String>,
) -> Option<Verdict> {
    let (machines, now) = (context.machines, context.now);
    let text = |name: &str| scope.get(name).and_then(Value::as_str);
    // Keygen EE's environment scope: the license's environment (its id or code; the caller
    // reads a code as the id).
    if let Some(verdict) = missing(license, scope, "environment") {
        return Some(verdict);
    }
    if scope
        .get("environment")
        .is_some_and(|wanted| wanted.as_str() != license.environment_id.as_deref())
    {
        return Some((
            false,
            "environment scope does not match",
            "ENVIRONMENT_SCOPE_MISMATCH",
        ));
    }
    for name in ["product", "policy", "user"] {
        if let Some(verdict) = missing(license, scope, name) {
            return Some(verdict);
        }
        if name == "product" && text("product").is_some_and(|p| p != license.product_id) {
            return Some((
                false,
                "product scope does not match",
                "PRODUCT_SCOPE_MISMATCH",
            ));
        }
        if name == "policy" && text("policy").is_some_and(|p| p != license.policy_id) {
            return Some((
                false,
                "policy scope does not match",
                "POLICY_SCOPE_MISMATCH",
            ));
        }
        // The owner or one of the license's users (by id: the caller reads an email as its id).
        let user = scope.get("user").map(Value::as_str);
        let licensed = |user: Option<&str>| {
            license.owner_id.as_deref() == user
                || user.is_some_and(|u| license.user_ids.iter().any(|id| id == u))
        };
        if name == "user" && user.is_some_and(|user| !licensed(user)) {
            return Some((false, "user scope does not match", "USER_SCOPE_MISMATCH"));
        }
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
        if let (Some(user), Some(owner)) = (text("user"), machine.owner_id.as_deref())
            && user != owner
        {
            return Some((
                false,
                "user scope does not match (does not match associated machine owner)",
                "USER_SCOPE_MISMATCH",
            ));
        }
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
    if let Some(verdict) = missing(license, scope, "machine") {
        return Some(verdict);
    }
    if !scope.contains_key("fingerprints")
        && let Some(verdict) = missing(license, scope, "fingerprint")
    {
        return Some(verdict);
    }
    if scope.contains_key("fingerprint") || scope.contains_key("fingerprints") {
        let mut fingerprints: Vec<&str> =
            match (scope.get("fingerprint"), scope.get("fingerprints")) {
                (Some(Value::String(f)), _) => vec![f.as_str()],
                (_, Some(Value::Array(list))) => list.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
        fingerprints.sort_unstable();
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
        if let Some(detail) =
            matching::too_few(license.machine_matching, fingerprints.len(), alive.len())
        {
            return Some((false, detail, "FINGERPRINT_SCOPE_MISMATCH"));
        }
        if let Some(user) = text("user")
            && alive
                .iter()
                .any(|m| m.owner_id.as_deref().is_some_and(|o| o != user))
        {
            return Some((
                false,
                "user scope does not match (does not match associated machine owners)",
                "USER_SCOPE_MISMATCH",
            ));
        }
        if license.require_heartbeat && alive.iter().any(|m| m.last_heartbeat.is_none()) {
            return Some((
                false,
                "machine heartbeat is required",
                "HEARTBEAT_NOT_STARTED",
            ));
        }
    }
    if let Some(verdict) = missing(license, scope, "components") {
        return Some(verdict);
    }
    if let Some(verdict) = matching::components(license, machines, scope) {
        return Some(verdict);
    }
    super::releases::scopes(license, scope, context.published, touched)
}
