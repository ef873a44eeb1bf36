//! A stateful Lemon Squeezy: license keys with limits, expiry and a disabled flag; the License
//! API (activate / validate / deactivate, no key) and the JSON:API `license-keys` /
//! `license-key-instances` routes (bearer key) over the same state; an optional rate limit.
//!
//! ```no_run
//! use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
//!
//! # async fn run() {
//! let emulator = LemonSqueezyEmulator::start().await;
//! let id = emulator.add_license(LicenseSeed::new("TEST-KEY-0001").activation_limit(1).product(4, 5));
//! let base_url = emulator.uri(); // point the client here; JSON:API calls need emulator.api_key()
//! # let _ = (id, base_url); }
//! ```

mod jsonapi;
mod license_api;
mod seed;
mod state;
mod webhooks;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

pub use seed::LicenseSeed;
pub use state::{InstanceRecord, KeyRecord, State};

use crate::SeedError;
use crate::shell::{Clock, Emulator, Keyed, Outbox, Provider};
use crate::support;

/// The API key the JSON:API routes accept unless another is set.
pub const DEFAULT_API_KEY: &str = "ls_emulator_api_key";

/// A Lemon Squeezy emulator on a loopback port (the shell's knobs: [`Emulator`]).
pub type LemonSqueezyEmulator = Emulator<State>;

impl Provider for State {
    const NAME: &'static str = "LemonSqueezyEmulator";

    /// Empty, with the API key [`DEFAULT_API_KEY`] and a `Retry-After` of 60 s.
    fn initial(base_url: &str) -> Self {
        State {
            api_key: DEFAULT_API_KEY.to_owned(),
            retry_after_secs: 60,
            base_url: base_url.to_owned(),
            webhook_id: uuid::Uuid::new_v4().to_string(),
            ..State::default()
        }
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        route(self, request)
    }

    fn outbox(&mut self) -> Option<&mut Outbox> {
        Some(&mut self.outbox)
    }

    fn dump(&self) -> Value {
        let keys: Vec<Value> = self.keys.iter().map(|k| self.key_resource(k)).collect();
        let instances: Vec<Value> = self
            .instances
            .iter()
            .map(|i| self.instance_resource(i))
            .collect();
        json!({"license-keys": keys, "license-key-instances": instances})
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.api_key
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

impl Emulator<State> {
    /// Adds a license key and returns its id.
    pub fn add_license(&self, seed: LicenseSeed) -> u64 {
        self.write(|state| {
            let id = seed::insert_key(state, seed);
            state.emit_created(id);
            id
        })
    }

    /// Adds an activation of key `key_id` (as if activated with `name`) and returns its UUID.
    pub fn add_instance(&self, key_id: u64, name: &str) -> Option<String> {
        self.write(|state| seed::insert_instance(state, key_id, None, None, name))
    }

    /// Seeds from a JSON:API document (single or list, with `included`) of `license-keys` and
    /// `license-key-instances` resources, as in `fixtures/lemonsqueezy/`. Returns how many
    /// resources were added; a refused document adds nothing.
    pub fn seed_json(&self, body: &str) -> Result<usize, SeedError> {
        self.write(|state| {
            let mut draft = state.clone();
            let added = seed::seed_document(&mut draft, body)?;
            *state = draft;
            Ok(added)
        })
    }

    /// Seeds from `license_keys.list.200.json` and `license_key_instances.list.200.json` of a
    /// fixtures folder (`fixtures/lemonsqueezy/`). Returns how many resources were added.
    pub fn seed_from_dir(&self, dir: impl AsRef<Path>) -> Result<usize, SeedError> {
        let mut added = 0;
        for name in [
            "license_keys.list.200.json",
            "license_key_instances.list.200.json",
        ] {
            added += self.seed_json(&SeedError::read(dir.as_ref().join(name))?)?;
        }
        Ok(added)
    }

    /// The key with this id, as the emulator holds it now.
    pub fn key(&self, id: u64) -> Option<KeyRecord> {
        self.read(|state| state.key_by_id(id).cloned())
    }

    /// The activations of key `id`.
    pub fn instances(&self, id: u64) -> Vec<InstanceRecord> {
        self.read(|state| {
            state
                .instances
                .iter()
                .filter(|i| i.license_key_id == id)
                .cloned()
                .collect()
        })
    }

    /// Disables or enables a key (as the dashboard would; sends `license_key_updated`).
    pub fn set_disabled(&self, id: u64, disabled: bool) {
        self.write(|state| state.change_key(id, |key| key.disabled = disabled));
    }

    /// Sets a key's expiry (sends `license_key_updated`).
    pub fn set_expires_at(&self, id: u64, expires_at: Option<DateTime<Utc>>) {
        self.write(|state| state.change_key(id, |key| key.expires_at = expires_at));
    }

    /// Answers 429 (with `Retry-After`) to every request after the first `limit` ones counted
    /// from now; `None` turns the limit off.
    pub fn set_rate_limit(&self, limit: Option<u32>) {
        self.write(|state| {
            state.rate_limit = limit;
            state.requests = 0;
        });
    }

    /// The `Retry-After` seconds sent with a 429 (default 60).
    pub fn set_retry_after(&self, seconds: u64) {
        self.write(|state| state.retry_after_secs = seconds);
    }

    /// How many requests arrived since the emulator started or the rate limit was last set.
    pub fn request_count(&self) -> u32 {
        self.read(|state| state.requests)
    }
}
