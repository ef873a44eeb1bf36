//! Turns: at most `max_connections` requests in flight per client (shared by every clone), and
//! how a finished request hands its turn on without letting the client open more connections
//! than it has turns.
//!
//! A turn must outlive its request a little: hyper puts the connection back in its pool from a
//! task of its own a few scheduler turns after the answer was read. A turn handed on at once
//! would let its next holder find no idle connection and open another. So a finished request's
//! turn either goes straight to the client's next request (parked until then: the connection it
//! covers is the one that request will find), or, when requests may be waiting for it, is
//! handed on from a task of its own a few scheduler turns later.

use std::sync::{Arc, Mutex};

use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

/// The turns of one client and its clones.
pub(crate) struct Turns {
    semaphore: Arc<Semaphore>,
    /// The turn of a request that finished while other turns were free (so no request was
    /// waiting): kept for the next request instead of being released.
    parked: Mutex<Option<OwnedSemaphorePermit>>,
}

impl Turns {
    /// `count` turns (validated by the options).
    pub(crate) fn new(count: usize) -> Self {
        Self {
            semaphore: Arc::new(Semaphore::new(count)),
            parked: Mutex::new(None),
        }
    }

    /// A turn without waiting: the parked one, else a free one.
    pub(crate) fn try_take(&self) -> Option<OwnedSemaphorePermit> {
        let parked = self.parked.lock().ok().and_then(|mut slot| slot.take());
        parked.or_else(|| self.semaphore.clone().try_acquire_owned().ok())
    }

    /// Waits for a turn (first come, first served).
    pub(crate) async fn wait(&self) -> Result<OwnedSemaphorePermit, AcquireError> {
        self.semaphore.clone().acquire_owned().await
    }

    /// Hands on the turn of a finished attempt. With other turns free, no request is waiting
    /// for this one: it is parked for the client's next request, unless one is parked already.
    /// Otherwise it is released a few scheduler turns from now, once hyper has put the
    /// connection back in its pool (the caller does not wait for this).
    pub(crate) fn finish(&self, permit: OwnedSemaphorePermit) {
        if self.semaphore.available_permits() > 0
            && let Ok(mut slot) = self.parked.lock()
            && slot.is_none()
        {
            *slot = Some(permit);
            return;
        }
        tokio::spawn(async move {
            for _ in 0..4 {
                tokio::task::yield_now().await;
            }
            drop(permit);
        });
    }
}
