//! One delivery from bytes to acknowledgement: [`receive`], the sequence every web framework's
//! glue runs ([`axum::webhook`](super::axum::webhook) with the `axum` feature).

use std::fmt;
use std::future::Future;

use keyward_core::LicenseError;

use super::{EventRejection, LicenseEvent, Webhooks};

/// What became of one delivery handed to [`receive`]; [`http_status`](Self::http_status) says
/// what to answer the provider.
#[derive(Debug)]
#[non_exhaustive]
pub enum Receipt {
    /// The app's handler applied the event and the delivery is acknowledged.
    Applied,
    /// No event to apply: refused, a replay, stale, in flight elsewhere, or the store failed.
    Rejected(EventRejection),
    /// The app's handler failed; the reservation was released for the provider's retry.
    HandlerFailed,
    /// The handler applied the event but acknowledging failed: the provider retries, and the
    /// handler may see the event again (apply idempotently).
    NotAcknowledged(LicenseError),
}

impl Receipt {
    /// 200 once applied; the rejection's own status ([`EventRejection::http_status`]); 500 when
    /// the handler failed and 503 when acknowledging failed, both retried by the provider.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::Applied => 200,
            Self::Rejected(rejection) => rejection.http_status(),
            Self::HandlerFailed => 500,
            Self::NotAcknowledged(_) => 503,
        }
    }
}

impl fmt::Display for Receipt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Applied => f.write_str("applied"),
            Self::Rejected(rejection) => rejection.fmt(f),
            Self::HandlerFailed => f.write_str("the handler failed; retry later"),
            Self::NotAcknowledged(_) => f.write_str("the delivery could not be acknowledged"),
        }
    }
}

/// Verifies and reserves a delivery, runs the app's `apply` on its event, then acknowledges it
/// (`apply` succeeded) or releases it (`apply` failed). `apply` runs at most once per call; the
/// provider's retries make delivery at least once, so `apply` should be idempotent (for example
/// an upsert keyed by the license, guarded by `event.occurred_at`).
pub async fn receive<W, F, Fut, E>(
    webhooks: &W,
    headers: &http::HeaderMap,
    body: &[u8],
    apply: F,
) -> Receipt
where
    W: Webhooks + ?Sized,
    F: FnOnce(LicenseEvent) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    let event = match webhooks.verify(headers, body).await {
        Ok(event) => event,
        Err(rejection) => return Receipt::Rejected(rejection),
    };
    if apply(event.clone()).await.is_err() {
        // If releasing fails too, the reservation lapses after its lease: the retry still works.
        let _ = webhooks.release(&event).await;
        return Receipt::HandlerFailed;
    }
    match webhooks.acknowledge(&event).await {
        Ok(()) => Receipt::Applied,
        Err(error) => Receipt::NotAcknowledged(error),
    }
}
