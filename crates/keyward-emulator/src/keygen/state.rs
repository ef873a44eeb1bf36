//! What the emulated Keygen account holds: licenses (each with its policy's settings), machines,
//! users, environments, groups, the admin token and the account's Ed25519 key (`resources.rs`
//! writes licenses and machines as Keygen serializes them).

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

pub use super::policy::{
    AuthStrategy, ComponentUniqueness, ExpirationStrategy, MachineLeasing, MachineMatching,
    MachineUniqueness, Overage, ProcessLeasing, Resurrection,
};
use crate::shell::{Clock, Outbox};

/// A license and the settings of its policy.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicenseRecord {
    /// The id (a UUID).
    pub id: String,
    /// The key.
    pub key: String,
    /// A name.
    pub name: Option<String>,
    /// The product's id.
    pub product_id: String,
    /// The policy's id.
    pub policy_id: String,
    /// When it expires.
    pub expiry: Option<DateTime<Utc>>,
    /// Whether it is suspended.
    pub suspended: bool,
    /// Its policy's machine limit (`None`: none; a node-locked policy gets 1 when it is
    /// created, see [`LicenseSeed::max_machines`](super::LicenseSeed::max_machines)).
    pub max_machines: Option<u64>,
    /// Its own machine limit, over its policy's (see [`LicenseRecord::machine_limit`]).
    pub max_machines_override: Option<u64>,
    /// The limit of the machines' cores, memory (bytes) and disk (bytes).
    pub max_cores: Option<u64>,
    /// See `max_cores`.
    pub max_memory: Option<u64>,
    /// See `max_cores`.
    pub max_disk: Option<u64>,
    /// The process limit.
    pub max_processes: Option<u64>,
    /// How many times it was used (`uses`).
    pub uses: u64,
    /// Its policy's usage limit (`maxUses`).
    pub max_uses: Option<u64>,
    /// Its own usage limit, over its policy's (see [`LicenseRecord::usage_limit`]).
    pub max_uses_override: Option<u64>,
    /// How the process limit counts.
    pub process_leasing: ProcessLeasing,
    /// How the machine, core, memory and disk limits count.
    pub machine_leasing: MachineLeasing,
    /// How far past the limits it may go.
    pub overage: Overage,
    /// Which of its credentials authenticate.
    pub authentication: AuthStrategy,
    /// What it may do (`None`: Keygen's default license permissions).
    pub permissions: Option<Vec<String>>,
    /// A token of the license (`Bearer` authenticates as the license).
    pub token: Option<String>,
    /// The user who owns it.
    pub owner_id: Option<String>,
    /// Its other users (`license_users`).
    pub user_ids: Vec<String>,
    /// The limit of its users, the owner counted (`maxUsers`).
    pub max_users: Option<u64>,
    /// Whether only admins may act on it (a user may not check it out or activate machines
    /// on it; the policy's `protected`, unless the license's own says otherwise).
    pub protected: bool,
    /// Whether it may be used on several machines.
    pub floating: bool,
    /// Whether validation checks machines (strict policy).
    pub strict: bool,
    /// Whether machines must send heartbeats.
    pub require_heartbeat: bool,
    /// Whether a machine's heartbeats start at its activation (`heartbeatBasis`
    /// `FROM_CREATION`, Keygen's default when they are required) or at its first ping.
    pub heartbeat_from_creation: bool,
    /// Whether a dead machine may come back.
    pub resurrection: Resurrection,
    /// Seconds between heartbeats (Keygen's default: 600).
    pub heartbeat_duration: u64,
    /// The policy's check-in interval (seconds) when it requires check-ins.
    pub check_in_interval: Option<u64>,
    /// The last check-in.
    pub last_check_in: Option<DateTime<Utc>>,
    /// The policy's duration, in seconds, for `renew`.
    pub duration: Option<u64>,
    /// What expiry does.
    pub expiration_strategy: ExpirationStrategy,
    /// When its expiry starts.
    pub expiration_basis: super::expiration_basis::ExpirationBasis,
    /// Entitlement codes.
    pub entitlements: Vec<String>,
    /// The policy's key scheme (`ED25519_SIGN`, …): a given key is checked for it, kept as is.
    pub scheme: Option<String>,
    /// Whether its policy hands out keys from its pool (`usePool`).
    pub use_pool: bool,
    /// Whether its key is stored hashed, as a license created under a legacy encrypted policy
    /// (`LEGACY_ENCRYPT`) has it: found by id and by a legacy encrypted validation, never as a
    /// key ([`LicenseSeed::legacy_encrypted`](super::LicenseSeed::legacy_encrypted)).
    pub key_hashed: bool,
    /// The scopes a validation must give (`requireProductScope`, …): `product`, `policy`,
    /// `machine`, `fingerprint`, `components`, `checksum`, `version`, `user`.
    pub required_scopes: Vec<String>,
    /// How several fingerprints match.
    pub machine_matching: MachineMatching,
    /// How a validation's components match the machine's.
    pub component_matching: MachineMatching,
    /// Where a new machine's component fingerprints must be unique.
    pub component_uniqueness: ComponentUniqueness,
    /// Where a new machine's fingerprint must be unique.
    pub machine_uniqueness: MachineUniqueness,
    /// Metadata.
    pub metadata: Map<String, Value>,
    /// Its environment's id (`None`: the global environment).
    pub environment_id: Option<String>,
    /// Its group's id.
    pub group_id: Option<String>,
    /// Its token's activations and deactivations.
    pub token_activations: super::activations::TokenActivations,
    /// The last validation.
    pub last_validated: Option<DateTime<Utc>>,
    /// The release version its last validation's `checksum` or `version` scope matched
    /// (`last_validated_version`, its `version` attribute).
    pub last_validated_version: Option<String>,
    /// The last check-out (of a license file).
    pub last_check_out: Option<DateTime<Utc>>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
}

