//! An offline-first license guard over any [`LicenseProvider`]: it owns the licensing life of one
//! app on one machine.
//!
//! - [`Fingerprint`]: this machine's identity, salted; the activation's instance name.
//! - A sealed state file per (provider, license key): the last valid online answer, HMAC-sealed
//!   with the [`AppSecret`] and the fingerprint, written atomically, owner-only.
//! - [`decide`]: the one pure decision (stored state, fresh answer or error, now, [`Policy`]) →
//!   [`Verdict`]. Time is the provider's where it states one (a signed lease's timestamp, else
//!   the HTTP `Date`); the local clock measures only the time elapsed since.
//! - A signed [`Lease`](keyward_core::Lease), where the provider signs its answers
//!   (GetKeyManager): kept in the state, verified again by the provider before every use;
//!   offline grace never outlasts it.
//! - [`Revalidation`]: background rechecks with jitter and offline backoff; subscribe to verdict
//!   changes; stops when dropped.
//!
//! ```no_run
//! use std::sync::Arc;
//! use keyward::guard::{Fingerprint, Guard};
//!
//! # async fn run(provider: Arc<dyn keyward::LicenseProvider>) -> Result<(), keyward::LicenseError> {
//! let guard = Guard::builder(provider, "KEY-THE-USER-TYPED")
//!     .app_secret("a secret compiled into the app")?
//!     .fingerprint(Fingerprint::this_machine("com.example.editor")?)
//!     .state_dir("/home/ada/.local/share/editor/license")
//!     .build()?;
//! let verdict = guard.check_if_due().await;
//! println!("{verdict}"); // "Licensed until 2027-03-01." / "Licensed, offline: …"
//! let background = guard.revalidate();
//! let mut changes = background.subscribe();
//! # let _ = changes.changed().await;
//! # Ok(()) }
//! ```

mod ask;
mod builder;
mod decide;
mod fingerprint;
mod policy;
mod revalidate;
mod seal;
mod state;
mod store;
mod verdict;

use std::fmt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use keyward_core::{Clock, LicenseProvider, SecretLicenseKey};

pub use self::builder::GuardBuilder;
pub use self::decide::{Decision, Fresh, StateChange, decide, is_authoritative};
pub use self::fingerprint::Fingerprint;
pub use self::policy::{GraceOn, MIN_RETRY, MIN_REVALIDATE_EVERY, OnRollback, Policy, PolicyError};
pub use self::revalidate::Revalidation;
pub use self::seal::{AppSecret, Unsealed};
pub use self::state::{LicenseFacts, StoredState};
pub use self::verdict::{DenyReason, Flags, Grace, Source, Standing, Verdict};

use self::ask::Question;
use self::store::StateFile;

/// The guard of one license key on one machine. Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Guard {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn LicenseProvider>,
    key: SecretLicenseKey,
    fingerprint: Fingerprint,
    file: StateFile,
    policy: Policy,
    clock: Arc<dyn Clock>,
    validate_name: Option<String>,
    /// One check at a time per guard: a second caller waits and then sees the first one's
    /// state (so two first checks never activate twice).
    checking: tokio::sync::Mutex<()>,
    /// Every read-decide-write of the state file, by `check` and `verdict` alike, one at a time
    /// (held only around that, never across a request).
    deciding: Mutex<()>,
}

impl Guard {
    /// A guard for `key` at `provider`; set the app secret, fingerprint and state directory.
    pub fn builder(
        provider: Arc<dyn LicenseProvider>,
        key: impl Into<SecretLicenseKey>,
    ) -> GuardBuilder {
        GuardBuilder::new(provider, key.into())
    }

    /// Asks the provider (activating this machine once if the provider has activations), then
    /// decides and stores the answer. Never fails: an unreachable provider is a verdict too.
    pub async fn check(&self) -> Verdict {
        let _one_at_a_time = self.inner.checking.lock().await;
        let stored = self.load();
        let fresh = self.question().ask(stored.as_ref()).await;
        self.settle(&fresh)
    }

