//! A [`World`] put into the Keygen emulator through its public seeding API: each license with its
//! policy's settings (factory defaults: floating, not strict, no machine limit, two-week
//! duration; a node-locked policy created so has Keygen's limit of 1), each machine with its fingerprint. An attribute the emulator does not model is
//! an `Err` unless it holds Keygen's default (then it changes nothing).

use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed, MachineSeed};
use serde_json::Value;

use super::attributes::{
    check_in_interval, flag, is_default, license_token, limit, metadata, number, product_token,
    requires_check_in, time, token_activations,
};
use super::people;
use super::policies::{process_leasing, with_policy};
use super::world::{Entity, Kind, Skip, World};

/// The license seed of `license` under its policy.
fn license_seed(world: &World, license: &Entity) -> Result<LicenseSeed, Skip> {
    let policy = &world.all(Kind::Policy)[license.parent];
    let product = &world.all(Kind::Product)[policy.parent];
    let seed = LicenseSeed::new(&license.secret)
        .id(&license.id)
        .product(&product.id, &policy.id)
        .token(license_token(license));
    let (mut seed, max_machines) = with_policy(seed, policy)?;
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
            "last_validated_version" => match value {
                Value::String(version) => seed.last_validated_version(version),
                Value::Null => seed,
                _ => return Err(format!("license attribute {name} = {value}")),
            },
            "metadata" => seed.metadata(metadata(value)?),
            "last_check_in_at" => {
                last_check_in = Some(time(name, value)?);
                seed
            }
            // `license.rb`: its own machine limit, else (`null`) its policy's.
            "max_machines" => match limit(name, value)? {
                Some(own) => seed.max_machines_override(own),
                None => seed,
            },
            // `license.rb`: its own limits, else its policy's (read together below).
            "max_cores" | "max_memory" | "max_disk" => seed,
            "max_processes" => match limit(name, value)? {
                Some(max) => seed.max_processes(max, process_leasing(policy)?),
                None => seed,
            },
            "protected" => seed.protected(flag(name, value)?),
            "legacy_encrypted" => seed.legacy_encrypted(),
            "max_users" if !value.is_null() => seed.max_users(number(name, value)?),
            // `license.rb`: a license's own `max_uses` overrides its policy's.
            "max_uses" if !value.is_null() => seed.max_uses_override(number(name, value)?),
            "uses" => seed.uses(number(name, value)?),
            "owner_id" if value.is_string() => seed.owner(value.as_str().unwrap_or_default()),
            "group_id" if value.is_string() => seed.group(value.as_str().unwrap_or_default()),
            "token" => seed.token_activations(token_activations(value)?),
            _ if is_default(name, value) => seed,
            _ => return Err(format!("license attribute {name} = {value}")),
        };
    }
    let resource = |name: &str| {
        let value = license.attrs.get(name).or_else(|| policy.attrs.get(name));
        value.map_or(Ok(None), |v| limit(name, v))
    };
    seed = seed.max_resources(
        resource("max_cores")?,
        resource("max_memory")?,
        resource("max_disk")?,
    );
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
    // `spec/factories/policy.rb`'s `max_machines { nil }`: a policy keeps no limit unless one
    // was given or it was created node-locked (`World::make`), node-locked later too.
    seed = match max_machines.flatten() {
        Some(limit) => seed.max_machines(limit),
        None => seed.unlimited_machines(),
    };
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
    let releases = super::releases::seeds(world)?;
    let plan = super::billing::plan(world)?;
    let distributions = super::releases::distributions(world)?;
    let users = people::user_seeds(world)?;
    let groups = super::groups::seeds(world)?;
    for environment in super::environments::seeds(world) {
        emulator.add_environment(environment);
    }
    for group in groups {
        emulator.add_group(group);
    }
    super::settings::seed(world, emulator);
    for user in users {
        emulator.add_user(user);
    }
    for (id, settings) in policies {
        emulator.add_policy(&id, settings);
    }
    for product in world.all(Kind::Product) {
        emulator.add_product_token(&product.id, &product_token(product));
    }
    super::releases::seed(emulator, releases, distributions);
    if let Some(plan) = plan {
        emulator.set_account_plan(plan);
    }
    for key in world.all(Kind::Key) {
        let policy = &world.all(Kind::Policy)[key.parent];
        emulator.add_pooled_key(&policy.id, &key.secret);
    }
    for license in licenses {
        emulator.add_license(license);
    }
    for (license, machine) in machines {
        emulator.add_machine(&license, machine);
    }
    Ok(())
}
