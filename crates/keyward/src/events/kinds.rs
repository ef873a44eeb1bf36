//! Which [`EventKind`] an event is, told from what changed: pure functions, one per provider,
//! and the [`Snapshot`] of a license they compare.
// Used by the providers' events: without them (or one of them), parts stay unused.
#![cfg_attr(
    not(all(feature = "dodo", feature = "lemonsqueezy", feature = "polar")),
    allow(dead_code)
)]

use chrono::{DateTime, Utc};
use keyward_core::{LicenseKey, LicenseStatus};

use super::EventKind;

/// A license's state as far as access goes: what the delivery store keeps per key after an
/// event is applied, so the next event's kind can be told from what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot {
    pub(crate) status: LicenseStatus,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) activation_limit: Option<u32>,
}

impl Snapshot {
    /// The snapshot of a license.
    pub(crate) fn of(license: &LicenseKey) -> Self {
        Self {
            status: license.status.clone(),
            expires_at: license.expires_at,
            activation_limit: license.activation_limit,
        }
    }

    /// As kept in a store: `expiry|limit|status` (Unix seconds, empty for none; the status last,
    /// as it may be any word the provider sent).
    pub(crate) fn encode(&self) -> String {
        let expires = self.expires_at.map(|t| t.timestamp().to_string());
        let limit = self.activation_limit.map(|n| n.to_string());
        format!(
            "{}|{}|{}",
            expires.unwrap_or_default(),
            limit.unwrap_or_default(),
            self.status
        )
    }

    /// Reads [`encode`](Self::encode)'s text; `None` for anything else.
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let mut parts = text.splitn(3, '|');
        let expires = parts.next()?;
        let limit = parts.next()?;
        let status = parts.next()?;
        Some(Self {
            status: LicenseStatus::parse(status),
            expires_at: match expires {
                "" => None,
                secs => Some(DateTime::from_timestamp(secs.parse().ok()?, 0)?),
            },
            activation_limit: match limit {
                "" => None,
                n => Some(n.parse().ok()?),
            },
        })
    }

    /// Whether the seller turned the license off (it may be turned on again).
    fn switched_off(&self) -> bool {
        matches!(
            self.status,
            LicenseStatus::Disabled | LicenseStatus::Suspended | LicenseStatus::Revoked
        )
    }

    fn expired(&self) -> bool {
        self.status == LicenseStatus::Expired
    }
}

/// Dodo names what happened in the event type: each license event type has its kind; `None` for
/// any other type.
pub(crate) fn dodo(event_type: &str) -> Option<EventKind> {
    Some(match event_type {
        "license_key.created" | "entitlement_grant.created" => EventKind::Created,
        "entitlement_grant.delivered" => EventKind::Delivered,
        "entitlement_grant.failed" => EventKind::Failed,
        "entitlement_grant.revoked" => EventKind::Revoked,
        _ => return None,
    })
}

/// Lemon Squeezy's `license_key_updated` does not say what changed: it is told from the license
/// now and the state kept when the last event for it was applied (`None`: never seen).
///
/// Turned off → `Suspended`; turned on again → `Reinstated`; expired → `Expired`; no longer
/// expired, or the expiry moved later or away → `Renewed`; anything else (the limit, an
/// activation, the expiry moved earlier) → `Updated`. A first sight of a key that is off or
/// expired counts as that change, so a receiver that missed the earlier events still locks it.
pub(crate) fn lemonsqueezy(
    event_name: &str,
    previous: Option<&Snapshot>,
    now: &Snapshot,
) -> Option<EventKind> {
    match event_name {
        "license_key_created" => return Some(EventKind::Created),
        "license_key_updated" => {}
        _ => return None,
    }
    Some(changed(previous, now))
}

/// Keygen names most of what happened in the event type (`license.suspended`,
/// `license.renewed`, …); `license.updated` does not, and its kind is told from what changed as
/// for Lemon Squeezy. Any other `license.*` event (usage, check-in, validation, policy) is
/// `Updated`, carrying the license as it is now. `machine.*` events (activations, deactivations,
/// heartbeats) are `Updated` as well: [`EventKind`] has no activation kind, and an activation
/// changes a license without ending or restoring access (see [`EventKind::Updated`]). `None`
/// for any other event type.
#[cfg_attr(not(feature = "keygen"), allow(dead_code))]
pub(crate) fn keygen(
    event_type: &str,
    previous: Option<&Snapshot>,
    now: Option<&Snapshot>,
) -> Option<EventKind> {
    Some(match event_type {
        "license.created" => EventKind::Created,
        "license.suspended" => EventKind::Suspended,
        "license.reinstated" => EventKind::Reinstated,
        "license.expired" => EventKind::Expired,
        "license.renewed" => EventKind::Renewed,
        "license.revoked" | "license.deleted" => EventKind::Revoked,
        "license.updated" => now.map_or(EventKind::Updated, |now| changed(previous, now)),
        other if other.starts_with("license.") || other.starts_with("machine.") => {
            EventKind::Updated
        }
        _ => return None,
    })
}

/// What changed between the state kept for a license (`None`: never seen) and its state now.
fn changed(previous: Option<&Snapshot>, now: &Snapshot) -> EventKind {
    let was_off = previous.is_some_and(Snapshot::switched_off);
    let was_expired = previous.is_some_and(Snapshot::expired);
    if now.switched_off() {
        if was_off {
            EventKind::Updated
        } else {
            EventKind::Suspended
        }
    } else if was_off {
        EventKind::Reinstated
    } else if now.expired() {
        if was_expired {
            EventKind::Updated
        } else {
            EventKind::Expired
        }
    } else if was_expired || previous.is_some_and(|p| expiry_moved_later(p, now)) {
        EventKind::Renewed
    } else {
        EventKind::Updated
    }
}

/// Polar's `benefit_grant.*` name the grant's life, except `.updated`, which says only that the
/// grant changed: it is told from the state kept when the last event for the grant was applied
/// (`None`: never seen). `.created` → `Created`; `.revoked` → `Revoked`; `.cycled` (the
/// subscription renewed and the benefit was granted for a new period) → `Renewed`; `.updated`
/// that revokes → `Revoked`, that grants again a revoked grant → `Reinstated`, else `Updated`.
/// A first sight of a revoked grant counts as the revocation. `None` for any other type.
pub(crate) fn polar(
    event_type: &str,
    previous: Option<&Snapshot>,
    now: &Snapshot,
) -> Option<EventKind> {
    Some(match event_type {
        "benefit_grant.created" => EventKind::Created,
        "benefit_grant.revoked" => EventKind::Revoked,
        "benefit_grant.cycled" => EventKind::Renewed,
        "benefit_grant.updated" => {
            let was_off = previous.is_some_and(Snapshot::switched_off);
            match (was_off, now.switched_off()) {
                (false, true) => EventKind::Revoked,
                (true, false) => EventKind::Reinstated,
                _ => EventKind::Updated,
            }
        }
        _ => return None,
    })
}

fn expiry_moved_later(previous: &Snapshot, now: &Snapshot) -> bool {
    match (previous.expires_at, now.expires_at) {
        (Some(before), Some(after)) => after > before,
        (Some(_), None) => true,
        _ => false,
    }
}

#[cfg(test)]
#[path = "kinds_tests.rs"]
mod tests;
