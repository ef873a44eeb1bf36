//! A [`World`] put into the Keygen emulator through its public seeding API: each license with its
//! policy's settings (factory defaults: floating, not strict, no machine limit, two-week
//! duration), each machine with its fingerprint. An attribute the emulator does not model is
//! an `Err` unless it holds Keygen's default (then it changes nothing).

use chrono::{DateTime, Utc};
use keyward_emulator::keygen::{
    AuthStrategy, ExpirationStrategy, KeygenEmulator, LicenseSeed, MachineMatching, MachineSeed,
    Overage,
};
use std::collections::BTreeMap as Map;

use serde_json::Value;

use super::world::{Entity, Kind, Skip, World};

fn time(name: &str, value: &Value) -> Result<DateTime<Utc>, Skip> {
    value
        .as_str()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| format!("attribute {name} = {value}"))
}

/// A number, or a string of one (ActiveRecord casts `"3600"` for an integer column, which is
/// what `$time.1.hour` gives).
fn number(name: &str, value: &Value) -> Result<u64, Skip> {
    value
        .as_u64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .ok_or_else(|| format!("attribute {name} = {value}"))
}

/// A machine limit: a number, or `null` (none).
fn limit(name: &str, value: &Value) -> Result<Option<u64>, Skip> {
    (!value.is_null()).then(|| number(name, value)).transpose()
}

fn flag(name: &str, value: &Value) -> Result<bool, Skip> {
    value
        .as_bool()
        .ok_or_else(|| format!("attribute {name} = {value}"))
}

/// The token `I use an authentication token` makes for a license bearer.
pub(crate) fn license_token(license: &Entity) -> String {
    format!("license-token-{}", license.id)
}

