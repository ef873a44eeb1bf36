//! A [`World`] put into the Keygen emulator through its public seeding API: each license with its
//! policy's settings (factory defaults: floating, not strict, no machine limit, two-week
//! duration), each machine with its fingerprint. An attribute the emulator does not model is
//! an `Err` unless it holds Keygen's default (then it changes nothing).

use keyward_emulator::keygen::{
    AuthStrategy, ExpirationStrategy, KeygenEmulator, LicenseSeed, MachineLeasing, MachineSeed,
    Overage, ProcessLeasing, Resurrection,
};
use std::collections::BTreeMap;

use serde_json::Value;

use super::attributes::{
    check_in_interval, flag, is_default, license_token, limit, matching, metadata, number,
    product_token, required_scope, requires_check_in, time, token_activations, uniqueness,
};
use super::people;
use super::world::{Entity, Kind, Skip, World};

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
            "max_processes" => {
                max_processes = limit(name, value)?;
                seed
            }
            "process_leasing_strategy" => {
                leasing = match value.as_str() {
                    Some("PER_MACHINE") => ProcessLeasing::PerMachine,
                    Some("PER_LICENSE") => ProcessLeasing::PerLicense,
                    Some("PER_USER") => ProcessLeasing::PerUser,
                    _ => return Err(format!("policy {name} = {value}")),
                };
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
            "component_matching_strategy" => seed.component_matching(matching(name, value)?),
            // A signed or encrypted key is found by its text, as Keygen finds it: the emulator
            // keeps every key as given, checked for the scheme on creation.
            "scheme" if value.is_null() => seed,
            "scheme" => seed.scheme(value.as_str().ok_or("a scheme that is not text")?),
            "protected" => seed.protected(flag(name, value)?),
            "max_users" if !value.is_null() => seed.max_users(number(name, value)?),
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

/// The license seed of `license` under its policy.
fn license_seed(world: &World, license: &Entity) -> Result<LicenseSeed, Skip> {
    let policy = &world.all(Kind::Policy)[license.parent];
    let product = &world.all(Kind::Product)[policy.parent];
    let seed = LicenseSeed::new(&license.secret)
        .id(&license.id)
        .product(&product.id, &policy.id)
        .token(license_token(license));
    let (mut seed, mut max_machines) = with_policy(seed, policy)?;
    if let Some(environment) = world.environment_id(license.environment) {
        seed = seed.environment(environment);
    }
    let mut last_check_in = None;
    for (name, value) in &license.attrs {
        seed = match name.as_str() {
            "expiry" if value.is_null() => seed,
            "expiry" => seed.expiry(time(name, value)?),
            "suspended" => seed.suspended(flag(name, value)?),
            "created_at" => seed.created(time(name, value)?),
            "entitlements" => seed,
            "permissions" => {
                let list = value.as_array().ok_or("permissions that are not a list")?;
                seed.permissions(list.iter().filter_map(Value::as_str))
            }
            "last_validated_at" if !value.is_null() => seed.last_validated(time(name, value)?),
            "last_check_out_at" if !value.is_null() => seed.last_check_out(time(name, value)?),
            "metadata" => seed.metadata(metadata(value)?),
            "last_check_in_at" => {
                last_check_in = Some(time(name, value)?);
                seed
            }
            "max_machines" => {
                max_machines = Some(limit(name, value)?);
                seed
            }
            "protected" => seed.protected(flag(name, value)?),
            "max_users" if !value.is_null() => seed.max_users(number(name, value)?),
            "owner_id" if value.is_string() => seed.owner(value.as_str().unwrap_or_default()),
            "group_id" if value.is_string() => seed.group(value.as_str().unwrap_or_default()),
            "token" => seed.token_activations(token_activations(value)?),
            _ if is_default(name, value) => seed,
            _ => return Err(format!("license attribute {name} = {value}")),
        };
    }
    let floating = policy.attrs.get("floating") != Some(&Value::Bool(false));
    // A license's entitlements are its own and its policy's.
    let codes = [policy, license]
        .into_iter()
        .filter_map(|e| e.attrs.get("entitlements").and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect::<Vec<_>>();
    seed = seed
        .entitlements(codes)
        .users(people::license_users(world, license));
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

fn machine_seed(world: &World, index: usize) -> Result<MachineSeed, Skip> {
    let machine = &world.all(Kind::Machine)[index];
    let of_machine = |kind: Kind| world.all(kind).iter().filter(move |e| e.parent == index);
    let processes = of_machine(Kind::Process);
    if let Some((name, value)) = processes
        .clone()
        .flat_map(|p| p.attrs.iter())
        .find(|(name, _)| name.as_str() != "pid")
    {
        return Err(format!("process attribute {name} = {value}"));
    }
    let mut seed = MachineSeed::new(&machine.secret)
        .id(&machine.id)
        .components(of_machine(Kind::Component).map(|c| c.secret.clone()))
        .processes(processes.count() as u64);
    if let Some(environment) = world.environment_id(machine.environment) {
        seed = seed.environment(environment);
    }
    for (name, value) in &machine.attrs {
        seed = match name.as_str() {
            "name" => seed,
            "metadata" => seed.metadata(metadata(value)?),
            "ip" => seed.ip(value.as_str().ok_or("an ip that is not text")?),
            "hostname" => seed.hostname(value.as_str().ok_or("a hostname that is not text")?),
            "cores" => seed.cores(number(name, value)?),
            "memory" => seed.memory(number(name, value)?),
            "disk" => seed.disk(number(name, value)?),
            "last_heartbeat_at" if value.is_null() => seed,
            "last_heartbeat_at" => seed.last_heartbeat(time(name, value)?),
            "created_at" => seed.created(time(name, value)?),
            "owner_id" if value.is_string() => seed.owner(value.as_str().unwrap_or_default()),
            "group_id" if value.is_string() => seed.group(value.as_str().unwrap_or_default()),
            _ if is_default(name, value) => seed,
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
        .enumerate()
        .map(|(i, m)| {
            Ok((
                world.all(Kind::License)[m.parent].id.clone(),
                machine_seed(world, i)?,
            ))
        })
        .collect::<Result<_, Skip>>()?;
    // Every policy, used or not, as the settings of the licenses created under it.
    let policies: Vec<(String, LicenseSeed)> = world
        .all(Kind::Policy)
        .iter()
        .map(|policy| {
            let product = &world.all(Kind::Product)[policy.parent];
            let mut seed = LicenseSeed::new("policy").product(&product.id, &policy.id);
            if let Some(environment) = world.environment_id(policy.environment) {
                seed = seed.environment(environment);
            }
            Ok((policy.id.clone(), with_policy(seed, policy)?.0))
        })
        .collect::<Result<_, Skip>>()?;
    let users = people::user_seeds(world)?;
    let groups = super::groups::seeds(world)?;
    for environment in super::environments::seeds(world) {
        emulator.add_environment(environment);
    }
    for group in groups {
        emulator.add_group(group);
    }
    for user in users {
        emulator.add_user(user);
    }
    for (id, settings) in policies {
        emulator.add_policy(&id, settings);
    }
    for product in world.all(Kind::Product) {
        emulator.add_product_token(&product.id, &product_token(product));
    }
    for license in licenses {
        emulator.add_license(license);
    }
    for (license, machine) in machines {
        emulator.add_machine(&license, machine);
    }
    Ok(())
}
