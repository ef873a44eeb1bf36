//! The one decision: stored state, fresh answer (or error), the time and the policy in; verdict
//! and what to do with the state out. No clock, disk or network.

use chrono::{DateTime, Utc};
use keyward_core::{ErrorKind, InvalidReason, Lease, LicenseError};

use super::policy::{GraceOn, OnRollback, Policy};
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
        /// The provider's clock when it answered (the HTTP `Date`), if it said.
        answered_at: Option<DateTime<Utc>>,
        /// Its signed lease, verified, when it signs its answers; its signed time outranks
        /// `answered_at`.
        lease: Option<Box<Lease>>,
    },
    /// The provider refused the license. Only an [authoritative](is_authoritative) reason ends
    /// it; any other is treated as a failure to get an answer.
    Invalid(InvalidReason),
    /// No usable answer came.
    Failed(LicenseError),
}

impl Fresh {
    /// A valid answer with no time and no lease.
    pub fn valid(license: Option<LicenseFacts>, instance_id: Option<String>) -> Self {
        Self::Valid {
            license,
            instance_id,
            answered_at: None,
            lease: None,
        }
    }
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

/// Whether a refusal is the provider's authoritative "this key is not valid", which ends the
/// license and wipes the state. A reason the guard has no name for (`Other`, such as DevPayr's
/// daily usage cap, and any reason added later) is not: it keeps the state.
pub fn is_authoritative(reason: &InvalidReason) -> bool {
    matches!(
        reason,
        InvalidReason::NotFound
            | InvalidReason::Expired
            | InvalidReason::Disabled
            | InvalidReason::Revoked
            | InvalidReason::Suspended
            | InvalidReason::LimitReached
            | InvalidReason::ProductMismatch
            | InvalidReason::InstanceMismatch
            | InvalidReason::NotPaid
    )
}

/// Decides. `stored` is the state file's content, already unsealed and its lease verified
/// (`None` when there is none or it was refused); `now` is the machine's clock.
///
/// - A valid answer licenses and records the check on the provider's clock (its signed time,
///   else its `Date`), which resets what a wrong local clock wrote. An authoritative refusal
///   ends the license and wipes the state.
/// - Any other failure, or no question asked, keeps the state; the failures the policy's
///   [`GraceOn`] names decide from it, the others license nothing.
/// - Offline, time is judged by [`StoredState::judge_time`]: the latest time seen plus the time
///   elapsed since on the local clock, never earlier than the latest time seen. A clock found
///   earlier than that is flagged, and denies when the policy says so. Grace never outlasts a
///   stored lease.
pub fn decide(
    stored: Option<&StoredState>,
    fresh: &Fresh,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Decision {
    match fresh {
        Fresh::Valid {
            license,
            instance_id,
            answered_at,
            lease,
        } => {
            let provider_now = lease.as_ref().map(|l| l.signed_at).or(*answered_at);
            let tolerance = policy.clock_tolerance;
            // The local clock is the more precise where the provider's agrees with it.
            let checked_at = match provider_now {
                Some(at) if (now - at).abs() > tolerance => at,
                _ => now,
            };
            let best_known = provider_now.or(stored.map(|s| s.latest_seen_at));
            let flags = Flags {
                clock_rolled_back: best_known
                    .is_some_and(|at| now.checked_add_signed(tolerance).unwrap_or(now) < at),
                state_not_saved: false,
            };
            let state = StoredState {
                provider: stored.map(|s| s.provider.clone()).unwrap_or_default(),
                key_hash: stored.map(|s| s.key_hash.clone()).unwrap_or_default(),
                instance_id: instance_id
                    .clone()
                    .or_else(|| stored.and_then(|s| s.instance_id.clone())),
                license: license
                    .clone()
                    .or_else(|| stored.and_then(|s| s.license.clone())),
                checked_at,
                latest_seen_at: checked_at,
                latest_seen_locally_at: Some(now),
                lease: lease.as_deref().cloned(),
            };
            let verdict = Verdict {
                standing: Standing::Licensed { grace: None },
                source: Source::Online,
                license: state.license.clone(),
                flags,
            };
            Decision {
                verdict,
                state: StateChange::Write(Box::new(state)),
            }
        }
        Fresh::Invalid(reason) if is_authoritative(reason) => Decision {
            verdict: Verdict {
                standing: Standing::NotLicensed(DenyReason::Invalid(reason.clone())),
                source: Source::Online,
                license: None,
                flags: Flags::default(),
            },
            state: StateChange::Wipe,
        },
        Fresh::Invalid(reason) => {
            let source = Source::Unreachable {
                kind: ErrorKind::Rejected,
                status: None,
            };
            let deny = DenyReason::Invalid(reason.clone());
            let earns = policy.grace_on == GraceOn::AnyFailure;
            no_answer(stored, source, deny, earns, now, policy)
        }
        Fresh::Failed(error) => {
            let (kind, status) = (error.kind(), error.status());
            let source = Source::Unreachable { kind, status };
            let deny = DenyReason::RequestRefused { kind, status };
            let earns = policy.grace_on.earns_grace(error);
            no_answer(stored, source, deny, earns, now, policy)
        }
        Fresh::NotAsked => offline(stored, Source::Stored, now, policy),
    }
}

/// No usable answer: grace from the stored state when it is earned, else `deny` (the state is
/// kept either way).
fn no_answer(
    stored: Option<&StoredState>,
    source: Source,
    deny: DenyReason,
    earns_grace: bool,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Decision {
    if earns_grace {
        return offline(stored, source, now, policy);
    }
    let rolled_back = stored.is_some_and(|s| s.judge_time(now, policy.clock_tolerance).1);
    Decision {
        verdict: Verdict {
            standing: Standing::NotLicensed(deny),
            source,
            license: stored.and_then(|s| s.license.clone()),
            flags: Flags {
                clock_rolled_back: rolled_back,
                state_not_saved: false,
            },
        },
        state: StateChange::Keep,
    }
}

/// The verdict from the stored state alone.
fn offline(
    stored: Option<&StoredState>,
    source: Source,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Decision {
    let verdict = |standing, license, flags| Verdict {
        standing,
        source,
        license,
        flags,
    };
    let Some(state) = stored else {
        return Decision {
            verdict: verdict(
                Standing::NotLicensed(DenyReason::NeverChecked),
                None,
                Flags::default(),
            ),
            state: StateChange::Keep,
        };
    };
    let (at, rolled_back) = state.judge_time(now, policy.clock_tolerance);
    let flags = Flags {
        clock_rolled_back: rolled_back,
        state_not_saved: false,
    };
    let license = state.license.clone();
    if rolled_back && policy.on_rollback == OnRollback::Deny {
        return Decision {
            verdict: verdict(
                Standing::NotLicensed(DenyReason::ClockRolledBack),
                license,
                flags,
            ),
            state: StateChange::Keep,
        };
    }
    // The time judged now, and the local reading it was judged at, become the new anchor.
    let anchor = state.latest_seen_locally_at.unwrap_or(state.latest_seen_at);
    let change = if at != state.latest_seen_at || anchor != now {
        let mut updated = state.clone();
        updated.latest_seen_at = at;
        updated.latest_seen_locally_at = Some(now);
        StateChange::Write(Box::new(updated))
    } else {
        StateChange::Keep
    };
    let grace_end = state
        .checked_at
        .checked_add_signed(policy.grace)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let lease_ends_at = state.lease.as_ref().map(|l| l.ends_at(policy.grace));
    let ends_at = lease_ends_at.map_or(grace_end, |lease_end| lease_end.min(grace_end));
    let standing = match state.expires_at() {
        Some(expiry) if expiry <= at => Standing::NotLicensed(DenyReason::Expired { at: expiry }),
        _ if at >= ends_at => Standing::GraceEnded {
            last_online_check: state.checked_at,
            ended_at: ends_at,
        },
        _ => Standing::Licensed {
            grace: Some(Grace {
                last_online_check: state.checked_at,
                ends_at,
                left: ends_at - at,
                lease_ends_at,
            }),
        },
    };
    Decision {
        verdict: verdict(standing, license, flags),
        state: change,
    }
}
