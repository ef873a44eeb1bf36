//! The answer of `validate-key` and `validate`: always 200, the verdict in `meta`.

use chrono::{DateTime, Utc};
use keyward_core::{AttachRaw, RawJson};
use serde::Deserialize;
use serde_json::Value;

use super::license::License;

/// A validation answer: the license (absent for an unknown key) and the verdict.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Validation {
    /// The license, when the key or id exists.
    #[serde(default)]
    pub data: Option<License>,
    /// The verdict.
    pub meta: ValidationMeta,
    /// The whole answer, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

impl AttachRaw for Validation {
    fn attach_raw(&mut self, raw: RawJson) {
        if let Some(license) = &mut self.data {
            license.attach_raw(raw.at("/data"));
        }
        self.raw = raw;
    }
}

impl Validation {
    /// Whether Keygen said valid (`meta.valid`; some failures are valid under an overage policy).
    pub fn is_valid(&self) -> bool {
        self.meta.valid
    }

    /// The code (`VALID`, `NOT_FOUND`, `EXPIRED`, …).
    pub fn code(&self) -> &ValidationCode {
        &self.meta.code
    }
}

/// `meta` of a validation answer.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ValidationMeta {
    /// When the server validated.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub ts: Option<DateTime<Utc>>,
    /// The verdict.
    #[serde(deserialize_with = "keyward_core::de::bool_or_false")]
    pub valid: bool,
    /// The reason in words (`"is valid"`, `"is expired"`).
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub detail: String,
    /// The reason as a code.
    pub code: ValidationCode,
    /// The nonce sent, echoed (signed with the answer).
    #[serde(default)]
    pub nonce: Option<i64>,
    /// The scope sent, echoed.
    #[serde(default)]
    pub scope: Option<Value>,
}

keyward_core::open_enum!(
    /// A validation code (`app/services/license_validation_service.rb`), in the server's order
    /// of checks.
    ValidationCode {
        /// The key or id does not exist.
        NotFound => "NOT_FOUND",
        /// The owner is banned.
        Banned => "BANNED",
        /// The license is suspended.
        Suspended => "SUSPENDED",
        /// Expired (with a revoke-access or restrict-access expiration strategy).
        Expired => "EXPIRED",
        /// A check-in is overdue.
        Overdue => "OVERDUE",
        /// The environment scope does not match.
        EnvironmentScopeMismatch => "ENVIRONMENT_SCOPE_MISMATCH",
        /// The policy requires an environment scope.
        EnvironmentScopeRequired => "ENVIRONMENT_SCOPE_REQUIRED",
        /// The product scope does not match.
        ProductScopeMismatch => "PRODUCT_SCOPE_MISMATCH",
        /// The policy requires a product scope.
        ProductScopeRequired => "PRODUCT_SCOPE_REQUIRED",
        /// The policy scope does not match.
        PolicyScopeMismatch => "POLICY_SCOPE_MISMATCH",
        /// The policy requires a policy scope.
        PolicyScopeRequired => "POLICY_SCOPE_REQUIRED",
        /// The user scope does not match.
        UserScopeMismatch => "USER_SCOPE_MISMATCH",
        /// The policy requires a user scope.
        UserScopeRequired => "USER_SCOPE_REQUIRED",
        /// The entitlements scope is empty.
        EntitlementsScopeEmpty => "ENTITLEMENTS_SCOPE_EMPTY",
        /// Entitlements asked for are missing.
        EntitlementsMissing => "ENTITLEMENTS_MISSING",
        /// No machine is activated.
        NoMachine => "NO_MACHINE",
        /// No machines are activated (floating).
        NoMachines => "NO_MACHINES",
        /// The machine scope does not match.
        MachineScopeMismatch => "MACHINE_SCOPE_MISMATCH",
        /// The machine's heartbeat has not started.
        HeartbeatNotStarted => "HEARTBEAT_NOT_STARTED",
        /// The machine's heartbeat is dead.
        HeartbeatDead => "HEARTBEAT_DEAD",
        /// The policy requires a machine scope.
        MachineScopeRequired => "MACHINE_SCOPE_REQUIRED",
        /// The fingerprint scope is empty.
        FingerprintScopeEmpty => "FINGERPRINT_SCOPE_EMPTY",
        /// The fingerprint is not activated for the license.
        FingerprintScopeMismatch => "FINGERPRINT_SCOPE_MISMATCH",
        /// The policy requires a fingerprint scope.
        FingerprintScopeRequired => "FINGERPRINT_SCOPE_REQUIRED",
        /// The components scope is empty.
        ComponentsScopeEmpty => "COMPONENTS_SCOPE_EMPTY",
        /// The components do not match.
        ComponentsScopeMismatch => "COMPONENTS_SCOPE_MISMATCH",
        /// The policy requires a components scope.
        ComponentsScopeRequired => "COMPONENTS_SCOPE_REQUIRED",
        /// The checksum scope does not match.
        ChecksumScopeMismatch => "CHECKSUM_SCOPE_MISMATCH",
        /// The policy requires a checksum scope.
        ChecksumScopeRequired => "CHECKSUM_SCOPE_REQUIRED",
        /// The version scope does not match.
        VersionScopeMismatch => "VERSION_SCOPE_MISMATCH",
        /// The policy requires a version scope.
        VersionScopeRequired => "VERSION_SCOPE_REQUIRED",
        /// More users than allowed.
        TooManyUsers => "TOO_MANY_USERS",
        /// More machines than allowed.
        TooManyMachines => "TOO_MANY_MACHINES",
        /// More cores than allowed.
        TooManyCores => "TOO_MANY_CORES",
        /// More memory than allowed.
        TooMuchMemory => "TOO_MUCH_MEMORY",
        /// More disk than allowed.
        TooMuchDisk => "TOO_MUCH_DISK",
        /// More processes than allowed.
        TooManyProcesses => "TOO_MANY_PROCESSES",
        /// Valid.
        Valid => "VALID",
    }
);
