//! The filters of `GET /licenses` and `GET /machines`: the `has_scope`s of Keygen's
//! `licenses_controller.rb` and `machines_controller.rb`, each doing what the scope of
//! `license.rb` / `machine.rb` it calls does. The time-based ones (`expires`, `expired`,
//! `activity`, …) read their parameters with [`filter_time`](super::filter_time).

use std::collections::HashMap;

use super::auth::Caller;
use super::filter_metadata::metadata_matches;
use super::filter_time::{Range, cast_bool, instant, window};
use super::state::{LicenseRecord, MachineRecord, State};
use chrono::{DateTime, Duration, Utc};

/// The query of a list request: `name → value`, as sent.
pub(crate) type Query = HashMap<String, String>;

/// Whether `license` passes every filter of `query` (`licenses_controller.rb`).
pub(crate) fn license_matches(state: &State, license: &LicenseRecord, query: &Query) -> bool {
    let now = state.now();
    let machines = state.machines_of(&license.id).len();
    let scope = |name: &str| given(query, name);
    // A boolean scope (`suspended=true`): whether it asks for `true`.
    let wants = |name: &str| scope(name).map(|v| cast_bool(v) == Some(true));
    // The emulator's licenses have no group: a filter by one matches none (`for_group`).
    if scope("group").is_some() {
        return false;
    }
    // `assigned`: an owner or a license user.
    let assigned = license.owner_id.is_some() || !license.user_ids.is_empty();
    let is =
        |id: &Option<String>, who: &str| id.as_deref().is_some_and(|id| state.user_is(id, who));
    wants("assigned").is_none_or(|w| w == assigned)
        && wants("unassigned").is_none_or(|w| w != assigned)
        // `for_owner`, `for_user` (the owner or a license user), by id or email.
        && scope("owner").is_none_or(|o| is(&license.owner_id, o))
        && scope("user").is_none_or(|u| {
            is(&license.owner_id, u) || license.user_ids.iter().any(|id| state.user_is(id, u))
        })
        && metadata_matches(&license.metadata, query)
        && scope("product").is_none_or(|p| p == license.product_id)
        && scope("policy").is_none_or(|p| p == license.policy_id)
        && scope("machine").is_none_or(|m| {
            state
                .machines_of(&license.id)
                .iter()
                .any(|machine| machine.id == m)
        })
        && scope("status").is_none_or(|s| with_status(license, state.banned(license), s, now))
        && hash(query, "expires").is_none_or(|h| expires(license.expiry, &h, now))
        && hash(query, "activity").is_none_or(|h| activity(license, &h, now))
        && wants("suspended").is_none_or(|w| w == license.suspended)
        && wants("expiring").is_none_or(|w| w == expiring(license.expiry, now))
        && expired_scope(license.expiry, query, now)
        && wants("activated").is_none_or(|w| w == (machines >= 1))
        && hash(query, "activations").is_none_or(|h| activations(machines, &h))
}

/// Whether `machine` passes every filter of `query` (`machines_controller.rb`).
pub(crate) fn machine_matches(state: &State, machine: &MachineRecord, query: &Query) -> bool {
    let scope = |name: &str| given(query, name);
    let license = state.license(&machine.license_id);
    // No machine has a group (`for_group`).
    if scope("group").is_some() {
        return false;
    }
    let is = |id: Option<&str>, who: &str| id.is_some_and(|id| state.user_is(id, who));
    // `for_owner`; `for_user`: the machines of the licenses the user owns or uses.
    scope("owner").is_none_or(|o| is(machine.owner_id.as_deref(), o))
        && scope("user").is_none_or(|u| {
            license.is_some_and(|l| {
                is(l.owner_id.as_deref(), u) || l.user_ids.iter().any(|id| state.user_is(id, u))
            })
        })
        && metadata_matches(&machine.metadata, query)
        && scope("fingerprint").is_none_or(|f| f == machine.fingerprint)
        // `for_license`: `where license: id`, so a license's key matches none (`key=` does).
        && scope("license").is_none_or(|l| l == machine.license_id)
        && scope("ip").is_none_or(|ip| machine.ip.as_deref() == Some(ip))
        && scope("hostname").is_none_or(|h| machine.hostname.as_deref() == Some(h))
        && scope("status").is_none_or(|s| {
            let dead = license.is_some_and(|l| State::is_dead(l, machine, state.now()));
            match s.to_uppercase().as_str() {
                "ALIVE" => !dead,
                "DEAD" => dead,
                _ => false,
            }
        })
        && scope("product").is_none_or(|p| license.is_some_and(|l| l.product_id == p))
        && scope("policy").is_none_or(|p| license.is_some_and(|l| l.policy_id == p))
        && scope("key").is_none_or(|k| license.is_some_and(|l| l.key == k))
}

