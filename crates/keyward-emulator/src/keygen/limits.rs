//! Machine, core, memory and disk limits under the policy's overage strategy, counted per license
//! or per user (`machineLeasingStrategy`): the strict part of `license_validation_service.rb`
//! (after the scopes) and `machine.rb`'s activation checks.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::answer::{Answer, unprocessable};
use super::state::{LicenseRecord, MachineLeasing, MachineRecord, Overage, ProcessLeasing, State};
use super::validation::Verdict;

impl Overage {
    /// Whether `count` is allowed against `limit`: within it, or within the overage.
    pub(crate) fn allows(self, count: u64, limit: u64) -> bool {
        count <= limit
            || match self {
                Overage::Always => true,
                Overage::Allow125x => count * 4 <= limit * 5,
                Overage::Allow15x => count * 2 <= limit * 3,
                Overage::Allow2x => count <= limit * 2,
                Overage::None => false,
            }
    }
}

impl LicenseRecord {
    /// Its machine limit: its own override, else its policy's (`license.rb`'s
    /// `max_machines`); `None`: no limit.
    pub fn machine_limit(&self) -> Option<u64> {
        self.max_machines_override.or(self.max_machines)
    }
}

/// The machine limit a validation holds the license to: a node-locked license without one is
/// held to 1 (`license_validation_service.rb`'s `license.max_machines || 1`); activations are
/// limited only by a limit it has (`machine.rb`).
fn validated_machine_limit(license: &LicenseRecord) -> Option<u64> {
    license.machine_limit().or((!license.floating).then_some(1))
}

/// The user a validation's scope names, when it is one of the license's (Keygen's
/// `license.users.where(id: scope[:user]).take`; the caller read an email as the id).
fn scoped_owner<'s>(
    license: &LicenseRecord,
    scope: Option<&'s Map<String, Value>>,
) -> Option<&'s str> {
    let user = scope?.get("user")?.as_str()?;
    let licensed =
        license.owner_id.as_deref() == Some(user) || license.user_ids.iter().any(|u| u == user);
    licensed.then_some(user)
}

/// The machines a limit counts: all of them, or, leased per user, those of `owner`
/// (`where(owner:)`: `None` counts the machines without an owner).
fn leased<'m>(
    license: &LicenseRecord,
    machines: &[&'m MachineRecord],
    owner: Option<&str>,
) -> Vec<&'m MachineRecord> {
    let per_user = license.machine_leasing == MachineLeasing::PerUser;
    machines
        .iter()
        .copied()
        .filter(|m| !per_user || m.owner_id.as_deref() == owner)
        .collect()
}

/// The sums of the machines' cores, memory and disk, with the limit and the verdict of each.
fn totals(
    license: &LicenseRecord,
    machines: &[&MachineRecord],
) -> [(u64, Option<u64>, &'static str, &'static str); 3] {
    let sum = |f: fn(&MachineRecord) -> Option<u64>| machines.iter().filter_map(|m| f(m)).sum();
    [
        (
            sum(|m| m.cores),
            license.max_cores,
            "has too many associated machine cores",
            "TOO_MANY_CORES",
        ),
        (
            sum(|m| m.memory),
            license.max_memory,
            "has too much associated machine memory",
            "TOO_MUCH_MEMORY",
        ),
        (
            sum(|m| m.disk),
            license.max_disk,
            "has too much associated machine disk",
            "TOO_MUCH_DISK",
        ),
    ]
}

