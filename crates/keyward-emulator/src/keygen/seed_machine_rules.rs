//! Seeding how a license's policy treats machines: floating or node-locked, strict
//! validation, heartbeats, the scopes a validation must give, how fingerprints and components
//! match and where they must be unique.

use super::seed::LicenseSeed;
use super::state::{ComponentUniqueness, MachineMatching, MachineUniqueness, Resurrection};

impl LicenseSeed {
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
}
