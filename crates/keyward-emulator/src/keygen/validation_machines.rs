//! A validation's machine and fingerprint scopes (`license_validation_service.rb`): the machine
//! the scope names, the fingerprints it gives matched under the policy's machine matching
//! strategy, their owners and heartbeats.

use serde_json::{Map, Value};

use super::matching;
use super::state::{LicenseRecord, MachineRecord, State};
use super::validation::{Context, Verdict};
use super::validation_scope::missing;

/// The machine and fingerprint scopes' verdict (`None`: they pass).
pub(super) fn machine_scopes(
    license: &LicenseRecord,
    scope: &Map<String, Value>,
    context: &Context<'_>,
) -> Option<Verdict> {
    let (machines, now) = (context.machines, context.now);
    let text = |name: &str| scope.get(name).and_then(Value::as_str);
    let dead = |m: &MachineRecord| State::is_dead(license, m, now);
    if let Some(id) = scope.get("machine") {
        if machines.is_empty() {
            return Some(none_activated(license, "machine"));
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
            return Some(none_activated(license, "fingerprint"));
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
    None
}

/// `NO_MACHINE` / `NO_MACHINES` for a `what` scope (`machine` or `fingerprint`) of a license
/// without machines.
fn none_activated(license: &LicenseRecord, what: &'static str) -> Verdict {
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
}
