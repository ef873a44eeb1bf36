//! The attribute values of a case's resources as the emulator's seeds take them: timestamps,
//! numbers (ActiveRecord casts), Keygen's defaults, the tokens the seeds give bearers.

use chrono::{DateTime, Utc};
use serde_json::Value;

use keyward_emulator::keygen::{ComponentUniqueness, MachineMatching, TokenActivations};

use super::world::{Entity, Skip};

/// A timestamp as ActiveRecord reads one: RFC 3339, or with single-digit fields
/// (`2024-7-22T00:00:00.000Z`).
pub(crate) fn time(name: &str, value: &Value) -> Result<DateTime<Utc>, Skip> {
    let text = value.as_str().unwrap_or_default();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.fZ")
                .map(|t| t.and_utc())
        })
        .map_err(|_| format!("attribute {name} = {value}"))
}

/// A number, or a string of one (ActiveRecord casts `"3600"` for an integer column, which is
/// what `$time.1.hour` gives).
pub(crate) fn number(name: &str, value: &Value) -> Result<u64, Skip> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| format!("attribute {name} = {value}"))
}

/// A machine limit: a number, or `null` (none).
pub(crate) fn limit(name: &str, value: &Value) -> Result<Option<u64>, Skip> {
    (!value.is_null()).then(|| number(name, value)).transpose()
}

pub(crate) fn flag(name: &str, value: &Value) -> Result<bool, Skip> {
    value
        .as_bool()
        .ok_or_else(|| format!("attribute {name} = {value}"))
}

/// The token `I use an authentication token` makes for a license bearer.
pub(crate) fn license_token(license: &Entity) -> String {
    format!("license-token-{}", license.id)
}

/// The token `I use an authentication token` makes for a user bearer.
pub(crate) fn user_token(user: &Entity) -> String {
    format!("user-token-{}", user.id)
}

/// The token `I use an authentication token` makes for a product bearer.
pub(crate) fn product_token(product: &Entity) -> String {
    format!("product-token-{}", product.id)
}

/// A policy's check-in interval in seconds (`check_in_interval_count.send(check_in_interval)`,
/// ActiveSupport's lengths: a month is 2,629,746 s, a year 31,556,952 s).
pub(crate) fn check_in_interval(policy: &Entity) -> Result<u64, Skip> {
    let count = policy
        .attrs
        .get("check_in_interval_count")
        .map_or(Ok(1), |v| number("count", v))?;
    let unit = match policy
        .attrs
        .get("check_in_interval")
        .and_then(Value::as_str)
    {
        Some("day") => 86_400,
        Some("week") => 604_800,
        Some("month") => 2_629_746,
        Some("year") => 31_556_952,
        other => return Err(format!("check-in interval {other:?}")),
    };
    Ok(count * unit)
}

pub(crate) fn requires_check_in(policy: &Entity) -> bool {
    policy.attrs.get("require_check_in") == Some(&Value::Bool(true))
}

/// The scope a policy's `require_<scope>_scope` names, when the emulator models it.
pub(crate) fn required_scope(attribute: &str) -> Option<&str> {
    let scope = attribute.strip_prefix("require_")?.strip_suffix("_scope")?;
    matches!(
        scope,
        "environment"
            | "product"
            | "policy"
            | "user"
            | "machine"
            | "fingerprint"
            | "components"
            | "checksum"
            | "version"
    )
    .then_some(scope)
}

/// Whether `value` is what Keygen gives `name` when no one sets it (`app/models/policy.rb`'s
/// `before_create` defaults and the factory's).
pub(crate) fn is_default(name: &str, value: &Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    match name {
        "name" | "metadata" => true,
        "protected" => value == &Value::Bool(false),
        // No owner, group or validation yet.
        "user_id" | "owner_id" | "group_id" | "last_validated_at" => value.is_null(),
        n if n.starts_with("require_") && n.ends_with("_scope") => value == &Value::Bool(false),
        "require_check_in" | "use_pool" | "encrypted" => value == &Value::Bool(false),
        "overage_strategy" => text == "NO_OVERAGE",
        "machine_matching_strategy" | "component_matching_strategy" => text == "MATCH_ANY",
        "machine_uniqueness_strategy" => text == "UNIQUE_PER_LICENSE",
        "machine_leasing_strategy" => text == "PER_LICENSE",
        "process_leasing_strategy" => text == "PER_MACHINE",
        "heartbeat_cull_strategy" => text == "DEACTIVATE_DEAD",
        "heartbeat_resurrection_strategy" => text == "NO_REVIVE",
        "expiration_basis" => text == "FROM_CREATION",
        "scheme"
        | "max_processes"
        | "max_cores"
        | "max_memory"
        | "max_disk"
        | "max_users"
        | "max_uses"
        | "check_in_interval"
        | "check_in_interval_count" => value.is_null(),
        _ => false,
    }
}

/// A policy's machine or component matching strategy.
pub(crate) fn matching(name: &str, value: &Value) -> Result<MachineMatching, Skip> {
    Ok(match value.as_str() {
        Some("MATCH_ANY") => MachineMatching::Any,
        Some("MATCH_TWO") => MachineMatching::Two,
        Some("MATCH_MOST") => MachineMatching::Most,
        Some("MATCH_ALL") => MachineMatching::All,
        _ => return Err(format!("policy {name} = {value}")),
    })
}

/// A record's `metadata` attribute.
pub(crate) fn metadata(value: &Value) -> Result<serde_json::Map<String, Value>, Skip> {
    match value {
        Value::Null => Ok(serde_json::Map::new()),
        Value::Object(map) => Ok(map.clone()),
        other => Err(format!("metadata {other}")),
    }
}

/// A policy's component uniqueness strategy.
pub(crate) fn uniqueness(value: &Value) -> Result<ComponentUniqueness, Skip> {
    Ok(match value.as_str() {
        Some("UNIQUE_PER_MACHINE") => ComponentUniqueness::PerMachine,
        Some("UNIQUE_PER_LICENSE") => ComponentUniqueness::PerLicense,
        Some("UNIQUE_PER_POLICY") => ComponentUniqueness::PerPolicy,
        Some("UNIQUE_PER_PRODUCT") => ComponentUniqueness::PerProduct,
        Some("UNIQUE_PER_ACCOUNT") => ComponentUniqueness::PerAccount,
        _ => return Err(format!("policy component_uniqueness_strategy = {value}")),
    })
}

/// `the current token has the following attributes:` (`activations`, `maxActivations`,
/// `deactivations`, `maxDeactivations`).
pub(crate) fn token_activations(value: &Value) -> Result<TokenActivations, Skip> {
    let attrs = value
        .as_object()
        .ok_or("token attributes that are not an object")?;
    let count = |name: &str| attrs.get(name).map_or(Ok(0), |v| number(name, v));
    let max = |name: &str| attrs.get(name).map_or(Ok(None), |v| limit(name, v));
    if let Some(name) = attrs.keys().find(|k| {
        !matches!(
            k.as_str(),
            "activations" | "maxActivations" | "deactivations" | "maxDeactivations"
        )
    }) {
        return Err(format!("token attribute {name}"));
    }
    Ok(TokenActivations::new()
        .activations(count("activations")?, max("maxActivations")?)
        .deactivations(count("deactivations")?, max("maxDeactivations")?))
}
