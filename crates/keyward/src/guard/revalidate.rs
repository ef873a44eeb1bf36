//! Rechecking in the background.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use chrono::TimeDelta;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Guard, Source, Verdict};

/// A background task that rechecks the license on the policy's interval (with jitter), retries
/// with growing delays while no usable answer comes, and publishes every verdict that
/// [differs](Verdict::differs_from) from the last. Dropping the handle stops the task.
///
/// The delay is kept on both clocks: the monotonic one (which stops while a laptop sleeps) and
/// the guard's wall clock, read at least once a minute, so a check falls due right after a
/// resume that passed its time.
pub struct Revalidation {
    verdicts: watch::Receiver<Verdict>,
    task: JoinHandle<()>,
}

impl Revalidation {
    /// Starts on the current tokio runtime, publishing the stored verdict first.
    pub(crate) fn start(guard: Guard) -> Self {
        let (sender, verdicts) = watch::channel(guard.verdict());
        let task = tokio::spawn(run(guard, sender));
        Self { verdicts, task }
    }

    /// A receiver told of every verdict change (`changed().await`, then `borrow()`).
    pub fn subscribe(&self) -> watch::Receiver<Verdict> {
        self.verdicts.clone()
    }

    /// The latest verdict (its grace counts down with every recheck, without a notification).
    pub fn latest(&self) -> Verdict {
        self.verdicts.borrow().clone()
    }

    /// Whether the background task still runs (it stops only when the handle is dropped).
    pub fn is_running(&self) -> bool {
        !self.task.is_finished()
    }
}

impl Drop for Revalidation {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for Revalidation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Revalidation")
            .field("latest", &*self.verdicts.borrow())
            .field("running", &self.is_running())
            .finish()
    }
}

async fn run(guard: Guard, sender: watch::Sender<Verdict>) {
    let mut jitter = Jitter::new();
    let mut failures: u32 = 0;
    loop {
        let delay = guard.policy().next_delay(failures, jitter.unit());
        sleep_until_due(&guard, delay).await;
        let verdict = guard.check().await;
        // The same rule as `check`'s: any failure to get a usable answer backs off.
        failures = match verdict.source {
            Source::Unreachable { .. } => failures.saturating_add(1),
            _ => 0,
        };
        sender.send_if_modified(|current| {
            let changed = current.differs_from(&verdict);
            *current = verdict;
            changed
        });
    }
}

/// How often the wall clock is looked at while waiting.
const WALL_CLOCK_EVERY: Duration = Duration::from_secs(60);

/// Waits `delay` on the monotonic clock, or until the guard's wall clock has moved `delay`
/// forward (a suspend the monotonic clock slept through), whichever comes first.
async fn sleep_until_due(guard: &Guard, delay: TimeDelta) {
    let clock = &guard.inner.clock;
    let due = clock.now().checked_add_signed(delay);
    let mut left = delay.to_std().unwrap_or(Duration::from_secs(1));
    while !left.is_zero() {
        let slice = left.min(WALL_CLOCK_EVERY);
        tokio::time::sleep(slice).await;
        left -= slice;
        if due.is_some_and(|due| clock.now() >= due) {
            return;
        }
    }
}

/// xorshift64, seeded from the standard library's per-process random hasher keys: enough to
/// spread machines apart, not a secret.
struct Jitter(u64);

impl Jitter {
    fn new() -> Self {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(u64::from(std::process::id()));
        Self(hasher.finish() | 1)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}
