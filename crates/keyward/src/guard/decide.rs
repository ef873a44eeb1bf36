//! The one decision: stored state, fresh answer (or error), the time and the policy in; verdict
//! and what to do with the state out. No clock, disk or network.

use chrono::{DateTime, Utc};
use keyward_core::{ErrorKind, InvalidReason, LicenseError};

use super::policy::{OnRollback, Policy};
use super::state::{LicenseFacts, StoredState};
use super::verdict::{DenyReason, Flags, Grace, Source, Standing, Verdict};

/// What the provider said just now, if it was asked.
#[derive(Debug)]
#[non_exhaustive]
pub enum Fresh {
    /// The provider was not asked (a check was not due).
    NotAsked,
    /// The provider said the license is valid.
    Valid {
        /// What it said about the license, if anything.
        license: Option<LicenseFacts>,
        /// The activation the answer is for.
        instance_id: Option<String>,
    },
    /// The provider said the license may not be used.
    Invalid(InvalidReason),
    /// No answer came.
    Failed(LicenseError),
}

/// What to do with the state file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateChange {
    /// Leave it as it is.
    Keep,
    /// Replace it with this state. Its `provider` and `key_hash` are copied from the stored
    /// state when there was one; the guard sets them to its own before sealing.
    Write(Box<StoredState>),
    /// Remove it: the license has ended.
    Wipe,
}

/// The verdict and the state change it implies.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decision {
    /// What to tell the app.
    pub verdict: Verdict,
    /// What to do with the state file.
    pub state: StateChange,
}

/// Whether an error means "could not find out" (network, timeout, 5xx, 429), the only errors
/// that earn offline grace. Credentials refused, not found, undecodable or unsigned answers do
/// not: they are not outages, and granting on them would let a proxy or a tamperer buy grace.
pub fn earns_grace(error: &LicenseError) -> bool {
    error.is_network()
        || error.is_timeout()
        || error.is_rate_limited()
        || error.kind() == ErrorKind::Server
}

/// Decides. `stored` is the state file's content, already unsealed (`None` when there is none
/// or it was refused); `now` is the machine's clock.
///
/// - A valid answer licenses and records the check. An invalid one ends the license and wipes
///   the state. An error that [earns grace](earns_grace), or no question asked, decides from the
///   stored state; any other error licenses nothing (the state is kept for a later answer).
/// - Offline, a state whose last check lies in the future beyond the tolerance is no state. A
///   clock earlier than the latest time seen (beyond the tolerance) is flagged, and denies when
///   the policy says so. Expiry and grace are judged on the latest time seen when the clock has
///   gone back, so a rolled-back clock gains nothing.
pub fn decide(
    stored: Option<&StoredState>,
    fresh: &Fresh,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Decision {
    let tolerance_end = now
        .checked_add_signed(policy.clock_tolerance)
        .unwrap_or(now);
    let rolled_back = stored.is_some_and(|s| s.latest_seen_at > tolerance_end);
    let flags = Flags {
        clock_rolled_back: rolled_back,
        state_not_saved: false,
    };
    match fresh {
        Fresh::Valid {
            license,
            instance_id,
        } => {
            let state = StoredState {
                provider: stored.map(|s| s.provider.clone()).unwrap_or_default(),
                key_hash: stored.map(|s| s.key_hash.clone()).unwrap_or_default(),
                instance_id: instance_id
                    .clone()
                    .or_else(|| stored.and_then(|s| s.instance_id.clone())),
                license: license
                    .clone()
                    .or_else(|| stored.and_then(|s| s.license.clone())),
                checked_at: now,
                latest_seen_at: stored.map_or(now, |s| s.latest_seen_at.max(now)),
            };
            Decision {
                verdict: Verdict {
                    standing: Standing::Licensed { grace: None },
                    source: Source::Online,
                    license: state.license.clone(),
                    flags,
                },
                state: StateChange::Write(Box::new(state)),
            }
        }
        Fresh::Invalid(reason) => Decision {
            verdict: Verdict {
                standing: Standing::NotLicensed(DenyReason::Invalid(reason.clone())),
                source: Source::Online,
                license: None,
                flags,
            },
            state: StateChange::Wipe,
        },
        Fresh::Failed(error) if earns_grace(error) => {
            let source = Source::Unreachable {
                kind: error.kind(),
                status: error.status(),
            };
            offline(stored, source, now, tolerance_end, flags, policy)
        }
        Fresh::Failed(error) => Decision {
            verdict: Verdict {
                standing: Standing::NotLicensed(DenyReason::RequestRefused {
                    kind: error.kind(),
                    status: error.status(),
                }),
                source: Source::Online,
                license: stored.and_then(|s| s.license.clone()),
                flags,
            },
            state: StateChange::Keep,
        },
        Fresh::NotAsked => offline(stored, Source::Stored, now, tolerance_end, flags, policy),
    }
}

/// The verdict from the stored state alone.
fn offline(
    stored: Option<&StoredState>,
    source: Source,
    now: DateTime<Utc>,
    tolerance_end: DateTime<Utc>,
    mut flags: Flags,
    policy: &Policy,
) -> Decision {
    let verdict = |standing, license, flags| Verdict {
        standing,
        source,
        license,
        flags,
    };
    let Some(state) = stored.filter(|s| s.checked_at <= tolerance_end) else {
        // A check "from the future" is the clock gone back past it: nothing to count from.
        flags.clock_rolled_back |= stored.is_some();
        return Decision {
            verdict: verdict(Standing::NotLicensed(DenyReason::NeverChecked), None, flags),
            state: StateChange::Keep,
        };
    };
    let license = state.license.clone();
    if flags.clock_rolled_back && policy.on_rollback == OnRollback::Deny {
        return Decision {
            verdict: verdict(
                Standing::NotLicensed(DenyReason::ClockRolledBack),
                license,
                flags,
            ),
            state: StateChange::Keep,
        };
    }
    let seen = state.latest_seen_at.max(now);
    let change = if seen > state.latest_seen_at {
        let mut updated = state.clone();
        updated.latest_seen_at = seen;
        StateChange::Write(Box::new(updated))
    } else {
        StateChange::Keep
    };
    let ends_at = state
        .checked_at
        .checked_add_signed(policy.grace)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let standing = match state.expires_at() {
        Some(at) if at <= seen => Standing::NotLicensed(DenyReason::Expired { at }),
        _ if seen >= ends_at => Standing::GraceEnded {
            last_online_check: state.checked_at,
            ended_at: ends_at,
        },
        _ => Standing::Licensed {
            grace: Some(Grace {
                last_online_check: state.checked_at,
                ends_at,
                left: ends_at - seen,
            }),
        },
    };
    Decision {
        verdict: verdict(standing, license, flags),
        state: change,
    }
}
