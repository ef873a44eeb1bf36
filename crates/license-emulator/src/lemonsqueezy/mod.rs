//! A stateful Lemon Squeezy: license keys with limits, expiry and a disabled flag; the License
//! API (activate / validate / deactivate, no key) and the JSON:API `license-keys` /
//! `license-key-instances` routes (bearer key) over the same state; an optional rate limit.
//!
//! ```no_run
//! use license_emulator::lemonsqueezy::{KeySeed, LemonSqueezyEmulator};
//!
//! # async fn run() {
//! let emulator = LemonSqueezyEmulator::start().await;
//! let id = emulator.add_key(KeySeed::new("TEST-KEY-0001").activation_limit(Some(1)).product(4, 5));
//! let base_url = emulator.uri(); // point the client here; JSON:API calls need emulator.api_key()
//! # let _ = (id, base_url); }
//! ```

mod jsonapi;
mod license_api;
mod seed;
mod state;

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub use seed::KeySeed;
use state::State;
pub use state::{InstanceRecord, KeyRecord};

use crate::support::{self, lock};

/// The API key the JSON:API routes accept unless another is set.
pub const DEFAULT_API_KEY: &str = "ls_emulator_api_key";

/// A Lemon Squeezy emulator on a loopback port.
pub struct LemonSqueezyEmulator {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

/// Only the address: the state holds the API key and every license key.
impl std::fmt::Debug for LemonSqueezyEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LemonSqueezyEmulator")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

struct Responder {
    state: Arc<Mutex<State>>,
}

impl Respond for Responder {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = lock(&self.state);
        route(&mut state, request)
    }
}

fn route(state: &mut State, request: &Request) -> ResponseTemplate {
    let segments = support::segments(request);
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method.as_str();
    let license_api = matches!(parts.as_slice(), ["v1", "licenses", _]);
    state.requests = state.requests.saturating_add(1);
    if state.rate_limit.is_some_and(|limit| state.requests > limit) {
        let retry = state.retry_after_secs.to_string();
        let response = if license_api {
            support::json_as(
                429,
                "application/json",
                &json!({ "message": "Too Many Attempts." }),
            )
        } else {
            jsonapi::error(429, "Too Many Requests", None, None)
        };
        return response.insert_header("retry-after", retry.as_str());
    }
    if license_api {
        return match (method, parts.as_slice()) {
            ("POST", [_, _, "activate"]) => license_api::activate(state, request),
            ("POST", [_, _, "validate"]) => license_api::validate(state, request),
            ("POST", [_, _, "deactivate"]) => license_api::deactivate(state, request),
            // Laravel's answer to a known route asked with another method.
            (_, [_, _, verb @ ("activate" | "validate" | "deactivate")]) => support::json_as(
                405,
                "application/json",
                &json!({ "message": format!(
                    "The {method} method is not supported for route v1/licenses/{verb}. \
                     Supported methods: POST."
                ) }),
            )
            .insert_header("allow", "POST"),
            _ => support::json_as(404, "application/json", &json!({ "message": "Not Found" })),
        };
    }
    if let Err(response) = jsonapi::authorize(state, request) {
        return *response;
    }
    match (method, parts.as_slice()) {
        ("GET", ["v1", "license-keys"]) => jsonapi::list_keys(state, request),
        ("GET", ["v1", "license-keys", id]) => jsonapi::retrieve_key(state, request, id),
        ("PATCH", ["v1", "license-keys", id]) => jsonapi::update_key(state, request, id),
        ("GET", ["v1", "license-key-instances"]) => jsonapi::list_instances(state, request),
        ("GET", ["v1", "license-key-instances", id]) => {
            jsonapi::retrieve_instance(state, request, id)
        }
        _ => jsonapi::error(404, "Not Found", None, None),
    }
}

