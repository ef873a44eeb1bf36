//! [`Verifier`]: the verification core plus a clock, echo checks and the replay store, as the
//! client uses it for every answer.

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::Duration;
use keyward_core::{Clock, SystemClock};

use crate::binding::{Expected, check_echoes};
use crate::error::VerifyError;
use crate::keys::KeySet;
use crate::offline::{self, OfflineCheck};
use crate::payload::{Payload, Verified};
use crate::replay::{self, MemoryStateStore, Seen, StateStore, Watermark};
use crate::verify::{KeyScope, Policy, authenticate, verify};

/// One call's context: its name, whether it is about a license's state, and what it sent.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    /// The operation (`"verify"`, `"activate"`, …): part of the replay slot.
    pub operation: &'static str,
    /// Whether this is a license-state call (verify, activate, deactivate, details,
    /// downloadables, license meta), whose successes are accepted only from product keys unless
    /// configured otherwise (refusals and errors signed by the global key are accepted).
    pub license_call: bool,
    /// Whether to refuse an answer older than the last one accepted for the same
    /// (license key, identifier, operation): on for verify, activate, deactivate, details and
    /// downloadables; off for writes whose replay gains nothing (meta).
    pub replay_guard: bool,
    /// What the request sent, for echo checks and the replay slot.
    pub expected: Expected<'a>,
}

/// The replay slot of a guarded call about a license key.
pub(crate) fn replay_slot(call: &Call<'_>) -> Option<String> {
    let key = call.expected.license_key.filter(|_| call.replay_guard)?;
    Some(replay::slot(
        key,
        call.expected.identifier.unwrap_or_default(),
        call.operation,
    ))
}

/// Verifies answers with pinned keys, a policy, an injected clock and a replay store.
pub struct Verifier {
    keys: KeySet,
    policy: Policy,
    clock: Arc<dyn Clock>,
    store: Arc<dyn StateStore>,
    gate: Mutex<()>,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("keys", &self.keys)
            .field("policy", &self.policy)
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier with the system clock and an in-memory replay store.
    pub fn new(keys: KeySet, policy: Policy) -> Self {
        Self {
            keys,
            policy,
            clock: Arc::new(SystemClock),
            store: Arc::new(MemoryStateStore::new()),
            gate: Mutex::new(()),
        }
    }

    /// Uses this clock.
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Uses this replay store (for example a [`FileStateStore`](crate::FileStateStore)).
    #[must_use]
    pub fn with_store(mut self, store: Arc<dyn StateStore>) -> Self {
        self.store = store;
        self
    }

    /// The keys.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// The policy (its key scope applies to license-state calls).
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The replay mark of a call's slot now: take it just before the request is sent and judge
    /// its answer with [`check_answer`](Self::check_answer). Empty for calls without a guard.
    pub fn watermark(&self, call: &Call<'_>) -> Result<Watermark, VerifyError> {
        self.watermark_of(replay_slot(call).as_deref())
    }

    /// [`watermark`](Self::watermark) of a slot computed already ([`replay_slot`]).
    pub(crate) fn watermark_of(&self, slot: Option<&str>) -> Result<Watermark, VerifyError> {
        let Some(slot) = slot else {
            return Ok(Watermark::default());
        };
        let last = self.store.load(slot).map_err(VerifyError::StateStore)?;
        Ok(Watermark(last.map(|l| l.timestamp)))
    }

    /// Verifies a live answer as if its request were sent now (see
    /// [`check_answer`](Self::check_answer)): for calls made one after another.
    pub fn check(&self, body: &[u8], call: &Call<'_>) -> Result<Verified<Payload>, VerifyError> {
        let slot = replay_slot(call);
        let mark = self.watermark_of(slot.as_deref())?;
        self.check_answer_in(body, call, mark, slot.as_deref())
    }

    /// Verifies a live answer: signature with the keys the call accepts, freshness, echoes, and
    /// for guarded calls a timestamp not older than `sent`, the newest one accepted for the same
    /// (license key, identifier, operation) when the request was sent
    /// ([`is_replay`](crate::replay::is_replay)).
    pub fn check_answer(
        &self,
        body: &[u8],
        call: &Call<'_>,
        sent: Watermark,
    ) -> Result<Verified<Payload>, VerifyError> {
        self.check_answer_in(body, call, sent, replay_slot(call).as_deref())
    }

    /// [`check_answer`](Self::check_answer) with the call's slot computed already
    /// ([`replay_slot`]: the same one its watermark was taken from).
    pub(crate) fn check_answer_in(
        &self,
        body: &[u8],
        call: &Call<'_>,
        sent: Watermark,
        slot: Option<&str>,
    ) -> Result<Verified<Payload>, VerifyError> {
        let scope = if call.license_call {
            self.policy.key_scope
        } else {
            KeyScope::ProductOrGlobal
        };
        let policy = self.policy.clone().key_scope(scope);
        let now = self.clock.now();
        let verified = match verify(body, &self.keys, &policy, now) {
            // The server signs answers with no product in context (an unknown license key, a
            // bad API key) with the global key. A "no" cannot unlock anything, so it is taken as
            // the answer it is; a success stays refused (the cross-product replay guarded here).
            Err(VerifyError::GlobalKeyRefused) => {
                let any = policy.key_scope(KeyScope::ProductOrGlobal);
                let verified = verify(body, &self.keys, &any, now)?;
                if verified.value().code().is_success() {
                    return Err(VerifyError::GlobalKeyRefused);
                }
                verified
            }
            other => other?,
        };
        check_echoes(verified.value(), &call.expected)?;
        if let Some(slot) = slot {
            if replay::is_replay(sent, verified.timestamp()) {
                return Err(VerifyError::Replay {
                    timestamp: verified.timestamp(),
                    newest: sent.0.unwrap_or(verified.timestamp()),
                });
            }
            let seen = Seen {
                timestamp: verified.timestamp(),
                digest: replay::text_digest(&verified.envelope().response_base64),
            };
            let _gate = self.gate.lock().unwrap_or_else(|p| p.into_inner());
            let last = self.store.load(slot).map_err(VerifyError::StateStore)?;
            if let Some(newer) = replay::newer(last, seen) {
                self.store
                    .store(slot, newer)
                    .map_err(VerifyError::StateStore)?;
            }
        }
        Ok(verified)
    }

    /// Verifies a kept envelope's signature (with the policy's key scope) and the echoes of
    /// `expected`, and reads its payload, judging no age: for a caller that judges the signed time
    /// itself (the guard's lease ends a grace period after it).
    pub fn check_kept(
        &self,
        body: &[u8],
        expected: &Expected<'_>,
    ) -> Result<Verified<Payload>, VerifyError> {
        let verified = authenticate(body, &self.keys, self.policy.key_scope)?;
        check_echoes(verified.value(), expected)?;
        Ok(verified)
    }

    /// Re-verifies a saved envelope (see [`offline::save`]) with an explicit grace period; the
    /// result says whether the clock looks set back.
    pub fn check_saved(
        &self,
        path: impl AsRef<Path>,
        grace: Duration,
    ) -> Result<OfflineCheck, VerifyError> {
        let body = std::fs::read(path).map_err(|e| VerifyError::Unreadable(e.to_string()))?;
        let newest = self.store.newest().map_err(VerifyError::StateStore)?;
        offline::verify_offline(
            &body,
            &self.keys,
            self.policy.key_scope,
            grace,
            self.policy.max_skew,
            self.clock.now(),
            newest,
        )
    }
}
