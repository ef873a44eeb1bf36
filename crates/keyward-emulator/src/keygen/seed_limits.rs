//! Seeding a license's limits: its policy's machine, core, memory, disk and process limits,
//! how they are counted and how far past them it may go; and the machine limit a node-locked
//! policy gets when it is created (`policy.rb`'s `before_create`).

use super::seed::LicenseSeed;
use super::state::{LicenseRecord, MachineLeasing, Overage, ProcessLeasing};

/// The machine limit Keygen gives a policy it creates without one (`policy.rb`:
/// `before_create -> { self.max_machines = 1 }, if: :node_locked?`): 1 when node-locked.
pub(super) fn created_policy_machine_limit(floating: bool) -> Option<u64> {
    (!floating).then_some(1)
}

impl LicenseSeed {
    /// Sets the machine limit (the policy's `maxMachines`). Without this or
    /// [`unlimited_machines`](Self::unlimited_machines), a floating license has no limit and a
    /// node-locked one has 1, as Keygen gives a node-locked policy when it is created.
    #[must_use]
    pub fn max_machines(mut self, limit: u64) -> Self {
        self.record.max_machines = Some(limit);
        self.machine_limit_given = true;
        self
    }

    /// Gives it no machine limit, node-locked too: a policy whose `maxMachines` was cleared
    /// past Keygen's validations (`maxMachines` `null`). A validation still holds a node-locked
    /// license to one machine; activations are not limited.
    #[must_use]
    pub fn unlimited_machines(mut self) -> Self {
        self.record.max_machines = None;
        self.machine_limit_given = true;
        self
    }

    /// Gives it a machine limit of its own, over its policy's (`maxMachines` set on the
    /// license).
    #[must_use]
    pub fn max_machines_override(mut self, limit: u64) -> Self {
        self.record.max_machines_override = Some(limit);
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

    /// The record it describes, with the machine limit of a policy Keygen created when the
    /// seed did not say one.
    pub(super) fn into_record(self) -> LicenseRecord {
        let mut record = self.record;
        if !self.machine_limit_given {
            record.max_machines = created_policy_machine_limit(record.floating);
        }
        record
    }
}
