//! A ready axum route for a provider's webhooks (feature `axum`): [`webhook`].

use std::future::Future;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{MethodRouter, post};

use super::{LicenseEvent, Webhooks, receive};

/// A `POST` route that reads the raw body and headers, verifies and reserves the delivery, runs
/// `apply` with the [`LicenseEvent`], acknowledges it on success, and answers the provider with
/// [`Receipt::http_status`](super::Receipt::http_status): 200 when applied (or nothing to do),
/// 401 for a forged or stale delivery, and 409, 500 or 503 — which the provider retries — when
/// the delivery is in flight elsewhere, `apply` failed, or the delivery store is down.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use keyward::events::{EventKind, LemonSqueezyEvents, LicenseEvent};
///
/// async fn apply(event: LicenseEvent) -> Result<(), std::io::Error> {
///     match event.kind {
///         EventKind::Revoked | EventKind::Suspended | EventKind::Expired => { /* lock */ }
///         EventKind::Reinstated | EventKind::Renewed => { /* unlock */ }
///         _ => { /* keep event.license */ }
///     }
///     Ok(())
/// }
///
/// let events = LemonSqueezyEvents::new("signing-secret")?;
/// let app: axum::Router = axum::Router::new()
///     .route("/webhooks/lemonsqueezy", keyward::events::axum::webhook(events, apply));
/// # let _ = app; Ok(()) }
/// ```
pub fn webhook<W, F, Fut, E, S>(webhooks: W, apply: F) -> MethodRouter<S>
where
    W: Webhooks + 'static,
    F: Fn(LicenseEvent) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send + 'static,
    S: Clone + Send + Sync + 'static,
{
    let webhooks = Arc::new(webhooks);
    post(move |headers: HeaderMap, body: Bytes| {
        let webhooks = Arc::clone(&webhooks);
        let apply = apply.clone();
        async move {
            let receipt = receive(webhooks.as_ref(), &headers, &body, apply).await;
            let status = StatusCode::from_u16(receipt.http_status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, receipt.to_string())
        }
    })
}
