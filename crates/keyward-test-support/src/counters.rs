//! What a server saw, counted as it happens.

use std::sync::atomic::{AtomicUsize, Ordering};

/// What a server saw: requests, and connections and requests in progress.
#[derive(Debug, Default)]
pub struct Counters {
    requests: AtomicUsize,
    open: AtomicUsize,
    peak: AtomicUsize,
    accepted: AtomicUsize,
    busy: AtomicUsize,
    peak_busy: AtomicUsize,
}

impl Counters {
    /// Requests read in all.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }

    /// The most connections open at once.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Connections accepted in all.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Requests being answered now (read, not yet past the server's delay).
    pub fn busy(&self) -> usize {
        self.busy.load(Ordering::SeqCst)
    }

    /// The most requests being answered at once.
    pub fn peak_busy(&self) -> usize {
        self.peak_busy.load(Ordering::SeqCst)
    }

    /// Counts a request read.
    pub(crate) fn request(&self) {
        self.requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a connection accepted and open until the guard is dropped.
    pub(crate) fn connection(&self) -> Open<'_> {
        self.accepted.fetch_add(1, Ordering::SeqCst);
        let now = self.open.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        Open(self)
    }

    /// Counts a request being answered until the guard is dropped.
    pub(crate) fn answering(&self) -> Busy<'_> {
        let now = self.busy.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak_busy.fetch_max(now, Ordering::SeqCst);
        Busy(self)
    }
}

/// An open connection; closed (uncounted) when dropped, even when its task is aborted.
pub(crate) struct Open<'a>(&'a Counters);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A request being answered; done when dropped.
pub(crate) struct Busy<'a>(&'a Counters);

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.busy.fetch_sub(1, Ordering::SeqCst);
    }
}