/// A policy's check-in interval in seconds (`check_in_interval_count.send(check_in_interval)`,
/// ActiveSupport's lengths: a month is 2,629,746 s, a year 31,556,952 s).
fn check_in_interval(policy: &Entity) -> Result<u64, Skip> {
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

fn requires_check_in(policy: &Entity) -> bool {
    policy.attrs.get("require_check_in") == Some(&Value::Bool(true))
}

/// The scope a policy's `require_<scope>_scope` names, when the emulator models it.
fn required_scope(attribute: &str) -> Option<&str> {
    let scope = attribute.strip_prefix("require_")?.strip_suffix("_scope")?;
    matches!(
        scope,
        "product" | "policy" | "machine" | "fingerprint" | "components" | "checksum" | "version"
    )
    .then_some(scope)
}

/// Whether `value` is what Keygen gives `name` when no one sets it (`app/models/policy.rb`'s
/// `before_create` defaults and the factory's).
fn is_default(name: &str, value: &Value) -> bool {
    let text = value.as_str().unwrap_or_default();
    match name {
        "name" | "metadata" | "protected" => true,
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

/// The license seed of `license` under `policy`.
/// `seed` with `policy`'s settings (the factory's defaults: floating, a two-week duration), and
/// the policy's machine limit (`Some(None)`: set to none).
fn with_policy(
    mut seed: LicenseSeed,
    policy: &Entity,
) -> Result<(LicenseSeed, Option<Option<u64>>), Skip> {
    // Keygen's `before_create` default: only the license's tokens authenticate.
    seed = seed
        .floating(true)
        .duration(14 * 86_400)
        .authentication(AuthStrategy::Token);
    let mut heartbeat: Option<u64> = None;
    let mut require_heartbeat = false;
    let mut max_machines: Option<Option<u64>> = None;
    let mut resources: Map<String, Option<u64>> = Map::new();
    for (name, value) in &policy.attrs {
        seed = match name.as_str() {
            "strict" => seed.strict(flag(name, value)?),
            "floating" => seed.floating(flag(name, value)?),
            "max_machines" => {
                max_machines = Some(limit(name, value)?);
                seed
            }
            "duration" if value.is_null() => seed,
            "duration" => seed.duration(number(name, value)?),
            "expiration_strategy" => seed.expiration_strategy(match value.as_str() {
                Some("REVOKE_ACCESS") => ExpirationStrategy::RevokeAccess,
                Some("RESTRICT_ACCESS") => ExpirationStrategy::RestrictAccess,
                Some("MAINTAIN_ACCESS" | "ALLOW_ACCESS") => ExpirationStrategy::AllowAccess,
                _ => return Err(format!("policy expiration_strategy = {value}")),
            }),
            "require_heartbeat" => {
                require_heartbeat = flag(name, value)?;
                seed
            }
            "heartbeat_duration" => {
                heartbeat = limit(name, value)?;
                seed
            }
            // Read together below.
            "require_check_in" | "check_in_interval" | "check_in_interval_count" => seed,
            "max_cores" | "max_memory" | "max_disk" => {
                resources.insert(name.clone(), limit(name, value)?);
                seed
            }
            "authentication_strategy" => seed.authentication(match value.as_str() {
                Some("TOKEN") => AuthStrategy::Token,
                Some("LICENSE") => AuthStrategy::License,
                Some("MIXED") => AuthStrategy::Mixed,
                Some("NONE") => AuthStrategy::None,
                _ => return Err(format!("policy {name} = {value}")),
            }),
            "overage_strategy" => seed.overage(match value.as_str() {
                Some("NO_OVERAGE") => Overage::None,
                Some("ALLOW_1_25X_OVERAGE") => Overage::Allow125x,
                Some("ALLOW_1_5X_OVERAGE") => Overage::Allow15x,
                Some("ALLOW_2X_OVERAGE") => Overage::Allow2x,
                Some("ALWAYS_ALLOW_OVERAGE") => Overage::Always,
                _ => return Err(format!("policy {name} = {value}")),
            }),
            "machine_matching_strategy" => seed.machine_matching(match value.as_str() {
                Some("MATCH_ANY") => MachineMatching::Any,
                Some("MATCH_TWO") => MachineMatching::Two,
                Some("MATCH_MOST") => MachineMatching::Most,
                Some("MATCH_ALL") => MachineMatching::All,
                _ => return Err(format!("policy {name} = {value}")),
            }),
            // A signed or encrypted key is found by its text, as Keygen finds it: the emulator
            // treats every key as opaque text, so the scheme changes no answer compared here.
            "scheme" => seed,
            n if required_scope(n).is_some() && value == &Value::Bool(true) => {
                seed.require_scope(required_scope(n).unwrap_or_default())
            }
            _ if is_default(name, value) => seed,
            _ => return Err(format!("policy attribute {name} = {value}")),
        };
    }
    if require_heartbeat {
        seed = seed.require_heartbeat(heartbeat.unwrap_or(600));
    } else if let Some(seconds) = heartbeat {
        seed = seed.heartbeat_duration(seconds);
    }
    if requires_check_in(policy) {
        seed = seed.check_in(check_in_interval(policy)?, None);
    }
    let resource = |name: &str| resources.get(name).copied().flatten();
    seed = seed.max_resources(
        resource("max_cores"),
        resource("max_memory"),
        resource("max_disk"),
    );
    Ok((seed, max_machines))
}

/// The license seed of `license` under its policy.
fn license_seed(world: &World, license: &Entity) -> Result<LicenseSeed, Skip> {
    let policy = &world.all(Kind::Policy)[license.parent];
    let product = &world.all(Kind::Product)[policy.parent];
    let seed = LicenseSeed::new(&license.secret)
        .id(&license.id)
        .product(&product.id, &policy.id)
        .token(license_token(license));
    let (mut seed, mut max_machines) = with_policy(seed, policy)?;
    let mut last_check_in = None;
    for (name, value) in &license.attrs {
        seed = match name.as_str() {
            "expiry" if value.is_null() => seed,
            "expiry" => seed.expiry(time(name, value)?),
            "suspended" => seed.suspended(flag(name, value)?),
            "created_at" => seed.created(time(name, value)?),
            "last_check_in_at" => {
                last_check_in = Some(time(name, value)?);
                seed
            }
            "max_machines" => {
                max_machines = Some(limit(name, value)?);
                seed
            }
            _ if is_default(name, value) => seed,
            _ => return Err(format!("license attribute {name} = {value}")),
        };
    }
    let floating = policy.attrs.get("floating") != Some(&Value::Bool(false));
    if let Some(last) = last_check_in.filter(|_| requires_check_in(policy)) {
        seed = seed.check_in(check_in_interval(policy)?, Some(last));
    }
    match max_machines {
        Some(Some(limit)) => seed = seed.max_machines(limit),
        // Keygen's `before_create` gives a node-locked policy a limit of 1; only an update that
        // skips validations leaves it without one, which the emulator cannot hold.
        Some(None) if !floating => {
            return Err("a node-locked policy without a machine limit".to_owned());
        }
        _ => {}
    }
    Ok(seed)
}

fn machine_seed(machine: &Entity) -> Result<MachineSeed, Skip> {
    let mut seed = MachineSeed::new(&machine.secret).id(&machine.id);
    for (name, value) in &machine.attrs {
        seed = match name.as_str() {
            "name" | "metadata" => seed,
            "cores" => seed.cores(number(name, value)?),
            "memory" => seed.memory(number(name, value)?),
            "disk" => seed.disk(number(name, value)?),
            "last_heartbeat_at" if value.is_null() => seed,
            "last_heartbeat_at" => seed.last_heartbeat(time(name, value)?),
            "created_at" => seed.created(time(name, value)?),
            _ => return Err(format!("machine attribute {name} = {value}")),
        };
    }
    Ok(seed)
}

/// Puts `world` into `emulator` (all or nothing: the seeds are built before any is added).
pub(crate) fn seed(world: &World, emulator: &KeygenEmulator) -> Result<(), Skip> {
    let licenses: Vec<LicenseSeed> = world
        .all(Kind::License)
        .iter()
        .map(|l| license_seed(world, l))
        .collect::<Result<_, _>>()?;
    let machines: Vec<(String, MachineSeed)> = world
        .all(Kind::Machine)
        .iter()
        .map(|m| {
            Ok((
                world.all(Kind::License)[m.parent].id.clone(),
                machine_seed(m)?,
            ))
        })
        .collect::<Result<_, Skip>>()?;
    // A policy no license uses still names what the case depends on.
    for policy in world.all(Kind::Policy) {
        with_policy(LicenseSeed::new("unused"), policy)?;
    }
    for license in licenses {
        emulator.add_license(license);
    }
    for (license, machine) in machines {
        emulator.add_machine(&license, machine);
    }
    Ok(())
}
