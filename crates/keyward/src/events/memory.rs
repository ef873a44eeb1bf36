//! The in-process [`DeliveryStore`]: [`MemoryDeliveryStore`], and the reservation rule it applies.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use keyward_core::LicenseError;

use super::store::{Delivery, DeliveryStore, Reservation};

/// The in-memory [`DeliveryStore`], for one process: remembers at most `capacity` deliveries,
/// each for `retention` (oldest forgotten first), so memory stays bounded whatever arrives; per
/// license key it keeps the time and state of the last applied event (one small entry per key
/// your signed webhooks name).
///
/// Several replicas behind a load balancer each accept the same delivery with this store: share
/// one store between them instead (`RedisDeliveryStore`, feature `redis`).
#[derive(Debug)]
pub struct MemoryDeliveryStore {
    capacity: usize,
    retention: Duration,
    inner: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Each delivery, when it was first recorded, and its entry number in `order`.
    deliveries: HashMap<String, (Held, DateTime<Utc>, u64)>,
    /// Entries oldest first; one whose number no longer matches its delivery's is dropped.
    order: VecDeque<(DateTime<Utc>, u64, String)>,
    next: u64,
    keys: HashMap<String, KeyRecord>,
}

/// Where one delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Held {
    /// Reserved by a receiver until then.
    Reserved(DateTime<Utc>),
    /// Acknowledged.
    Done,
}

/// What is kept per key: the last applied event's time and state, and who holds the key now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct KeyRecord {
    pub(crate) applied: Option<DateTime<Utc>>,
    pub(crate) state: Option<String>,
    pub(crate) holder: Option<(String, DateTime<Utc>)>,
}

/// How many deliveries the default store keeps.
pub const DEFAULT_CAPACITY: usize = 100_000;

/// How long the default store remembers a delivery: twice Dodo's default 5-minute tolerance.
pub const DEFAULT_RETENTION: Duration = Duration::minutes(10);

impl Default for MemoryDeliveryStore {
    /// 100,000 deliveries for 10 minutes each.
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY, DEFAULT_RETENTION)
    }
}

/// The reservation rule, a pure function of what the store holds: an acknowledged delivery is
/// done; a delivery or key held by a live lease is busy; an event older than the key's last
/// applied one is stale; anything else is reserved. Redis runs the same rule in a script.
pub(crate) fn decide(
    held: Option<Held>,
    key: Option<&KeyRecord>,
    delivery: &Delivery<'_>,
) -> Reservation {
    match held {
        Some(Held::Done) => return Reservation::Done,
        Some(Held::Reserved(until)) if until > delivery.now => return Reservation::Busy,
        _ => {}
    }
    let Some(record) = key else {
        return Reservation::Reserved { previous: None };
    };
    if let Some((holder, until)) = &record.holder
        && holder != delivery.id
        && *until > delivery.now
    {
        return Reservation::Busy;
    }
    if let (Some(at), Some(applied)) = (delivery.occurred_at, record.applied)
        && at < applied
    {
        return Reservation::Stale {
            last_applied: applied,
        };
    }
    Reservation::Reserved {
        previous: record.state.clone(),
    }
}

impl MemoryDeliveryStore {
    /// A store remembering at most `capacity` deliveries (at least 1), each for `retention`.
    pub fn new(capacity: usize, retention: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            retention,
            inner: Mutex::new(State::default()),
        }
    }

    /// How many deliveries it remembers now.
    pub fn len(&self) -> usize {
        self.lock().deliveries.len()
    }

    /// Whether it remembers none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves usable maps: keep going.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// Forgets what was recorded before `horizon`, then the oldest until there is room for one.
    fn trim(&mut self, horizon: DateTime<Utc>, capacity: usize) {
        while let Some((at, entry, id)) = self.order.front() {
            let current = self.deliveries.get(id).map(|(_, _, n)| n) == Some(entry);
            if current && *at > horizon && self.deliveries.len() < capacity {
                break;
            }
            if current {
                self.deliveries.remove(id);
            }
            self.order.pop_front();
        }
    }

    /// Sets where `id` stands; a delivery not yet recorded is recorded `now`.
    fn set(&mut self, id: &str, held: Held, now: DateTime<Utc>) {
        if let Some(entry) = self.deliveries.get_mut(id) {
            entry.0 = held;
            return;
        }
        self.next += 1;
        self.deliveries
            .insert(id.to_owned(), (held, now, self.next));
        self.order.push_back((now, self.next, id.to_owned()));
    }
}

#[async_trait]
impl DeliveryStore for MemoryDeliveryStore {
    fn retention(&self) -> Duration {
        self.retention
    }

    async fn reserve(&self, delivery: &Delivery<'_>) -> Result<Reservation, LicenseError> {
        let mut state = self.lock();
        state.trim(delivery.now - self.retention, self.capacity);
        let held = state.deliveries.get(delivery.id).map(|(held, _, _)| *held);
        let key = delivery.key.and_then(|key| state.keys.get(key));
        let found = decide(held, key, delivery);
        if matches!(found, Reservation::Reserved { .. }) {
            let until = delivery.lease_end();
            if let Some(key) = delivery.key {
                let record = state.keys.entry(key.to_owned()).or_default();
                record.holder = Some((delivery.id.to_owned(), until));
            }
            state.set(delivery.id, Held::Reserved(until), delivery.now);
        }
        Ok(found)
    }

    async fn acknowledge(
        &self,
        delivery: &Delivery<'_>,
        applied_state: Option<&str>,
    ) -> Result<(), LicenseError> {
        let mut state = self.lock();
        state.set(delivery.id, Held::Done, delivery.now);
        if let Some(key) = delivery.key {
            let record = state.keys.entry(key.to_owned()).or_default();
            if record
                .holder
                .as_ref()
                .is_some_and(|(id, _)| id == delivery.id)
            {
                record.holder = None;
            }
            let later = match (delivery.occurred_at, record.applied) {
                (Some(at), Some(applied)) => at >= applied,
                _ => true,
            };
            if later {
                record.applied = delivery.occurred_at.or(record.applied);
                record.state = applied_state.map(str::to_owned);
            }
        }
        Ok(())
    }

    async fn release(&self, delivery: &Delivery<'_>) -> Result<(), LicenseError> {
        let mut state = self.lock();
        if matches!(
            state.deliveries.get(delivery.id),
            Some((Held::Reserved(_), _, _))
        ) {
            state.deliveries.remove(delivery.id);
        }
        if let Some(record) = delivery.key.and_then(|key| state.keys.get_mut(key))
            && record
                .holder
                .as_ref()
                .is_some_and(|(id, _)| id == delivery.id)
        {
            record.holder = None;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "memory_tests.rs"]
mod tests;
