//! The validation decision, in the order of checks of Keygen's
//! `app/services/license_validation_service.rb`: a pure function of the license, its machines,
//! the scope and the time.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::limits;
use super::releases::Published;
use super::state::{ExpirationStrategy, LicenseRecord, MachineRecord};
use super::validation_scope::scoped;

/// `(valid, detail, code)` as Keygen's service returns them.
pub(crate) type Verdict = (bool, &'static str, &'static str);

/// What a validation reads besides the license: its machines, the releases its scope reaches
/// and the time.
pub(crate) struct Context<'a> {
    pub(crate) machines: &'a [&'a MachineRecord],
    pub(crate) published: &'a Published,
    pub(crate) now: DateTime<Utc>,
}

/// Validates `license` (`None`: not found; `banned`: its owner is) against `scope`
/// (`meta.scope`, `Null` when absent; `None` for the quick validation, which checks no scope).
/// `touched` gets the version the scope matched (the service's `last_validated_version` touch).
pub(crate) fn validate(
    license: Option<&LicenseRecord>,
    banned: bool,
    scope: Option<&Value>,
    context: &Context<'_>,
    touched: &mut Option<String>,
) -> Verdict {
    let (machines, now) = (context.machines, context.now);
    let Some(license) = license else {
        return (false, "does not exist", "NOT_FOUND");
    };
    if banned {
        return (false, "is banned", "BANNED");
    }
    let expired = license.expiry.is_some_and(|e| e < now);
    if license.suspended {
        return (false, "is suspended", "SUSPENDED");
    }
    if expired && license.expiration_strategy == ExpirationStrategy::RevokeAccess {
        return (false, "is expired", "EXPIRED");
    }
    if license.next_check_in().is_some_and(|due| due < now) {
        return (false, "is overdue for check in", "OVERDUE");
    }
    let empty = serde_json::Map::new();
    let scope = scope.map(|s| s.as_object().unwrap_or(&empty));
    if let Some(verdict) = scope.and_then(|scope| scoped(license, scope, context, touched)) {
        return verdict;
    }
    // `license.users_count`: its license users and its owner.
    let users = license.user_ids.len() as u64 + u64::from(license.owner_id.is_some());
    if let Some(limit) = license.max_users.filter(|limit| users > *limit) {
        let allowed = license.overage.allows(users, limit);
        return (allowed, "has too many associated users", "TOO_MANY_USERS");
    }
    if let Some(verdict) = license
        .strict
        .then(|| limits::strict(license, machines, scope, now))
        .flatten()
    {
        return verdict;
    }
    if expired {
        let allowed = matches!(
            license.expiration_strategy,
            ExpirationStrategy::AllowAccess | ExpirationStrategy::MaintainAccess
        );
        return (allowed, "is expired", "EXPIRED");
    }
    (true, "is valid", "VALID")
}