/// The query a caller's list is filtered by: for a user (role `user`), without `user=`, which
/// Keygen's own scope for it replaces (`for_user` is a `from(…)` subquery, and the policy's
/// `for_user(bearer)` is applied after the filter's, so the last `from` wins).
pub(crate) fn caller_query(caller: &Caller, mut query: Query) -> Query {
    if let Caller::User(user) = caller
        && !user.role.sees_all()
    {
        query.remove("user");
    }
    query
}

/// A scope's value: `has_scope` skips a blank one.
fn given<'q>(query: &'q Query, name: &str) -> Option<&'q str> {
    query
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
}

/// A `type: :hash` scope (`expires[within]=…`): its keys, or `None` when none was sent.
fn hash(query: &Query, name: &str) -> Option<HashMap<String, String>> {
    let prefix = format!("{name}[");
    let map: HashMap<String, String> = query
        .iter()
        .filter_map(|(k, v)| {
            let key = k.strip_prefix(&prefix)?.strip_suffix(']')?;
            Some((key.to_owned(), v.clone()))
        })
        .collect();
    (!map.is_empty()).then_some(map)
}

/// The first of `names` given a non-blank value (Ruby's `present?`), with it.
fn first<'h>(
    hash: &'h HashMap<String, String>,
    names: &[&'static str],
) -> Option<(&'static str, &'h str)> {
    names.iter().find_map(|n| {
        let value = hash.get(*n).map(String::as_str)?;
        (!value.trim().is_empty()).then_some((*n, value))
    })
}

/// `license.rb`'s `status`: the first of `BANNED` (its owner is), `SUSPENDED`, `EXPIRED`,
/// `EXPIRING`, `INACTIVE` (no activity in 90 days), else `ACTIVE`.
pub(crate) fn license_status(
    license: &LicenseRecord,
    banned: bool,
    now: DateTime<Utc>,
) -> &'static str {
    if banned {
        "BANNED"
    } else if license.suspended {
        "SUSPENDED"
    } else if license.expiry.is_some_and(|e| e < now) {
        "EXPIRED"
    } else if expiring(license.expiry, now) {
        "EXPIRING"
    } else if !active(license, now - Duration::days(90)) {
        "INACTIVE"
    } else {
        "ACTIVE"
    }
}

/// `license.rb`'s `with_status` (`BANNED`: its owner is).
fn with_status(license: &LicenseRecord, banned: bool, status: &str, now: DateTime<Utc>) -> bool {
    let ninety_days_ago = now - Duration::days(90);
    match status.to_uppercase().as_str() {
        "BANNED" => banned,
        "SUSPENDED" => license.suspended,
        "EXPIRED" => license.expiry.is_some_and(|e| e < now),
        "EXPIRING" => expiring(license.expiry, now),
        "INACTIVE" => !active(license, ninety_days_ago),
        "ACTIVE" => active(license, ninety_days_ago),
        _ => false,
    }
}

