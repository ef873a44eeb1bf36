//! Webhooks the emulators send: a target (URL and signing secret), the events a provider's state
//! queues when it changes, and their delivery log. Delivery runs on its own thread (as the front
//! does), one event at a time in the order they happened, each retried with a doubling backoff
//! until the receiver answers 2xx or the attempts run out. A request handler only queues.
//! What differs per provider is the body and the signature ([`SendsWebhooks`]).

mod worker;

use std::fmt;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use aws_lc_rs::hmac;
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, watch};

use super::{Core, Emulator, Provider, lock};

/// Where an emulator sends its webhooks, and how it retries.
///
/// `Debug` shows the URL and the retry settings, never the secret.
///
/// ```
/// use std::time::Duration;
/// use keyward_emulator::WebhookTarget;
///
/// let target = WebhookTarget::new("http://127.0.0.1:8080/webhooks", "whsec_c2VjcmV0")
///     .attempts(3)
///     .backoff(Duration::from_millis(50));
/// assert!(!format!("{target:?}").contains("whsec_"));
/// ```
#[derive(Clone)]
#[must_use]
pub struct WebhookTarget {
    url: String,
    secret: String,
    attempts: u32,
    backoff: Duration,
    timeout: Duration,
}

impl fmt::Debug for WebhookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookTarget")
            .field("url", &self.url)
            .field("secret", &"[redacted]")
            .field("attempts", &self.attempts)
            .field("backoff", &self.backoff)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl WebhookTarget {
    /// POSTs to `url` (`http://`), signed with `secret` as the provider signs (Dodo: a
    /// `whsec_…` Standard Webhooks secret; Lemon Squeezy: the signing secret's text). Four
    /// attempts, 200 ms before the first retry, 5 s per attempt.
    pub fn new(url: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            secret: secret.into(),
            attempts: 4,
            backoff: Duration::from_millis(200),
            timeout: Duration::from_secs(5),
        }
    }

    /// At most this many attempts per event (at least one).
    pub fn attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry; each later retry waits twice as long as the one before.
    pub fn backoff(mut self, first: Duration) -> Self {
        self.backoff = first;
        self
    }

    /// How long one attempt may take before it counts as failed.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Why a [`WebhookTarget`] was refused. Never quotes the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The URL is not an `http://` or `https://` URL.
    #[error("the webhook URL is not an http(s) URL")]
    Url,
    /// The secret is not of the provider's form.
    #[error("the webhook secret {0}")]
    Secret(&'static str),
    /// The delivery thread could not start.
    #[error("the webhook delivery thread could not start: {0}")]
    Start(String),
}

/// An event a provider's state queued, ready to sign and send (named by [`Provider`]).
#[allow(
    unreachable_pub,
    reason = "named by `Provider`, which users cannot name"
)]
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The provider's event name (`license_key.created`, `license_key_updated`).
    pub(crate) event_type: String,
    /// What identifies the message across its attempts (Dodo's `webhook-id`).
    pub(crate) id: String,
    /// The exact bytes to send.
    pub(crate) body: Vec<u8>,
    /// When the change happened, on the emulator's clock.
    pub(crate) occurred_at: DateTime<Utc>,
}

/// The events a provider's state queues as it changes. It records only while the emulator has
/// a webhook target, so without one no event body is built on a request's path.
#[allow(
    unreachable_pub,
    reason = "named by `Provider`, which users cannot name"
)]
#[derive(Debug, Clone, Default)]
pub struct Outbox {
    recording: bool,
    events: Vec<Outgoing>,
}

impl Outbox {
    /// Whether events are wanted: a state builds an event only when this holds.
    pub(crate) fn recording(&self) -> bool {
        self.recording
    }

    /// Queues `event` (dropped when not recording).
    pub(crate) fn push(&mut self, event: Outgoing) {
        if self.recording {
            self.events.push(event);
        }
    }

    /// How many events are queued (a mark to [`truncate`](Self::truncate) back to).
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// Drops the events queued after mark `len` (a change that was undone).
    pub(crate) fn truncate(&mut self, len: usize) {
        self.events.truncate(len);
    }

    pub(super) fn take(&mut self) -> Vec<Outgoing> {
        std::mem::take(&mut self.events)
    }

    pub(super) fn set_recording(&mut self, on: bool) {
        self.recording = on;
        if !on {
            self.events.clear();
        }
    }
}

/// A provider whose emulator sends signed webhooks (Dodo, Lemon Squeezy).
pub trait SendsWebhooks: Provider {
    /// The HMAC key of a signing secret, as the provider reads the secret.
    #[doc(hidden)]
    fn signing_key(secret: &str) -> Result<Vec<u8>, WebhookError>;
    /// The headers of one attempt at `now` to `url` (content type and signature included).
    #[doc(hidden)]
    fn signed_headers(
        key: &[u8],
        url: &url::Url,
        event: &Outgoing,
        now: DateTime<Utc>,
    ) -> Vec<(&'static str, String)>;
}

/// HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    hmac::sign(&key, message).as_ref().to_vec()
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryState {
    /// Queued or being retried.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed.
    GaveUp,
}

/// One attempt at a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WebhookAttempt {
    /// When it was sent, on the emulator's clock (the signed timestamp).
    pub at: DateTime<Utc>,
    /// The receiver's status, when it answered.
    pub status: Option<u16>,
    /// Why it got no answer (connection refused, timeout…).
    pub error: Option<String>,
}