impl LemonSqueezyEmulator {
    /// Starts an empty emulator.
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State {
            api_key: DEFAULT_API_KEY.to_owned(),
            retry_after_secs: 60,
            base_url: server.uri(),
            ..State::default()
        }));
        Mock::given(any())
            .respond_with(Responder {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// Starts an emulator seeded from a fixtures folder (see [`seed_fixtures`](Self::seed_fixtures)).
    pub async fn start_with_fixtures(dir: impl AsRef<Path>) -> Result<Self, String> {
        let emulator = Self::start().await;
        emulator.seed_fixtures(dir)?;
        Ok(emulator)
    }

    /// The base URL to give the client (`http://127.0.0.1:PORT`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The API key the JSON:API routes accept.
    pub fn api_key(&self) -> String {
        lock(&self.state).api_key.clone()
    }

    /// Changes the API key the JSON:API routes accept.
    pub fn set_api_key(&self, key: impl Into<String>) {
        lock(&self.state).api_key = key.into();
    }

    /// The requests received so far.
    pub async fn received_requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Adds a license key and returns its id.
    pub fn add_key(&self, seed: KeySeed) -> u64 {
        let mut state = lock(&self.state);
        seed::insert_key(&mut state, seed)
    }

    /// Adds an activation of key `key_id` (as if activated with `name`) and returns its UUID.
    pub fn add_instance(&self, key_id: u64, name: &str) -> Option<String> {
        let mut state = lock(&self.state);
        seed::insert_instance(&mut state, key_id, None, None, name)
    }

    /// Seeds from a JSON:API document (single or list, with `included`) of `license-keys` and
    /// `license-key-instances` resources, as in `fixtures/lemonsqueezy/`. Returns how many
    /// resources were added.
    pub fn seed_json(&self, body: &str) -> Result<usize, String> {
        let mut state = lock(&self.state);
        seed::seed_document(&mut state, body)
    }

    /// Seeds from `license_keys.list.200.json` and `license_key_instances.list.200.json` of a
    /// fixtures folder (`fixtures/lemonsqueezy/`). Returns how many resources were added.
    pub fn seed_fixtures(&self, dir: impl AsRef<Path>) -> Result<usize, String> {
        let mut added = 0;
        for name in [
            "license_keys.list.200.json",
            "license_key_instances.list.200.json",
        ] {
            let path = dir.as_ref().join(name);
            let body =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            added += self.seed_json(&body)?;
        }
        Ok(added)
    }

    /// The key with this id, as the emulator holds it now.
    pub fn key(&self, id: u64) -> Option<KeyRecord> {
        lock(&self.state).key_by_id(id).cloned()
    }

    /// The activations of key `id`.
    pub fn instances(&self, id: u64) -> Vec<InstanceRecord> {
        lock(&self.state)
            .instances
            .iter()
            .filter(|i| i.license_key_id == id)
            .cloned()
            .collect()
    }

    /// Disables or enables a key (as the dashboard would).
    pub fn set_disabled(&self, id: u64, disabled: bool) {
        if let Some(key) = lock(&self.state).keys.iter_mut().find(|k| k.id == id) {
            key.disabled = disabled;
        }
    }

    /// Sets a key's expiry.
    pub fn set_expires_at(&self, id: u64, expires_at: Option<DateTime<Utc>>) {
        if let Some(key) = lock(&self.state).keys.iter_mut().find(|k| k.id == id) {
            key.expires_at = expires_at;
        }
    }

    /// Pins the emulator's clock at `now` (expiry decisions, timestamps).
    pub fn set_now(&self, now: DateTime<Utc>) {
        lock(&self.state).now = Some(now);
    }

    /// Moves the pinned clock by `by` (pinning it at the system time first if it was free).
    pub fn advance(&self, by: chrono::Duration) {
        let mut state = lock(&self.state);
        state.now = Some(support::advanced(state.now, by));
    }

    /// Lets the clock follow the system time again.
    pub fn use_system_clock(&self) {
        lock(&self.state).now = None;
    }

    /// Answers 429 (with `Retry-After`) to every request after the first `limit` ones counted
    /// from now; `None` turns the limit off.
    pub fn set_rate_limit(&self, limit: Option<u32>) {
        let mut state = lock(&self.state);
        state.rate_limit = limit;
        state.requests = 0;
    }

    /// The `Retry-After` seconds sent with a 429 (default 60).
    pub fn set_retry_after(&self, seconds: u64) {
        lock(&self.state).retry_after_secs = seconds;
    }

    /// How many requests arrived since the emulator started or the rate limit was last set.
    pub fn request_count(&self) -> u32 {
        lock(&self.state).requests
    }
}
