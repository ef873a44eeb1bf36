//! Which deliveries were seen already: the [`SeenStore`] trait and its in-memory default.

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use keyward_core::LicenseError;

/// Remembers delivery ids, to tell a first delivery from a replay. Implement it over a shared
/// store (a database, Redis) when several processes handle the same webhooks.
#[async_trait]
pub trait SeenStore: Send + Sync {
    /// Records `delivery_id` as seen at `now`; `true` when it was not seen before, `false` for a
    /// replay. An `Err` means the store could not tell.
    async fn first_seen(&self, delivery_id: &str, now: DateTime<Utc>)
    -> Result<bool, LicenseError>;

    /// Forgets `delivery_id`, so that the provider's next delivery of it is accepted: call it
    /// (through [`DodoEvents::release`](super::DodoEvents::release) or
    /// [`LemonSqueezyEvents::release`](super::LemonSqueezyEvents::release)) when handling an
    /// event failed and you answer an error for the provider to retry.
    async fn forget(&self, delivery_id: &str) -> Result<(), LicenseError>;
}

/// The in-memory [`SeenStore`]: remembers at most `capacity` ids, each for `retention`
/// (oldest forgotten first), so memory stays bounded whatever arrives.
///
/// Dodo refuses timestamps older than 5 minutes, so remembering ids for longer than that
/// tolerance catches every replay that could otherwise pass; Lemon Squeezy signs no timestamp and
/// retries within a few minutes, so a replay of an older body is not caught by this store.
#[derive(Debug)]
pub struct MemorySeenStore {
    capacity: usize,
    retention: Duration,
    inner: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    ids: HashSet<String>,
    order: VecDeque<(DateTime<Utc>, String)>,
}

/// How many ids the default store keeps.
pub const DEFAULT_CAPACITY: usize = 100_000;

impl Default for MemorySeenStore {
    /// 100,000 ids for 10 minutes each.
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY, Duration::minutes(10))
    }
}

impl MemorySeenStore {
    /// A store remembering at most `capacity` ids (at least 1), each for `retention`.
    pub fn new(capacity: usize, retention: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            retention,
            inner: Mutex::new(Seen::default()),
        }
    }

    /// How many ids it remembers now.
    pub fn len(&self) -> usize {
        self.lock().ids.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        // A panic elsewhere while holding the lock leaves a usable set: keep going.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The pure rule: forget what is too old or too many, then record `id`.
    fn record(&self, seen: &mut Seen, id: &str, now: DateTime<Utc>) -> bool {
        let horizon = now - self.retention;
        while seen.order.front().is_some_and(|(at, _)| *at <= horizon) {
            forget_oldest(seen);
        }
        if seen.ids.contains(id) {
            return false;
        }
        while seen.order.len() >= self.capacity {
            forget_oldest(seen);
        }
        seen.ids.insert(id.to_owned());
        seen.order.push_back((now, id.to_owned()));
        true
    }
}

fn forget_oldest(seen: &mut Seen) {
    if let Some((_, old)) = seen.order.pop_front() {
        seen.ids.remove(&old);
    }
}

#[async_trait]
impl SeenStore for MemorySeenStore {
    async fn first_seen(
        &self,
        delivery_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, LicenseError> {
        let mut seen = self.lock();
        Ok(self.record(&mut seen, delivery_id, now))
    }

    async fn forget(&self, delivery_id: &str) -> Result<(), LicenseError> {
        let mut seen = self.lock();
        if seen.ids.remove(delivery_id) {
            seen.order.retain(|(_, id)| id != delivery_id);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn replays_are_caught_and_memory_is_bounded() {
        let store = MemorySeenStore::new(3, Duration::seconds(60));
        let mut seen = Seen::default();
        assert!(store.record(&mut seen, "a", at(0)));
        assert!(!store.record(&mut seen, "a", at(1)), "a replay");
        assert!(store.record(&mut seen, "b", at(2)));
        assert!(store.record(&mut seen, "c", at(3)));
        assert!(
            !store.record(&mut seen, "a", at(4)),
            "full, yet a is remembered"
        );
        assert!(
            store.record(&mut seen, "d", at(5)),
            "the oldest (a) makes room"
        );
        assert_eq!(seen.ids.len(), 3);
        assert!(store.record(&mut seen, "a", at(6)), "a was forgotten");
        assert!(!store.record(&mut seen, "d", at(64)), "d is 59 s old");
        assert!(
            store.record(&mut seen, "d", at(65)),
            "d is 60 s old: forgotten"
        );
        assert!(seen.ids.len() <= 3 && seen.order.len() == seen.ids.len());
    }

    #[tokio::test]
    async fn a_forgotten_delivery_is_accepted_again() {
        let store = MemorySeenStore::new(10, Duration::seconds(60));
        assert!(store.first_seen("a", at(0)).await.unwrap_or(false));
        assert!(!store.first_seen("a", at(1)).await.unwrap_or(true));
        store.forget("a").await.unwrap_or(());
        assert!(store.is_empty());
        assert!(store.first_seen("a", at(2)).await.unwrap_or(false));
        store.forget("never-seen").await.unwrap_or(());
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn many_ids_stay_within_capacity() {
        let store = MemorySeenStore::new(1_000, Duration::hours(1));
        let mut seen = Seen::default();
        for i in 0..200_000_i64 {
            store.record(&mut seen, &i.to_string(), at(i / 1000));
        }
        assert_eq!(seen.ids.len(), 1_000);
        assert_eq!(seen.order.len(), 1_000);
    }
}
