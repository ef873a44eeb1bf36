//! A policy's settings as the emulator takes them: the factory's defaults (floating, not
//! strict, no machine limit, a two-week duration, token authentication) and the attributes a
//! case gives (`spec/factories/policy.rb`, `policy.rb`'s strategies).

use std::collections::BTreeMap;

use keyward_emulator::keygen::{
    AuthStrategy, ExpirationBasis, ExpirationStrategy, LicenseSeed, MachineLeasing,
    MachineUniqueness, Overage, ProcessLeasing, Resurrection,
};
use serde_json::Value;

use super::attributes::{
    check_in_interval, flag, is_default, limit, matching, number, required_scope,
    requires_check_in, uniqueness,
};
use super::world::{Entity, Skip};

/// `seed` with `policy`'s settings (the factory's defaults: floating, a two-week duration), and
/// the policy's machine limit (`Some(None)`: set to none).
pub(crate) fn with_policy(
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
    let mut resources: BTreeMap<String, Option<u64>> = BTreeMap::new();
    let (mut max_processes, mut leasing) = (None, ProcessLeasing::PerMachine);
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
                Some("MAINTAIN_ACCESS") => ExpirationStrategy::MaintainAccess,
                Some("ALLOW_ACCESS") => ExpirationStrategy::AllowAccess,
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
            "max_processes" => {
                max_processes = limit(name, value)?;
                seed
            }
            "process_leasing_strategy" => {
                leasing = process_leasing(policy)?;
                seed
            }
            "machine_leasing_strategy" => seed.machine_leasing(match value.as_str() {
                Some("PER_LICENSE") => MachineLeasing::PerLicense,
                Some("PER_USER") => MachineLeasing::PerUser,
                _ => return Err(format!("policy {name} = {value}")),
            }),
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
            "entitlements" => seed,
            "heartbeat_basis" => match value.as_str() {
                Some("FROM_CREATION") => seed,
                Some("FROM_FIRST_PING") => seed.heartbeat_from_first_ping(),
                _ => return Err(format!("policy {name} = {value}")),
            },
            "heartbeat_resurrection_strategy" => seed.resurrection(match value.as_str() {
                Some("NO_REVIVE") => Resurrection::Never,
                Some("ALWAYS_REVIVE") => Resurrection::Always,
                Some(revive) => {
                    let minutes = revive
                        .strip_suffix("_MINUTE_REVIVE")
                        .and_then(|m| m.parse::<u64>().ok());
                    Resurrection::Within(
                        60 * minutes.ok_or_else(|| format!("policy {name} = {value}"))?,
                    )
                }
                None => return Err(format!("policy {name} = {value}")),
            }),
            "overage_strategy" => seed.overage(match value.as_str() {
                Some("NO_OVERAGE") => Overage::None,
                Some("ALLOW_1_25X_OVERAGE") => Overage::Allow125x,
                Some("ALLOW_1_5X_OVERAGE") => Overage::Allow15x,
                Some("ALLOW_2X_OVERAGE") => Overage::Allow2x,
                Some("ALWAYS_ALLOW_OVERAGE") => Overage::Always,
                _ => return Err(format!("policy {name} = {value}")),
            }),
            "machine_matching_strategy" => seed.machine_matching(matching(name, value)?),
            "component_uniqueness_strategy" => seed.component_uniqueness(uniqueness(value)?),
            "expiration_basis" => seed.expiration_basis(match value.as_str() {
                Some("FROM_CREATION") => ExpirationBasis::FromCreation,
                Some("FROM_FIRST_VALIDATION") => ExpirationBasis::FromFirstValidation,
                Some("FROM_FIRST_ACTIVATION") => ExpirationBasis::FromFirstActivation,
                _ => return Err(format!("policy {name} = {value}")),
            }),
            "machine_uniqueness_strategy" => seed.machine_uniqueness(match value.as_str() {
                Some("UNIQUE_PER_LICENSE") => MachineUniqueness::PerLicense,
                Some("UNIQUE_PER_POLICY") => MachineUniqueness::PerPolicy,
                Some("UNIQUE_PER_PRODUCT") => MachineUniqueness::PerProduct,
                Some("UNIQUE_PER_ACCOUNT") => MachineUniqueness::PerAccount,
                _ => return Err(format!("policy {name} = {value}")),
            }),
            "component_matching_strategy" => seed.component_matching(matching(name, value)?),
            // A signed or encrypted key is found by its text, as Keygen finds it: the emulator
            // keeps every key as given, checked for the scheme on creation.
            // `policy.rb`: an encrypted policy's scheme is `LEGACY_ENCRYPT` (its default).
            "encrypted" if value == &Value::Bool(true) => match policy.attrs.get("scheme") {
                None | Some(Value::Null) => seed.scheme("LEGACY_ENCRYPT"),
                Some(scheme) if scheme == "LEGACY_ENCRYPT" => seed,
                Some(scheme) => return Err(format!("an encrypted policy of scheme {scheme}")),
            },
            "scheme" if value.is_null() => seed,
            "scheme" => seed.scheme(value.as_str().ok_or("a scheme that is not text")?),
            "protected" => seed.protected(flag(name, value)?),
            "max_users" if !value.is_null() => seed.max_users(number(name, value)?),
            "max_uses" if !value.is_null() => seed.max_uses(number(name, value)?),
            "use_pool" => seed.use_pool(flag(name, value)?),
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
    if let Some(limit) = max_processes {
        seed = seed.max_processes(limit, leasing);
    }
    let resource = |name: &str| resources.get(name).copied().flatten();
    seed = seed.max_resources(
        resource("max_cores"),
        resource("max_memory"),
        resource("max_disk"),
    );
    Ok((seed, max_machines))
}

/// The policy's `processLeasingStrategy` (`PER_MACHINE` by default).
pub(crate) fn process_leasing(policy: &Entity) -> Result<ProcessLeasing, Skip> {
    let value = policy.attrs.get("process_leasing_strategy");
    Ok(match value.and_then(Value::as_str) {
        None | Some("PER_MACHINE") => ProcessLeasing::PerMachine,
        Some("PER_LICENSE") => ProcessLeasing::PerLicense,
        Some("PER_USER") => ProcessLeasing::PerUser,
        _ => return Err(format!("policy process_leasing_strategy = {value:?}")),
    })
}
