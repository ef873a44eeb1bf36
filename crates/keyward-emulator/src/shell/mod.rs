//! The one emulator shell the four provider emulators share: a loopback server whose catch-all
//! answer is the provider's router, locked state, a `Debug` that shows only the address, the
//! clock and API-key knobs, the request log, outages and latency, state dumps and reset. Each
//! provider adds only its state and routes (a [`Provider`]).
// The helpers here serve the providers (webhook signing, body parsing, the outbox); with only
// some providers built (their features), some go unused.
#![cfg_attr(
    not(all(
        feature = "dodo",
        feature = "lemonsqueezy",
        feature = "devpayr",
        feature = "signed-license",
        feature = "keygen"
    )),
    allow(dead_code, unused_imports)
)]

mod clock;
mod error;
mod front;
mod outage;
mod webhooks;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[allow(
    unreachable_pub,
    reason = "named by `Provider`, which users cannot name"
)]
pub use clock::Clock;
pub use error::SeedError;
use front::{Front, Mode};
pub use outage::{Fault, Outage};
use webhooks::Hooks;
pub(crate) use webhooks::hmac_sha256;
pub use webhooks::{
    DeliveryState, SendsWebhooks, WebhookAttempt, WebhookDelivery, WebhookError, WebhookTarget,
};
#[allow(
    unreachable_pub,
    reason = "named by `Provider`, which users cannot name"
)]
pub use webhooks::{Outbox, Outgoing};

/// What a provider emulator adds to the shell: its state, and how it answers. Implemented by
/// the four providers' `State`s; name it to write code generic over emulators
/// (`fn check<P: Provider>(emulator: &Emulator<P>)`).
pub trait Provider: Clone + Send + 'static {
    /// The emulator's name in `Debug`.
    const NAME: &'static str;
    /// What the base URL adds to the server's root (e.g. `/api/v1/`).
    const BASE_PATH: &'static str = "";
    /// The state a started emulator holds; `base_url` is its root URL.
    fn initial(base_url: &str) -> Self;
    /// The state's clock.
    fn clock(&mut self) -> &mut Clock;
    /// Answers a request (the outage and latency knobs come first).
    fn respond(&mut self, request: &Request) -> ResponseTemplate;
    /// The state as JSON: what the provider would return for each record.
    fn dump(&self) -> Value;
    /// The webhooks the state queues as it changes (none for providers that send none).
    fn outbox(&mut self) -> Option<&mut Outbox> {
        None
    }
}

/// A provider with one API key that its authenticated routes accept.
pub trait Keyed: Provider {
    /// The accepted key.
    fn api_key(&mut self) -> &mut String;
}

/// A running emulator of provider `P` on a loopback port; dropping it stops the server.
pub struct Emulator<P: Provider> {
    front: Front,
    server: MockServer,
    core: Arc<Mutex<Core<P>>>,
}

struct Core<P> {
    state: P,
    seed: P,
    outage: Option<Outage>,
    /// The faults in force, each with how many matching requests it has seen.
    faults: Vec<(Fault, u64)>,
    latency: Duration,
    hooks: Hooks,
}

impl<P: Provider> Core<P> {
    /// The fault `request` meets, if one strikes it. Every fault counts the requests it
    /// matches; when several strike the same one, the first added answers.
    fn strike(&mut self, request: &Request) -> Option<Fault> {
        let (method, path) = (request.method.as_str(), request.url.path());
        let mut struck = None;
        for (fault, seen) in &mut self.faults {
            if fault.matches(method, path) {
                *seen += 1;
                if struck.is_none() && fault.strikes(*seen) {
                    struck = Some(fault.clone());
                }
            }
        }
        struck
    }

    /// Hands the webhooks the last change queued to the delivery thread.
    fn flush(&mut self) {
        let Some(outbox) = self.state.outbox() else {
            return;
        };
        let events = outbox.take();
        if !events.is_empty() {
            self.hooks.dispatch(events);
        }
    }
}

/// Only the address: the state holds API keys and license keys.
impl<P: Provider> std::fmt::Debug for Emulator<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct(P::NAME)
            .field("uri", &self.uri())
            .finish_non_exhaustive()
    }
}

struct Responder<P> {
    core: Arc<Mutex<Core<P>>>,
}

impl<P: Provider> Respond for Responder<P> {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut core = lock(&self.core);
        let answer = match core.outage {
            Some(Outage::Status {
                status,
                retry_after_secs,
            }) => outage::answer(status, retry_after_secs),
            _ => {
                let fault = core.strike(request);
                match fault {
                    Some(fault) if !fault.after_applying => {
                        outage::answer(fault.status, fault.retry_after_secs)
                    }
                    _ => {
                        let answer = core.state.respond(request);
                        core.flush();
                        match fault {
                            Some(fault) => outage::answer(fault.status, fault.retry_after_secs),
                            None => answer,
                        }
                    }
                }
            }
        };
        if core.latency.is_zero() {
            answer
        } else {
            answer.set_delay(core.latency)
        }
    }
}

