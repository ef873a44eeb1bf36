//! Seeding the emulated install: license keys built in code.

use chrono::{DateTime, Utc};

use super::state::LicenseRecord;

/// A license key to add with
/// [`SignedLicenseEmulator::add_license`](super::SignedLicenseEmulator::add_license).
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSeed {
    pub(super) record: LicenseRecord,
}

impl LicenseSeed {
    /// An assigned key of product 1 (owner "Test User"), ready to activate once, no expiry.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            record: LicenseRecord {
                id: 0,
                key: key.into(),
                product_id: 1,
                status: String::from("assigned"),
                owner_name: Some(String::from("Test User")),
                owner_email: Some(String::from("email@domain.ltd")),
                activation_limit: 1,
                validity: 0,
                assigned_at: Some(String::from("2024-02-27 03:05:31")),
                expires_at: None,
                activations: Vec::new(),
                meta: Vec::new(),
            },
        }
    }

    /// Not assigned to anyone yet (`available`).
    pub fn unassigned(mut self) -> Self {
        self.record.status = String::from("available");
        self.record.owner_name = None;
        self.record.owner_email = None;
        self.record.assigned_at = None;
        self
    }

    /// At most this many activations.
    pub fn activation_limit(mut self, limit: u32) -> Self {
        self.record.activation_limit = i64::from(limit);
        self
    }

    /// No activation limit (GetKeyManager's limit 0).
    pub fn unlimited(mut self) -> Self {
        self.record.activation_limit = 0;
        self
    }

    /// Of this product.
    pub fn product(mut self, product_id: u64) -> Self {
        self.record.product_id = product_id;
        self
    }

    /// Starts blocked (GetKeyManager's disabled).
    pub fn disabled(mut self) -> Self {
        self.record.status = String::from("blocked");
        self
    }

    /// Expires at this time (compared with the emulator's clock, in whole seconds).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.record.expires_at = Some(at.timestamp());
        self
    }
}
