//! Seeding: licenses built in code, with their policies' settings.

use chrono::{DateTime, Utc};

use super::state::{AuthStrategy, ExpirationStrategy, LicenseRecord, State};

/// A license to add to the emulator, with its policy's settings. Defaults as
/// [`Keygen`'s](super::state::LicenseRecord): node-locked (one machine), not strict, no
/// heartbeat, never expires. Its limits are set in `seed_limits.rs`, how its policy treats
/// machines in `seed_machine_rules.rs`.
#[derive(Debug, Clone)]
pub struct LicenseSeed {
    pub(super) record: LicenseRecord,
    /// Whether the machine limit was said (`max_machines`, `unlimited_machines`): otherwise
    /// the seed gets a created policy's (`seed_limits::created_policy_machine_limit`).
    pub(super) machine_limit_given: bool,
    created: Option<DateTime<Utc>>,
}

impl LicenseSeed {
    /// A license with this key (and a new id).
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            record: LicenseRecord::new(uuid::Uuid::new_v4().to_string(), key.into(), Utc::now()),
            machine_limit_given: false,
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

/// Adds `seed`, stamped on the emulator's clock; returns its id.
pub(crate) fn insert_license(state: &mut State, seed: LicenseSeed) -> String {
    let created = seed.created.unwrap_or_else(|| state.now());
    let mut record = seed.into_record();
    if record.permissions.is_none() {
        record.permissions = state.new_license_permissions();
    }
    record.created = created;
    record.updated = created;
    let id = record.id.clone();
    state.licenses.retain(|l| l.id != id);
    state.licenses.push(record);
    id
}