/// `license.rb`'s `active(start)`: created since, or validated, checked out or checked in
/// since. (`inactive(start)` is exactly the others.)
pub(crate) fn active(license: &LicenseRecord, start: DateTime<Utc>) -> bool {
    license.created >= start
        || [
            license.last_validated,
            license.last_check_out,
            license.last_check_in,
        ]
        .iter()
        .flatten()
        .any(|t| *t >= start)
}

/// `license.rb`'s `expiring`: expires within the next 3 days.
fn expiring(expiry: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expiry.is_some_and(|e| e > now && e < now + Duration::days(3))
}

/// `license.rb`'s `expires(within:, in:, before:, after:, on:)` (the first given).
fn expires(
    expiry: Option<DateTime<Utc>>,
    hash: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> bool {
    let Some(expiry) = expiry else { return false };
    let range = match first(hash, &["within", "in", "before", "after", "on"]) {
        Some(("within" | "in", value)) => window(value).map(|d| Range::new(now, d.after(now))),
        Some(("before", value)) => instant(value).map(|t| Range::new(now, t)),
        Some(("after", value)) => {
            instant(value).map(|t| Range::new(now.max(t), DateTime::<Utc>::MAX_UTC))
        }
        Some((_, value)) => Range::day(value),
        None => None,
    };
    range.is_some_and(|r| r.holds(expiry))
}

/// `has_scope :expired` (`type: :any`): `expired=true|false`, or `expired[within|in|before|
/// after|on]=…` (`license.rb`'s `expired`).
fn expired_scope(expiry: Option<DateTime<Utc>>, query: &Query, now: DateTime<Utc>) -> bool {
    let past = expiry.filter(|e| *e < now);
    if let Some(hash) = hash(query, "expired") {
        let Some(past) = past else { return false };
        let range = match first(&hash, &["within", "in", "before", "after", "on"]) {
            Some(("within" | "in", value)) => window(value).map(|d| Range::new(d.before(now), now)),
            Some(("before", value)) => {
                instant(value).map(|t| Range::new(DateTime::<Utc>::MIN_UTC, t))
            }
            Some(("after", value)) => instant(value).map(|t| Range::new(t, now)),
            Some((_, value)) => Range::day(value),
            // No key it knows: the general `expired` scope.
            None => Some(Range::new(DateTime::<Utc>::MIN_UTC, now)),
        };
        return range.is_some_and(|r| r.holds(past));
    }
    match given(query, "expired").map(cast_bool) {
        None => true,
        Some(Some(true)) => past.is_some(),
        Some(_) => past.is_none(),
    }
}

/// `license.rb`'s `activity(inside:, outside:, before:, after:)`: active or inactive since.
fn activity(license: &LicenseRecord, hash: &HashMap<String, String>, now: DateTime<Utc>) -> bool {
    match first(hash, &["inside", "outside", "before", "after"]) {
        Some(("inside", value)) => window(value).is_some_and(|d| active(license, d.before(now))),
        Some(("outside", value)) => window(value).is_some_and(|d| !active(license, d.before(now))),
        Some(("before", value)) => instant(value).is_some_and(|t| !active(license, t)),
        Some((_, value)) => instant(value).is_some_and(|t| active(license, t)),
        None => false,
    }
}

/// `license.rb`'s `activations(eq:, gt:, gte:, lt:, lte:)` on the license's machine count.
fn activations(count: usize, hash: &HashMap<String, String>) -> bool {
    let Some((op, value)) = first(hash, &["eq", "gt", "gte", "lt", "lte"]) else {
        return false;
    };
    // Ruby's `to_i`: the leading digits, 0 when there are none.
    let digits: String = value
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let n: usize = digits.parse().unwrap_or(0);
    match op {
        "eq" => count == n,
        "gt" => count > n,
        "gte" => count >= n,
        "lt" => count < n,
        _ => count <= n,
    }
}

#[cfg(test)]
#[path = "filters_tests.rs"]
mod tests;