    /// The verdict from the stored state alone, without asking the provider.
    pub fn verdict(&self) -> Verdict {
        self.settle(&Fresh::NotAsked)
    }

    /// [`check`](Self::check) when the last online check is older than the policy's
    /// `revalidate_every` (or there is none), else [`verdict`](Self::verdict): for app start.
    pub async fn check_if_due(&self) -> Verdict {
        let _one_at_a_time = self.inner.checking.lock().await;
        let stored = self.load();
        let now = self.inner.clock.now();
        let tolerance = self.inner.policy.clock_tolerance;
        let fresh_enough = stored.as_ref().is_some_and(|s| {
            let (at, rolled_back) = s.judge_time(now, tolerance);
            at - s.checked_at < self.inner.policy.revalidate_every && !rolled_back
        });
        if fresh_enough {
            self.settle(&Fresh::NotAsked)
        } else {
            let fresh = self.question().ask(stored.as_ref()).await;
            self.settle(&fresh)
        }
    }

    /// Starts rechecking in the background (on the current tokio runtime); see [`Revalidation`].
    pub fn revalidate(&self) -> Revalidation {
        Revalidation::start(self.clone())
    }

    /// The state file of this provider and key.
    pub fn state_path(&self) -> &Path {
        self.inner.file.path()
    }

    /// The stored state, or why there is none (its lease, if any, verified again by the
    /// provider).
    pub fn stored_state(&self) -> Result<StoredState, Unsealed> {
        let mut state = self.inner.file.load()?;
        if let Some(kept) = state.lease.take() {
            let verified = self
                .inner
                .provider
                .verify_lease(&self.inner.key, &kept.proof)
                .map_err(|error| {
                    tracing::info!(provider = self.inner.file.provider(), %error, "lease refused");
                    Unsealed::BadLease
                })?;
            state.lease = Some(verified);
        }
        Ok(state)
    }

    /// The name this machine activates under.
    pub fn instance_name(&self) -> &str {
        self.inner.fingerprint.instance_name()
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.inner.policy
    }

    fn question(&self) -> Question<'_> {
        Question {
            provider: self.inner.provider.as_ref(),
            key: &self.inner.key,
            instance_name: self.inner.fingerprint.instance_name(),
            validate_name: self.inner.validate_name.as_deref(),
        }
    }

    /// The stored state the guard decides from: `None` when there is none or it is refused.
    fn load(&self) -> Option<StoredState> {
        match self.stored_state() {
            Ok(state) => Some(state),
            Err(Unsealed::Missing) => None,
            Err(why) => {
                tracing::info!(provider = self.inner.file.provider(), %why, "state file not used");
                None
            }
        }
    }

    /// Loads the state, decides at the clock's time and applies the state change, under the
    /// `deciding` lock; a failed write or removal leaves the verdict standing and flags it.
    fn settle(&self, fresh: &Fresh) -> Verdict {
        let _one_writer = self
            .inner
            .deciding
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let stored = self.load();
        let now = self.inner.clock.now();
        let Decision { mut verdict, state } =
            decide(stored.as_ref(), fresh, now, &self.inner.policy);
        let file = &self.inner.file;
        let written = match state {
            StateChange::Keep => Ok(()),
            StateChange::Wipe => file.wipe(),
            StateChange::Write(mut state) => {
                file.provider().clone_into(&mut state.provider);
                file.key_hash().clone_into(&mut state.key_hash);
                file.save(&state)
            }
        };
        if let Err(error) = written {
            verdict.flags.state_not_saved = true;
            tracing::warn!(provider = file.provider(), %error, "the license state could not be saved");
        }
        if let Fresh::Failed(error) = fresh {
            tracing::debug!(provider = file.provider(), %error, "license check failed");
        }
        tracing::debug!(provider = file.provider(), %verdict, "license verdict");
        verdict
    }
}

impl fmt::Debug for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Guard")
            .field("provider", &self.inner.file.provider())
            .field("fingerprint", &self.inner.fingerprint)
            .field("state_path", &self.inner.file.path())
            .field("policy", &self.inner.policy)
            .finish_non_exhaustive()
    }
}
