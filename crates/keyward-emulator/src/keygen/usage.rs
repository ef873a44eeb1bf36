//! A license's usage count and limit (`license.rb`): `uses`, and `max_uses`, the license's own
//! override (`max_uses_override`) when it has one, else its policy's. `POST /licenses` and
//! `PATCH /licenses/{id}` set or clear the override (`maxUses`, `licenses_controller.rb`);
//! `license.rb` keeps it within `0..=2_147_483_647`.

use serde_json::Value;

use super::answer::{Answer, unprocessable};
use super::seed::LicenseSeed;
use super::state::LicenseRecord;

/// `license.rb`'s upper bound of `max_uses` (a Postgres `integer`).
const MAX_USES_LIMIT: i64 = 2_147_483_647;

impl LicenseSeed {
    /// Limits its uses (the policy's `maxUses`).
    #[must_use]
    pub fn max_uses(mut self, limit: u64) -> Self {
        self.record.max_uses = Some(limit);
        self
    }

    /// Gives it a usage limit of its own, over its policy's (`maxUses` set on the license).
    #[must_use]
    pub fn max_uses_override(mut self, limit: u64) -> Self {
        self.record.max_uses_override = Some(limit);
        self
    }

    /// Sets how many times it was used.
    #[must_use]
    pub fn uses(mut self, count: u64) -> Self {
        self.record.uses = count;
        self
    }
}

impl LicenseRecord {
    /// Its usage limit: its own override, else its policy's (`license.rb`'s `max_uses`).
    pub fn usage_limit(&self) -> Option<u64> {
        self.max_uses_override.or(self.max_uses)
    }
}

/// A create's or update's `maxUses`: the license's override set (`null` clears it), or the
/// 422 of `license.rb`'s `numericality` for a number out of range.
pub(crate) fn set_max_uses(license: &mut LicenseRecord, value: &Value) -> Result<(), Answer> {
    let pointer = "/data/attributes/maxUses";
    match value.as_i64() {
        Some(n) if n < 0 => Err(unprocessable(
            "must be greater than or equal to 0",
            Some("MAX_USES_INVALID"),
            pointer,
        )),
        Some(n) if n > MAX_USES_LIMIT => Err(unprocessable(
            &format!("must be less than or equal to {MAX_USES_LIMIT}"),
            Some("MAX_USES_INVALID"),
            pointer,
        )),
        Some(n) => {
            license.max_uses_override = u64::try_from(n).ok();
            Ok(())
        }
        None => {
            license.max_uses_override = None;
            Ok(())
        }
    }
}
