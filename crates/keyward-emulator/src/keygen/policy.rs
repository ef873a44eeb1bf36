//! A policy's strategies the emulator models, held by each license it governs.

/// Which credentials of a license authenticate (the policy's `authenticationStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthStrategy {
    /// `TOKEN` (Keygen's default): the license's tokens.
    Token,
    /// `LICENSE`: its key.
    License,
    /// `MIXED`: both (the emulator's seeds' default, so a key works unless a test says not).
    Mixed,
    /// `NONE`: neither.
    None,
}

/// How far past a limit the policy allows (`overageStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Overage {
    /// `NO_OVERAGE` (Keygen's default).
    None,
    /// `ALLOW_1_25X_OVERAGE`.
    Allow125x,
    /// `ALLOW_1_5X_OVERAGE`.
    Allow15x,
    /// `ALLOW_2X_OVERAGE`.
    Allow2x,
    /// `ALWAYS_ALLOW_OVERAGE`.
    Always,
}

/// How many of a validation's fingerprints must match alive machines (the policy's
/// `machineMatchingStrategy`; one fingerprint must always match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MachineMatching {
    /// `MATCH_ANY` (Keygen's default): one.
    Any,
    /// `MATCH_TWO`: two.
    Two,
    /// `MATCH_MOST`: half, rounded up.
    Most,
    /// `MATCH_ALL`: all.
    All,
}

/// How a license's expiry is treated (the policy's `expirationStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpirationStrategy {
    /// `REVOKE_ACCESS`: expired is `EXPIRED` before any other check.
    RevokeAccess,
    /// `RESTRICT_ACCESS` (Keygen's default): `EXPIRED` after the other checks, invalid.
    RestrictAccess,
    /// `ALLOW_ACCESS`: `EXPIRED` after the other checks, but valid.
    AllowAccess,
    /// `MAINTAIN_ACCESS`: as `ALLOW_ACCESS`, but releases created after the expiry (and not
    /// backdated before it) are out of reach (`release.rb`'s `within_expiry_for`).
    MaintainAccess,
}

/// Whether a dead machine's ping brings it back (the policy's `heartbeatResurrectionStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Resurrection {
    /// `NO_REVIVE` (Keygen's default): 422 `MACHINE_HEARTBEAT_DEAD`.
    Never,
    /// `1_MINUTE_REVIVE` … `15_MINUTE_REVIVE`: within this many seconds of its death.
    Within(u64),
    /// `ALWAYS_REVIVE`.
    Always,
}

/// How a policy's process limit counts (`processLeasingStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProcessLeasing {
    /// `PER_MACHINE` (Keygen's default): the processes of the machine a validation names.
    PerMachine,
    /// `PER_LICENSE`: all the license's processes.
    PerLicense,
    /// `PER_USER`: the processes of the machines of the user a validation names (of machines
    /// without an owner when it names none).
    PerUser,
}

/// Where a machine's component fingerprints must be unique (`componentUniquenessStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ComponentUniqueness {
    /// `UNIQUE_PER_MACHINE` (Keygen's default): within the machine.
    PerMachine,
    /// `UNIQUE_PER_LICENSE`: among the license's machines.
    PerLicense,
    /// `UNIQUE_PER_POLICY`: among the machines of the policy's licenses.
    PerPolicy,
    /// `UNIQUE_PER_PRODUCT`: among the machines of the product's licenses.
    PerProduct,
    /// `UNIQUE_PER_ACCOUNT`: among every machine.
    PerAccount,
}

/// Where a machine's fingerprint must be unique (`machineUniquenessStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MachineUniqueness {
    /// `UNIQUE_PER_LICENSE` (Keygen's default): among the license's machines.
    PerLicense,
    /// `UNIQUE_PER_POLICY`: among the machines of the policy's licenses.
    PerPolicy,
    /// `UNIQUE_PER_PRODUCT`: among the machines of the product's licenses.
    PerProduct,
    /// `UNIQUE_PER_ACCOUNT`: among every machine.
    PerAccount,
}

/// Whether two licenses are in the same scope.
pub(crate) type Within = fn(&super::state::LicenseRecord, &super::state::LicenseRecord) -> bool;

impl MachineUniqueness {
    /// The scope's name (`has already been taken for this policy`) and whether two licenses
    /// share it.
    pub(crate) fn scope(self) -> (&'static str, Within) {
        match self {
            MachineUniqueness::PerLicense => ("license", |a, b| a.id == b.id),
            MachineUniqueness::PerPolicy => ("policy", |a, b| a.policy_id == b.policy_id),
            MachineUniqueness::PerProduct => ("product", |a, b| a.product_id == b.product_id),
            MachineUniqueness::PerAccount => ("account", |_, _| true),
        }
    }
}

/// How a policy's machine, core, memory and disk limits count (`machineLeasingStrategy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MachineLeasing {
    /// `PER_LICENSE` (Keygen's default): all the license's machines.
    PerLicense,
    /// `PER_USER`: the machines of one owner (those without one count together).
    PerUser,
}