/// The verdict of a strict license's machines (`None`: within every limit).
pub(crate) fn strict(
    license: &LicenseRecord,
    machines: &[&MachineRecord],
    scope: Option<&Map<String, Value>>,
    now: DateTime<Utc>,
) -> Option<Verdict> {
    let count = machines.len() as u64;
    if !license.floating && count == 0 {
        return Some((
            false,
            "must have exactly 1 associated machine",
            "NO_MACHINE",
        ));
    }
    if license.floating && count == 0 {
        return Some((
            false,
            "must have at least 1 associated machine",
            "NO_MACHINES",
        ));
    }
    let owner = scoped_owner(license, scope);
    let leased = leased(license, machines, owner);
    let leased_count = leased.len() as u64;
    if let Some(limit) = validated_machine_limit(license).filter(|l| count > 1 && leased_count > *l)
    {
        let allowed = license.overage.allows(leased_count, limit);
        return Some((
            allowed,
            "has too many associated machines",
            "TOO_MANY_MACHINES",
        ));
    }
    totals(license, &leased)
        .into_iter()
        .find_map(|(total, limit, detail, code)| {
            let limit = limit.filter(|l| total > *l)?;
            Some((license.overage.allows(total, limit), detail, code))
        })
        .or_else(|| processes(license, machines, scope, now))
}

/// `TOO_MANY_PROCESSES`: per machine, those of the alive machine the scope names (none named,
/// none counted); per license, all of them; per user, those of the user's machines.
fn processes(
    license: &LicenseRecord,
    machines: &[&MachineRecord],
    scope: Option<&Map<String, Value>>,
    now: DateTime<Utc>,
) -> Option<Verdict> {
    let limit = license.max_processes?;
    let owner = scoped_owner(license, scope);
    let empty = Map::new();
    let scope = scope.unwrap_or(&empty);
    let count = match license.process_leasing {
        ProcessLeasing::PerLicense => machines.iter().map(|m| m.processes).sum(),
        ProcessLeasing::PerUser => machines
            .iter()
            .filter(|m| m.owner_id.as_deref() == owner)
            .map(|m| m.processes)
            .sum(),
        ProcessLeasing::PerMachine => {
            let named: Vec<&str> = match (scope.get("fingerprint"), scope.get("fingerprints")) {
                (Some(Value::String(f)), _) => vec![f.as_str()],
                (_, Some(Value::Array(list))) => list.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let id = scope.get("machine").and_then(Value::as_str);
            machines
                .iter()
                .filter(|m| !State::is_dead(license, m, now))
                .find(|m| named.contains(&m.fingerprint.as_str()) || Some(m.id.as_str()) == id)
                .map_or(0, |m| m.processes)
        }
    };
    (count > limit).then(|| {
        let allowed = license.overage.allows(count, limit);
        (
            allowed,
            "has too many associated processes",
            "TOO_MANY_PROCESSES",
        )
    })
}

/// The 422 when activating `machine` would pass a limit the overage does not allow (the first
/// machine is always allowed).
pub(crate) fn refused(
    license: &LicenseRecord,
    machines: &[&MachineRecord],
    machine: &MachineRecord,
) -> Option<Answer> {
    let machines = leased(license, machines, machine.owner_id.as_deref());
    let whose = match license.machine_leasing {
        MachineLeasing::PerUser => "user",
        MachineLeasing::PerLicense => "license",
    };
    let count = machines.len() as u64;
    if let Some(limit) = license.machine_limit()
        && count > 0
        && !license.overage.allows(count + 1, limit)
    {
        let detail = format!("machine count has exceeded maximum allowed for {whose} ({limit})");
        return Some(unprocessable(
            &detail,
            Some("MACHINE_LIMIT_EXCEEDED"),
            "/data",
        ));
    }
    let mut all = machines;
    all.push(machine);
    let names = [
        ("core count", "CORE"),
        ("memory", "MEMORY"),
        ("disk", "DISK"),
    ];
    totals(license, &all)
        .into_iter()
        .zip(names)
        .find_map(|((total, limit, _, _), (what, code))| {
            let limit = limit.filter(|l| !license.overage.allows(total, *l))?;
            let detail =
                format!("machine {what} has exceeded maximum allowed for {whose} ({limit})");
            Some(unprocessable(
                &detail,
                Some(&format!("MACHINE_{code}_LIMIT_EXCEEDED")),
                "/data",
            ))
        })
}