/// Locks state; a panic elsewhere while it was held does not poison it for later requests.
pub(crate) fn lock<T>(state: &Mutex<T>) -> MutexGuard<'_, T> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<P: Provider> Emulator<P> {
    /// Starts an emulator on a free loopback port, with the provider's initial state (see each
    /// provider's module).
    ///
    /// # Panics
    /// When no loopback port can be bound, as wiremock's `MockServer::start` does.
    #[allow(
        clippy::panic,
        reason = "a test server without a port cannot do anything useful"
    )]
    pub async fn start() -> Self {
        Self::launch(0)
            .await
            .unwrap_or_else(|e| panic!("keyward-emulator: no loopback port: {e}"))
    }

    /// Starts an emulator on this loopback port (`127.0.0.1:port`), e.g. for a long-lived
    /// server with fixed URLs; `Err` (kind `AddrInUse` when the port is taken) when it cannot be
    /// bound.
    pub async fn start_on(port: u16) -> std::io::Result<Self> {
        Self::launch(port).await
    }

    async fn launch(port: u16) -> std::io::Result<Self> {
        let server = MockServer::start().await;
        let front = Front::start(port, *server.address())?;
        let state = P::initial(&format!("http://{}", front.addr()));
        let core = Arc::new(Mutex::new(Core {
            seed: state.clone(),
            state,
            outage: None,
            faults: Vec::new(),
            latency: Duration::ZERO,
            hooks: Hooks::default(),
        }));
        Mock::given(any())
            .respond_with(Responder { core: core.clone() })
            .mount(&server)
            .await;
        Ok(Self {
            front,
            server,
            core,
        })
    }

    /// Reads the provider's state.
    pub(crate) fn read<T>(&self, read: impl FnOnce(&P) -> T) -> T {
        read(&lock(&self.core).state)
    }

    /// Changes the provider's state.
    pub(crate) fn write<T>(&self, write: impl FnOnce(&mut P) -> T) -> T {
        let mut core = lock(&self.core);
        let result = write(&mut core.state);
        core.flush();
        result
    }

    /// The base URL to point a client at.
    pub fn uri(&self) -> String {
        format!("http://{}{}", self.front.addr(), P::BASE_PATH)
    }

    /// The requests received so far (outages answered with a status included; refused and hung
    /// connections never reach the server).
    pub async fn received_requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Pins the emulator's clock at `now` (expiry decisions, timestamps, signed `timestamp`s).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.write(|state| state.clock().set(now));
    }

    /// Moves the pinned clock by `by` (pinning it at the system time first if it was free).
    pub fn advance(&self, by: chrono::Duration) {
        self.write(|state| state.clock().advance(by));
    }

    /// Lets the clock follow the system time again (the default).
    pub fn use_system_clock(&self) {
        self.write(|state| state.clock().follow_system());
    }

    /// Starts an outage (see [`Outage`]) until [`restore`](Self::restore); the state is kept.
    /// Connections open when it starts are closed, as a real outage cuts them.
    pub fn outage(&self, outage: Outage) {
        let mode = match outage {
            Outage::Refuse => Mode::Refuse,
            Outage::Hang => Mode::Hang,
            Outage::Status { .. } => Mode::Up,
        };
        lock(&self.core).outage = Some(outage);
        self.front.set(mode);
    }

    /// Adds a [`Fault`]: some requests fail, the rest are answered from the state, until
    /// [`restore`](Self::restore). Each fault counts the requests it matches; when several
    /// strike the same request, the first added answers.
    pub fn add_fault(&self, fault: Fault) {
        lock(&self.core).faults.push((fault, 0));
    }

    /// Delays every answer by `latency` (zero: none).
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.core).latency = latency;
    }

    /// Ends any outage, fault and added latency: the emulator answers from its state again.
    pub fn restore(&self) {
        let mut core = lock(&self.core);
        core.outage = None;
        core.faults.clear();
        core.latency = Duration::ZERO;
        drop(core);
        self.front.set(Mode::Up);
    }

    /// The outage in force, if any.
    pub fn current_outage(&self) -> Option<Outage> {
        lock(&self.core).outage
    }

    /// The state as JSON: `{"provider", "now" (the pinned clock or null), "state"}` with every
    /// record as the provider would return it. Test keys are included: never dump real ones.
    pub fn dump(&self) -> Value {
        let mut core = lock(&self.core);
        let now = core.state.clock().pinned();
        json!({
            "provider": P::NAME,
            "now": now.map(|t| t.to_rfc3339()),
            "state": core.state.dump(),
        })
    }

    /// Makes the current state (records, clock, API key) the one [`reset`](Self::reset) returns
    /// to. The state at start is the first seed.
    pub fn mark_seed(&self) {
        let mut core = lock(&self.core);
        core.seed = core.state.clone();
    }

    /// Returns to the seed (see [`mark_seed`](Self::mark_seed)): what requests and knobs changed
    /// since is undone; outages, latency and the request log are kept.
    pub fn reset(&self) {
        let mut core = lock(&self.core);
        core.state = core.seed.clone();
        let queue = core.hooks.queue.take();
        core.set_webhook_queue(queue);
    }
}

/// Stops queueing webhooks, so the delivery thread ends once it has sent what was queued.
impl<P: Provider> Drop for Emulator<P> {
    fn drop(&mut self) {
        lock(&self.core).set_webhook_queue(None);
    }
}

impl<P: Keyed> Emulator<P> {
    /// The API key the authenticated routes accept.
    pub fn api_key(&self) -> String {
        self.write(|state| state.api_key().clone())
    }

    /// Changes the API key the authenticated routes accept.
    pub fn set_api_key(&self, api_key: impl Into<String>) {
        let api_key = api_key.into();
        self.write(|state| *state.api_key() = api_key);
    }
}
