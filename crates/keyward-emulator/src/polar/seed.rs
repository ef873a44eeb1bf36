//! Seeding the emulated Polar: licenses built in code.

use chrono::{DateTime, Utc};

use super::state::{KeyRecord, State, new_id};

/// A license key to add with [`PolarEmulator::add_license`](super::PolarEmulator::add_license).
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSeed {
    key: String,
    status: String,
    benefit_id: String,
    customer_id: String,
    customer_email: String,
    limit_activations: Option<i64>,
    limit_usage: Option<i64>,
    usage: i64,
    expires_at: Option<DateTime<Utc>>,
}

impl LicenseSeed {
    /// A granted key without an activation limit (so validate only, as Polar has it), usage
    /// limit or expiry.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            status: "granted".to_owned(),
            benefit_id: "32a8eda4-56cf-4a94-8228-792d324a519e".to_owned(),
            customer_id: "992fae2a-2a17-4b7a-8d9e-e287cf90131b".to_owned(),
            customer_email: "customer@example.com".to_owned(),
            limit_activations: None,
            limit_usage: None,
            usage: 0,
            expires_at: None,
        }
    }

    /// At most this many activations (Polar's `limit_activations`; 0 means none allowed).
    pub fn limit_activations(mut self, limit: u32) -> Self {
        self.limit_activations = Some(i64::from(limit));
        self
    }

    /// At most this much usage, and the usage counted so far.
    pub fn limit_usage(mut self, limit: u32, used: u32) -> Self {
        self.limit_usage = Some(i64::from(limit));
        self.usage = i64::from(used);
        self
    }

    /// Expires at this time (compared with the emulator's clock).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Starts revoked.
    pub fn revoked(mut self) -> Self {
        self.status = "revoked".to_owned();
        self
    }

    /// Starts disabled.
    pub fn disabled(mut self) -> Self {
        self.status = "disabled".to_owned();
        self
    }

    /// Granted by this benefit (a UUID).
    pub fn benefit_id(mut self, id: impl Into<String>) -> Self {
        self.benefit_id = id.into();
        self
    }

    /// Owned by this customer (a UUID) with this email.
    pub fn customer(mut self, id: impl Into<String>, email: impl Into<String>) -> Self {
        self.customer_id = id.into();
        self.customer_email = email.into();
        self
    }
}

pub(crate) fn insert(state: &mut State, seed: LicenseSeed) -> String {
    if let Some(existing) = state.keys.iter().find(|k| k.key == seed.key) {
        return existing.id.clone();
    }
    let id = new_id();
    state.keys.push(KeyRecord {
        id: id.clone(),
        key: seed.key,
        created_at: state.now(),
        modified_at: None,
        customer_id: seed.customer_id,
        customer_email: seed.customer_email,
        benefit_id: seed.benefit_id,
        status: seed.status,
        limit_activations: seed.limit_activations,
        usage: seed.usage,
        limit_usage: seed.limit_usage,
        validations: 0,
        last_validated_at: None,
        expires_at: seed.expires_at,
    });
    id
}
