//! Seeding: licenses built in code, with their policies' settings.

use chrono::{DateTime, Utc};

use super::state::{
    AuthStrategy, ComponentUniqueness, ExpirationStrategy, LicenseRecord, MachineLeasing,
    MachineMatching, MachineUniqueness, Overage, ProcessLeasing, Resurrection, State,
};

/// A license to add to the emulator, with its policy's settings. Defaults as
/// [`Keygen`'s](super::state::LicenseRecord): node-locked (one machine), not strict, no
/// heartbeat, never expires.
#[derive(Debug, Clone)]
pub struct LicenseSeed {
    pub(super) record: LicenseRecord,
    created: Option<DateTime<Utc>>,
}

impl LicenseSeed {
    /// A license with this key (and a new id).
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            record: LicenseRecord::new(uuid::Uuid::new_v4().to_string(), key.into(), Utc::now()),
            created: None,
        }
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.record.id = id.into();
        self
    }

    /// Sets the product and policy ids.
    #[must_use]
    pub fn product(mut self, product_id: impl Into<String>, policy_id: impl Into<String>) -> Self {
        self.record.product_id = product_id.into();
        self.record.policy_id = policy_id.into();
        self
    }

    /// Sets the machine limit.
    #[must_use]
    pub fn max_machines(mut self, limit: u64) -> Self {
        self.record.max_machines = Some(limit);
        self
    }

    /// Limits the machines' total cores, memory and disk (bytes); `None` leaves one unlimited.
    #[must_use]
    pub fn max_resources(
        mut self,
        cores: Option<u64>,
        memory: Option<u64>,
        disk: Option<u64>,
    ) -> Self {
        self.record.max_cores = cores;
        self.record.max_memory = memory;
        self.record.max_disk = disk;
        self
    }

    /// Limits its processes, counted per machine or per license.
    #[must_use]
    pub fn max_processes(mut self, limit: u64, leasing: ProcessLeasing) -> Self {
        self.record.max_processes = Some(limit);
        self.record.process_leasing = leasing;
        self
    }

    /// Counts its machine, core, memory and disk limits per license or per user (the policy's
    /// `machineLeasingStrategy`).
    #[must_use]
    pub fn machine_leasing(mut self, leasing: MachineLeasing) -> Self {
        self.record.machine_leasing = leasing;
        self
    }

    /// Sets how far past its limits it may go (the policy's `overageStrategy`).
    #[must_use]
    pub fn overage(mut self, overage: Overage) -> Self {
        self.record.overage = overage;
        self
    }

    /// Sets which of its credentials authenticate (the emulator's default: `Mixed`, key and
    /// token; Keygen's policy default is `Token`).
    #[must_use]
    pub fn authentication(mut self, strategy: AuthStrategy) -> Self {
        self.record.authentication = strategy;
        self
    }

    /// Limits what it may do to `permissions` (`license.validate`, `machine.create`, …; by
    /// default Keygen's license permissions).
    #[must_use]
    pub fn permissions<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        permissions: I,
    ) -> Self {
        self.record.permissions = Some(permissions.into_iter().map(Into::into).collect());
        self
    }

    /// Gives it a token: `Authorization: Bearer <token>` then acts as the license.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.record.token = Some(token.into());
        self
    }

    /// Makes it floating (several machines) or node-locked (one).
    #[must_use]
    pub fn floating(mut self, floating: bool) -> Self {
        self.record.floating = floating;
        self
    }

    /// Makes validation check machines (a strict policy).
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.record.strict = strict;
        self
    }

    /// Requires heartbeats every `seconds`.
    #[must_use]
    pub fn require_heartbeat(mut self, seconds: u64) -> Self {
        self.record.require_heartbeat = true;
        self.record.heartbeat_duration = seconds;
        self
    }

    /// Starts a machine's heartbeats at its first ping rather than its activation (the
    /// policy's `heartbeatBasis` `FROM_FIRST_PING`).
    #[must_use]
    pub fn heartbeat_from_first_ping(mut self) -> Self {
        self.record.heartbeat_from_creation = false;
        self
    }

    /// Sets whether a dead machine's ping revives it.
    #[must_use]
    pub fn resurrection(mut self, resurrection: Resurrection) -> Self {
        self.record.resurrection = resurrection;
        self
    }

    /// Sets the policy's heartbeat duration (seconds) without requiring heartbeats: a machine
    /// that sent one is dead once it is this old.
    #[must_use]
    pub fn heartbeat_duration(mut self, seconds: u64) -> Self {
        self.record.heartbeat_duration = seconds;
        self
    }

    /// Requires validations to give scope `name` (`product`, `policy`, `machine`,
    /// `fingerprint`, `components`, `checksum`, `version`, `user`): the policy's
    /// `require<Name>Scope`.
    #[must_use]
    pub fn require_scope(mut self, name: impl Into<String>) -> Self {
        self.record.required_scopes.push(name.into());
        self
    }

    /// Sets how several fingerprints of a validation match (the policy's
    /// `machineMatchingStrategy`).
    #[must_use]
    pub fn machine_matching(mut self, matching: MachineMatching) -> Self {
        self.record.machine_matching = matching;
        self
    }

    /// Sets how a validation's components match the machine's (the policy's
    /// `componentMatchingStrategy`).
    #[must_use]
    pub fn component_matching(mut self, matching: MachineMatching) -> Self {
        self.record.component_matching = matching;
        self
    }

    /// Sets where a new machine's component fingerprints must be unique (the policy's
    /// `componentUniquenessStrategy`).
    #[must_use]
    pub fn component_uniqueness(mut self, uniqueness: ComponentUniqueness) -> Self {
        self.record.component_uniqueness = uniqueness;
        self
    }

    /// Where a new machine's fingerprint must be unique (Keygen's default: the license).
    #[must_use]
    pub fn machine_uniqueness(mut self, uniqueness: MachineUniqueness) -> Self {
        self.record.machine_uniqueness = uniqueness;
        self
    }

    /// Sets when it was created (the emulator's now by default).
    #[must_use]
    pub fn created(mut self, at: DateTime<Utc>) -> Self {
        self.created = Some(at);
        self
    }

    /// Requires check-ins every `seconds` (the policy's `requireCheckIn` and interval), the
    /// last at `last` (`None`: none yet, never overdue).
    #[must_use]
    pub fn check_in(mut self, seconds: u64, last: Option<DateTime<Utc>>) -> Self {
        self.record.check_in_interval = Some(seconds);
        self.record.last_check_in = last;
        self
    }

    /// Sets when it was last validated.
    #[must_use]
    pub fn last_validated(mut self, at: DateTime<Utc>) -> Self {
        self.record.last_validated = Some(at);
        self
    }

    /// Sets the release version its last validation matched (its `version` attribute).
    #[must_use]
    pub fn last_validated_version(mut self, version: impl Into<String>) -> Self {
        self.record.last_validated_version = Some(version.into());
        self
    }

    /// Sets the expiry.
    #[must_use]
    pub fn expiry(mut self, expiry: DateTime<Utc>) -> Self {
        self.record.expiry = Some(expiry);
        self
    }

    /// Sets what expiry does.
    #[must_use]
    pub fn expiration_strategy(mut self, strategy: ExpirationStrategy) -> Self {
        self.record.expiration_strategy = strategy;
        self
    }

    /// Gives the policy a duration (seconds), so `renew` works.
    #[must_use]
    pub fn duration(mut self, seconds: u64) -> Self {
        self.record.duration = Some(seconds);
        self
    }

    /// Suspends it.
    #[must_use]
    pub fn suspended(mut self, suspended: bool) -> Self {
        self.record.suspended = suspended;
        self
    }

    /// Sets the policy's key scheme (`ED25519_SIGN`, `RSA_2048_PKCS1_ENCRYPT`,
    /// `RSA_2048_JWT_RS256`, `LEGACY_ENCRYPT`, …): a key given to `POST /licenses` is checked as
    /// Keygen checks it for the scheme, then kept as given (not signed or encrypted).
    #[must_use]
    pub fn scheme(mut self, scheme: impl Into<String>) -> Self {
        let scheme = scheme.into();
        // A license created under a legacy encrypted policy has its key stored hashed.
        self.record.key_hashed |= scheme == super::legacy::SCHEME;
        self.record.scheme = Some(scheme);
        self
    }

    /// Marks the license as created under a legacy encrypted policy (`LEGACY_ENCRYPT`, which
    /// [`scheme`](Self::scheme) implies), kept even if its policy changes: Keygen stores its key
    /// only hashed, so the key finds it only in a validation that says it is encrypted
    /// (`meta.encrypted`), whose key starts with the license's id (without dashes) in the
    /// first 32 characters, as Keygen generates such keys; it is found by id, never as a key.
    #[must_use]
    pub fn legacy_encrypted(mut self) -> Self {
        self.record.key_hashed = true;
        self
    }

    /// Attaches entitlements (their codes).
    #[must_use]
    pub fn entitlements<I: IntoIterator<Item = S>, S: Into<String>>(mut self, codes: I) -> Self {
        self.record.entitlements = codes.into_iter().map(Into::into).collect();
        self
    }

    /// Sets its metadata.
    #[must_use]
    pub fn metadata(mut self, metadata: serde_json::Map<String, serde_json::Value>) -> Self {
        self.record.metadata = metadata;
        self
    }

    /// Sets when it was last checked out.
    #[must_use]
    pub fn last_check_out(mut self, at: DateTime<Utc>) -> Self {
        self.record.last_check_out = Some(at);
        self
    }

    /// Sets a name.
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.record.name = Some(name.into());
        self
    }
}

/// The record `seed` describes.
pub(crate) fn record(seed: LicenseSeed) -> LicenseRecord {
    seed.record
}

/// Adds `seed`, stamped on the emulator's clock; returns its id.
pub(crate) fn insert_license(state: &mut State, seed: LicenseSeed) -> String {
    let mut record = seed.record;
    if record.permissions.is_none() {
        record.permissions = state.new_license_permissions();
    }
    let created = seed.created.unwrap_or_else(|| state.now());
    record.created = created;
    record.updated = created;
    let id = record.id.clone();
    state.licenses.retain(|l| l.id != id);
    state.licenses.push(record);
    id
}