/// One event and its attempts. `Debug` leaves out the body: it holds license keys.
#[derive(Clone)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The provider's event name.
    pub event_type: String,
    /// The message id (Dodo's `webhook-id`; for Lemon Squeezy, whose deliveries carry none, the
    /// emulator's own).
    pub id: String,
    /// When the change happened, on the emulator's clock.
    pub occurred_at: DateTime<Utc>,
    /// The exact body sent.
    pub body: Vec<u8>,
    /// The attempts so far, first first.
    pub attempts: Vec<WebhookAttempt>,
    /// Where it stands.
    pub state: DeliveryState,
}

impl fmt::Debug for WebhookDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookDelivery")
            .field("event_type", &self.event_type)
            .field("id", &self.id)
            .field("occurred_at", &self.occurred_at)
            .field("attempts", &self.attempts)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

/// The delivery log, shared with the worker; `settled` counts the deliveries no longer pending.
pub(crate) struct Log {
    deliveries: Mutex<Vec<WebhookDelivery>>,
    settled: watch::Sender<usize>,
}

impl Log {
    fn push(&self, event: &Outgoing) -> usize {
        let mut deliveries = lock(&self.deliveries);
        deliveries.push(WebhookDelivery {
            event_type: event.event_type.clone(),
            id: event.id.clone(),
            occurred_at: event.occurred_at,
            body: event.body.clone(),
            attempts: Vec::new(),
            state: DeliveryState::Pending,
        });
        deliveries.len() - 1
    }

    /// Records an attempt of delivery `index`.
    fn attempt(&self, index: usize, attempt: WebhookAttempt) {
        if let Some(delivery) = lock(&self.deliveries).get_mut(index) {
            delivery.attempts.push(attempt);
        }
    }

    /// Ends delivery `index`.
    fn settle(&self, index: usize, state: DeliveryState) {
        if let Some(delivery) = lock(&self.deliveries).get_mut(index) {
            delivery.state = state;
        }
        self.settled.send_modify(|n| *n = n.saturating_add(1));
    }
}

/// The shell's webhook side of one emulator: the log, and the queue of the current target.
pub(crate) struct Hooks {
    log: Arc<Log>,
    /// Set exactly while a target is: [`Core::set_webhook_queue`] is what changes it.
    pub(super) queue: Option<Queue>,
}

/// Where events for the delivery thread of the current target go.
pub(super) type Queue = mpsc::UnboundedSender<(usize, Outgoing)>;

impl Default for Hooks {
    fn default() -> Self {
        Self {
            log: Arc::new(Log {
                deliveries: Mutex::new(Vec::new()),
                settled: watch::Sender::new(0),
            }),
            queue: None,
        }
    }
}

impl Hooks {
    /// Queues `events` for the current target; without one they are dropped.
    pub(crate) fn dispatch(&self, events: Vec<Outgoing>) {
        let Some(queue) = &self.queue else { return };
        for event in events {
            let index = self.log.push(&event);
            if queue.send((index, event)).is_err() {
                self.log.settle(index, DeliveryState::GaveUp);
            }
        }
    }
}

impl<P: Provider> Core<P> {
    /// Sets the current target's queue (`None`: no target; what is queued already is still
    /// delivered) and has the state build webhook events exactly while one is set.
    pub(super) fn set_webhook_queue(&mut self, queue: Option<Queue>) {
        self.hooks.queue = queue;
        let recording = self.hooks.queue.is_some();
        if let Some(outbox) = self.state.outbox() {
            outbox.set_recording(recording);
        }
    }
}

impl<P: SendsWebhooks> Emulator<P> {
    /// Sends a signed webhook to `target` whenever the state changes (see each provider's module
    /// for its events), replacing any target set before. Events of earlier changes are not sent.
    pub fn set_webhooks(&self, target: WebhookTarget) -> Result<(), WebhookError> {
        let url = url::Url::parse(&target.url).map_err(|_| WebhookError::Url)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookError::Url);
        }
        let key = P::signing_key(&target.secret)?;
        let weak: Weak<Mutex<Core<P>>> = Arc::downgrade(&self.core);
        let now = move || {
            weak.upgrade()
                .map_or_else(Utc::now, |core| lock(&core).state.clock().now())
        };
        let mut core = lock(&self.core);
        let worker = worker::Worker {
            url,
            key,
            sign: P::signed_headers,
            now: Box::new(now),
            attempts: target.attempts,
            backoff: target.backoff,
            timeout: target.timeout,
            log: Arc::clone(&core.hooks.log),
        };
        let queue = worker
            .spawn()
            .map_err(|e| WebhookError::Start(e.to_string()))?;
        core.set_webhook_queue(Some(queue));
        Ok(())
    }

    /// Stops sending webhooks; events queued already are still delivered.
    pub fn stop_webhooks(&self) {
        lock(&self.core).set_webhook_queue(None);
    }

    /// Every webhook queued so far, in the order the changes happened, with its attempts.
    pub fn webhook_deliveries(&self) -> Vec<WebhookDelivery> {
        let log = Arc::clone(&lock(&self.core).hooks.log);
        lock(&log.deliveries).clone()
    }

    /// Waits until at least `count` webhooks are delivered or given up (or `timeout` passes),
    /// then returns [`webhook_deliveries`](Self::webhook_deliveries).
    pub async fn wait_for_webhooks(&self, count: usize, timeout: Duration) -> Vec<WebhookDelivery> {
        let mut settled = lock(&self.core).hooks.log.settled.subscribe();
        let _ = tokio::time::timeout(timeout, settled.wait_for(|n| *n >= count)).await;
        self.webhook_deliveries()
    }
}
