//! Seeding machines: a machine added to a license as `POST /machines` would have made it.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::state::{MachineRecord, State};

/// A machine to add to a license (no limit checked), as `POST /machines` would have made it.
#[derive(Debug, Clone)]
pub struct MachineSeed {
    id: String,
    fingerprint: String,
    name: Option<String>,
    ip: Option<String>,
    hostname: Option<String>,
    cores: Option<u64>,
    memory: Option<u64>,
    disk: Option<u64>,
    components: Vec<String>,
    processes: u64,
    last_heartbeat: Option<DateTime<Utc>>,
    metadata: Map<String, Value>,
    created: Option<DateTime<Utc>>,
    owner: Option<String>,
    environment: Option<String>,
    group: Option<String>,
}

impl MachineSeed {
    /// A machine with this fingerprint (and a new id), created now, no heartbeat yet.
    pub fn new(fingerprint: impl Into<String>) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            fingerprint: fingerprint.into(),
            name: None,
            ip: None,
            hostname: None,
            cores: None,
            memory: None,
            disk: None,
            components: Vec::new(),
            processes: 0,
            last_heartbeat: None,
            metadata: Map::new(),
            created: None,
            owner: None,
            environment: None,
            group: None,
        }
    }

    /// Puts it in environment `environment_id` (by default its license's).
    #[must_use]
    pub fn environment(mut self, environment_id: impl Into<String>) -> Self {
        self.environment = Some(environment_id.into());
        self
    }

    /// Puts it in group `group_id`.
    #[must_use]
    pub fn group(mut self, group_id: impl Into<String>) -> Self {
        self.group = Some(group_id.into());
        self
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets a name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Sets its IP address.
    #[must_use]
    pub fn ip(mut self, ip: impl Into<String>) -> Self {
        self.ip = Some(ip.into());
        self
    }

    /// Sets its hostname.
    #[must_use]
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.hostname = Some(hostname.into());
        self
    }

    /// Sets the CPU core count.
    #[must_use]
    pub fn cores(mut self, cores: u64) -> Self {
        self.cores = Some(cores);
        self
    }

    /// Sets the memory (bytes).
    #[must_use]
    pub fn memory(mut self, bytes: u64) -> Self {
        self.memory = Some(bytes);
        self
    }

    /// Sets the disk (bytes).
    #[must_use]
    pub fn disk(mut self, bytes: u64) -> Self {
        self.disk = Some(bytes);
        self
    }

    /// Gives it hardware components (their fingerprints).
    #[must_use]
    pub fn components<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        fingerprints: I,
    ) -> Self {
        self.components = fingerprints.into_iter().map(Into::into).collect();
        self
    }

    /// Sets how many processes run on it.
    #[must_use]
    pub fn processes(mut self, count: u64) -> Self {
        self.processes = count;
        self
    }

    /// Sets the last heartbeat.
    #[must_use]
    pub fn last_heartbeat(mut self, at: DateTime<Utc>) -> Self {
        self.last_heartbeat = Some(at);
        self
    }

    /// Sets when it was created (the emulator's now by default).
    #[must_use]
    pub fn created(mut self, at: DateTime<Utc>) -> Self {
        self.created = Some(at);
        self
    }

    /// Makes user `user_id` (one of its license's users) its owner.
    #[must_use]
    pub fn owner(mut self, user_id: impl Into<String>) -> Self {
        self.owner = Some(user_id.into());
        self
    }

    /// Sets its metadata.
    #[must_use]
    pub fn metadata(mut self, metadata: Map<String, Value>) -> Self {
        self.metadata = metadata;
        self
    }
}

/// Adds `seed` to license `license_id` (id or key); its id, or `None` when there is no such
/// license.
pub(crate) fn insert_machine(
    state: &mut State,
    license_id: &str,
    seed: MachineSeed,
) -> Option<String> {
    let license = state.license(license_id)?;
    let (license_id, license_environment) = (license.id.clone(), license.environment_id.clone());
    let created = seed.created.unwrap_or_else(|| state.now());
    state.machines.retain(|m| m.id != seed.id);
    state.machines.push(MachineRecord {
        id: seed.id.clone(),
        license_id,
        owner_id: seed.owner,
        fingerprint: seed.fingerprint,
        name: seed.name,
        platform: None,
        ip: seed.ip,
        hostname: seed.hostname,
        cores: seed.cores,
        memory: seed.memory,
        disk: seed.disk,
        components: seed.components,
        processes: seed.processes,
        last_heartbeat: seed.last_heartbeat,
        metadata: seed.metadata,
        // `machine.rb`: `has_environment default: -> { license&.environment_id }`.
        environment_id: seed.environment.or(license_environment),
        group_id: seed.group,
        created,
        updated: created,
    });
    Some(seed.id)
}
