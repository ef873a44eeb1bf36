//! When a license's expiry starts (`expirationBasis`, `license.rb`): at creation (Keygen's
//! default, `set_expiry_on_creation`), or — for a license without an expiry — at its first
//! validation or machine activation (`set_expiry_on_first_validation!`,
//! `set_expiry_on_first_activation!`), the policy's duration from then.

use chrono::{DateTime, Utc};

use super::seed::LicenseSeed;
use super::state::LicenseRecord;

/// When a license's expiry starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpirationBasis {
    /// `FROM_CREATION` (Keygen's default).
    FromCreation,
    /// `FROM_FIRST_VALIDATION`.
    FromFirstValidation,
    /// `FROM_FIRST_ACTIVATION`: its first machine.
    FromFirstActivation,
}

impl LicenseSeed {
    /// Sets when its expiry starts (for a policy's settings, its licenses').
    #[must_use]
    pub fn expiration_basis(mut self, basis: ExpirationBasis) -> Self {
        self.record.expiration_basis = basis;
        self
    }
}

impl LicenseRecord {
    /// Starts the expiry at `now` when `event` is its basis and it has none yet.
    pub(crate) fn start_expiry(&mut self, event: ExpirationBasis, now: DateTime<Utc>) {
        if self.expiration_basis != event || self.expiry.is_some() {
            return;
        }
        if let Some(seconds) = self.duration.and_then(|d| i64::try_from(d).ok()) {
            self.expiry = Some(now + chrono::Duration::seconds(seconds));
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::ExpirationBasis::{FromCreation, FromFirstActivation, FromFirstValidation};
    use crate::keygen::state::LicenseRecord;

    /// (basis, event, expiry already set, expiry started).
    #[test]
    fn the_expiry_starts_at_its_basis_only_when_unset() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let table = [
            (FromCreation, FromCreation, false, true),
            (FromCreation, FromFirstValidation, false, false),
            (FromFirstValidation, FromFirstValidation, false, true),
            (FromFirstValidation, FromFirstValidation, true, false),
            (FromFirstActivation, FromFirstActivation, false, true),
            (FromFirstActivation, FromCreation, false, false),
        ];
        for (basis, event, set, started) in table {
            let mut license = LicenseRecord::new("id".into(), "key".into(), now);
            license.duration = Some(60);
            license.expiration_basis = basis;
            let before = set.then_some(now);
            license.expiry = before;
            license.start_expiry(event, now);
            let wanted = if started {
                Some(now + chrono::Duration::seconds(60))
            } else {
                before
            };
            assert_eq!(license.expiry, wanted, "{basis:?} {event:?} {set}");
        }
    }
}