/// A machine.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MachineRecord {
    /// The id (a UUID).
    pub id: String,
    /// Its license's id.
    pub license_id: String,
    /// The user who owns it (one of its license's users).
    pub owner_id: Option<String>,
    /// The fingerprint.
    pub fingerprint: String,
    /// A name.
    pub name: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// Its IP address, as the client sent it.
    pub ip: Option<String>,
    /// Its hostname.
    pub hostname: Option<String>,
    /// Cores.
    pub cores: Option<u64>,
    /// Memory (bytes).
    pub memory: Option<u64>,
    /// Disk (bytes).
    pub disk: Option<u64>,
    /// How many processes run on it.
    pub processes: u64,
    /// Its hardware components' fingerprints.
    pub components: Vec<String>,
    /// The last heartbeat.
    pub last_heartbeat: Option<DateTime<Utc>>,
    /// Metadata.
    pub metadata: Map<String, Value>,
    /// Its environment's id (`None`: the global environment).
    pub environment_id: Option<String>,
    /// Its group's id.
    pub group_id: Option<String>,
    /// Created.
    pub created: DateTime<Utc>,
    /// Updated.
    pub updated: DateTime<Utc>,
}

/// The emulated account.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub(crate) clock: Clock,
    pub(crate) account_id: String,
    pub(crate) token: String,
    pub(crate) signing_seed: [u8; 32],
    /// The account's RSA and ECDSA keys, for check-outs that ask for them.
    pub(crate) checkout_keys: super::checkout_sign::CheckoutKeys,
    pub(crate) sign_responses: bool,
    pub(crate) tamper: bool,
    /// Whether the account's subscription lapsed (every request 403).
    pub(crate) inactive: bool,
    /// The account's API version's minor number (`None`: the current one).
    pub(crate) api_version: Option<u8>,
    /// The Keygen edition answering.
    pub(crate) edition: super::edition::Edition,
    pub(crate) licenses: Vec<LicenseRecord>,
    /// Policies, as the settings a license created under each gets (`add_policy`).
    pub(crate) policies: Vec<LicenseRecord>,
    /// Product tokens: `(token, product id)`.
    pub(crate) product_tokens: Vec<(String, String)>,
    pub(crate) users: Vec<super::users::UserRecord>,
    pub(crate) machines: Vec<MachineRecord>,
    /// Keygen EE's environments.
    pub(crate) environments: Vec<super::environments::EnvironmentSeed>,
    /// The environment each token was made in, where it is not its bearer's.
    pub(crate) token_environments: Vec<(String, Option<String>)>,
    /// While a request is answered, the licenses and machines of other environments.
    pub(crate) elsewhere_licenses: Vec<LicenseRecord>,
    pub(crate) elsewhere_machines: Vec<MachineRecord>,
    /// Groups.
    pub(crate) groups: Vec<super::groups::GroupSeed>,
    /// The account's plan and billing (`None`: no plan limits, as self-hosted).
    pub(crate) plan: Option<super::plan::AccountPlan>,
    /// The account's `default_license_permissions` and `default_user_permissions` settings.
    pub(crate) default_license_permissions: Option<Vec<String>>,
    pub(crate) default_user_permissions: Option<Vec<String>>,
    /// Pooled policies' keys, in the order they were added: `(policy id, key)`.
    pub(crate) pool: Vec<(String, String)>,
    /// Products' releases.
    pub(crate) releases: Vec<super::releases::ReleaseSeed>,
    /// Products' distribution strategies, where not the default.
    pub(crate) distributions: Vec<(String, super::releases::DistributionStrategy)>,
    /// The token the request being answered carries (Keygen's `Current.token`).
    pub(crate) current_token: Option<String>,
    /// The environment of the request being answered (Keygen's `Current.environment`).
    pub(crate) current_environment: Option<String>,
    pub(crate) outbox: Outbox,
}

pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

impl State {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// `/v1/accounts/{id}`, the prefix of every resource link.
    pub(crate) fn account_path(&self) -> String {
        format!("/v1/accounts/{}", self.account_id)
    }

    /// A license by id or key (Keygen looks keys up too).
    pub(crate) fn license(&self, id_or_key: &str) -> Option<&LicenseRecord> {
        self.licenses
            .iter()
            .find(|l| l.id == id_or_key || l.has_key(id_or_key))
    }

    pub(crate) fn license_mut(&mut self, id_or_key: &str) -> Option<&mut LicenseRecord> {
        self.licenses
            .iter_mut()
            .find(|l| l.id == id_or_key || l.has_key(id_or_key))
    }

    /// A machine by id or fingerprint, among those `visible` allows.
    pub(crate) fn machine(&self, id_or_fingerprint: &str) -> Option<&MachineRecord> {
        self.machines
            .iter()
            .find(|m| m.id == id_or_fingerprint || m.fingerprint == id_or_fingerprint)
    }

    pub(crate) fn machines_of(&self, license_id: &str) -> Vec<&MachineRecord> {
        self.machines
            .iter()
            .filter(|m| m.license_id == license_id)
            .collect()
    }

    /// Whether a machine's heartbeat is dead at `now` (`machine.rb`'s `heartbeat_status`): a
    /// heartbeat older than the duration, whether or not the policy requires them; with none
    /// yet, only when they are required and the machine is older than the duration.
    pub(crate) fn is_dead(
        license: &LicenseRecord,
        machine: &MachineRecord,
        now: DateTime<Utc>,
    ) -> bool {
        let window = chrono::Duration::seconds(
            i64::try_from(license.heartbeat_duration).unwrap_or(i64::MAX),
        );
        match machine.last_heartbeat {
            Some(last) => last + window < now,
            None => license.require_heartbeat && machine.created + window < now,
        }
    }
}
