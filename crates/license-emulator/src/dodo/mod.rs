//! A stateful local Dodo Payments (license keys), on wiremock.
//!
//! ```no_run
//! use license_emulator::dodo::{DodoEmulator, KeySpec};
//!
//! # async fn run() {
//! let dodo = DodoEmulator::start().await;
//! let key_id = dodo.add_key(KeySpec::new("KEY-1234-5678").activations_limit(1));
//! // Point the client at `dodo.uri()` with the bearer token `dodo.api_key()`.
//! # let _ = key_id;
//! # }
//! ```
//!
//! Behaviour, as Dodo documents it (guesses marked in the crate README):
//! - `POST /licenses/activate` creates an instance while the limit allows (201), then answers 422
//!   `LICENSE_KEY_LIMIT_REACHED`; 403 `INACTIVE_LICENSE_KEY` for disabled or expired keys; 404 for
//!   unknown keys.
//! - `POST /licenses/deactivate` frees the slot (200, empty body); 403 `LICENSE_KEY_NOT_FOUND`
//!   when the instance is not on the key; 404 for unknown keys.
//! - `POST /licenses/validate` is `{"valid": false}` for disabled, expired and unknown keys and
//!   for instances not on the key.
//! - admin routes (`/license_keys…`, `/license_key_instances…`) need `Authorization: Bearer
//!   <api_key>` (else 401); the public ones ignore it. Lists page with `page_size` (default 10,
//!   at most 100) and 0-based `page_number`.
//! - unknown routes answer 404 `{"code": "NOT_FOUND", "message": "Item not found"}`.

mod routes;
mod state;

use std::path::Path;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

use crate::support::{self, lock};
use routes::Router;
use state::{CustomerRecord, InstanceRecord, KeyRecord, State, new_id, parse_time};

/// The bearer token [`DodoEmulator::start`] accepts on admin routes.
pub const DEFAULT_API_KEY: &str = "dodo_emulator_api_key";

/// A running emulated Dodo. Dropping it stops the server.
pub struct DodoEmulator {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for DodoEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DodoEmulator")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

/// A license key to add with [`DodoEmulator::add_key`].
#[derive(Debug, Clone)]
#[must_use]
pub struct KeySpec {
    key: String,
    customer_id: String,
    customer_email: Option<String>,
    customer_name: Option<String>,
    product_id: String,
    product_name: Option<String>,
    activations_limit: Option<i64>,
    expires_at: Option<DateTime<Utc>>,
    disabled: bool,
    subscription_id: Option<String>,
    source: String,
}

impl KeySpec {
    /// An active key string with no limit and no expiry, for `cus_emulator` / `pdt_emulator`.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            customer_id: "cus_emulator".to_owned(),
            customer_email: None,
            customer_name: None,
            product_id: "pdt_emulator".to_owned(),
            product_name: None,
            activations_limit: None,
            expires_at: None,
            disabled: false,
            subscription_id: None,
            source: "auto".to_owned(),
        }
    }

    /// At most this many activations.
    pub fn activations_limit(mut self, limit: i64) -> Self {
        self.activations_limit = Some(limit);
        self
    }

    /// Expires at this time (compared with the emulator's clock).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at);
        self
    }

    /// Starts disabled.
    pub fn disabled(mut self) -> Self {
        self.disabled = true;
        self
    }

    /// Owned by this customer (email and name are shown by activate).
    pub fn customer(
        mut self,
        id: impl Into<String>,
        email: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        self.customer_id = id.into();
        self.customer_email = Some(email.into());
        self.customer_name = Some(name.into());
        self
    }

    /// For this product.
    pub fn product(mut self, id: impl Into<String>, name: Option<&str>) -> Self {
        self.product_id = id.into();
        self.product_name = name.map(str::to_owned);
        self
    }

    /// Tied to a subscription (its expiry cannot be set: 400).
    pub fn subscription(mut self, id: impl Into<String>) -> Self {
        self.subscription_id = Some(id.into());
        self
    }

    /// Sets the `source` (`auto`, `import`, `manual`).
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = source.into();
        self
    }
}

impl DodoEmulator {
    /// Starts an empty emulator whose admin token is [`DEFAULT_API_KEY`].
    pub async fn start() -> Self {
        Self::start_with_api_key(DEFAULT_API_KEY).await
    }

    /// Starts an empty emulator with this admin token.
    pub async fn start_with_api_key(api_key: &str) -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::new(api_key)));
        Mock::given(any())
            .respond_with(Router {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// The base URL to point a client at.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The admin bearer token.
    pub fn api_key(&self) -> String {
        lock(&self.state).api_key.clone()
    }

    /// Changes the admin bearer token.
    pub fn set_api_key(&self, api_key: impl Into<String>) {
        lock(&self.state).api_key = api_key.into();
    }

    /// The requests received so far.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// Pins the emulator's clock at `now` (expiry checks, `created_at`).
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

    /// Adds a license key and returns its id (`lic_…`). Adding a key string that exists already
    /// changes nothing and returns the existing id.
    pub fn add_key(&self, spec: KeySpec) -> String {
        let mut state = lock(&self.state);
        if let Some(existing) = state.keys.iter().find(|k| k.key == spec.key) {
            return existing.id.clone();
        }
        let id = new_id("lic");
        if let (Some(email), Some(name)) = (spec.customer_email, spec.customer_name) {
            state
                .customers
                .insert(spec.customer_id.clone(), CustomerRecord { email, name });
        }
        state
            .products
            .insert(spec.product_id.clone(), spec.product_name);
        let record = KeyRecord {
            id: id.clone(),
            key: spec.key,
            brand_id: "brnd_emulator".to_owned(),
            created_at: state.now(),
            customer_id: spec.customer_id,
            product_id: spec.product_id,
            source: spec.source,
            disabled: spec.disabled,
            forced_expired: false,
            activations_limit: spec.activations_limit,
            expires_at: spec.expires_at,
            payment_id: None,
            subscription_id: spec.subscription_id,
        };
        state.keys.push(record);
        id
    }

    /// Seeds keys and instances from Dodo list bodies (`{"items": [...]}`), as in
    /// `fixtures/dodo/list_license_keys.200.json` and `list_license_key_instances.200.json`.
    /// Returns how many keys and instances were added.
    pub fn seed_json(&self, keys: &str, instances: Option<&str>) -> Result<(usize, usize), String> {
        let keys: Value = serde_json::from_str(keys).map_err(|e| format!("keys: {e}"))?;
        let mut state = lock(&self.state);
        let now = state.now();
        let mut added = (0, 0);
        for item in items(&keys)? {
            let record = key_from_json(item, now)?;
            if state
                .keys
                .iter()
                .all(|k| k.key != record.key && k.id != record.id)
            {
                state.keys.push(record);
                added.0 += 1;
            }
        }
        if let Some(instances) = instances {
            let instances: Value =
                serde_json::from_str(instances).map_err(|e| format!("instances: {e}"))?;
            for item in items(&instances)? {
                let text = |name: &str| {
                    item.get(name)
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                        .ok_or_else(|| format!("instance without `{name}`"))
                };
                let instance = InstanceRecord {
                    id: text("id")?,
                    created_at: item.get("created_at").and_then(parse_time).unwrap_or(now),
                    license_key_id: text("license_key_id")?,
                    name: text("name")?,
                };
                if state.instances.iter().all(|i| i.id != instance.id) {
                    state.instances.push(instance);
                    added.1 += 1;
                }
            }
        }
        Ok(added)
    }

    /// Seeds from a fixtures folder such as `fixtures/dodo/`: `list_license_keys.200.json` and,
    /// when present, `list_license_key_instances.200.json`.
    pub fn seed_from_dir(&self, dir: impl AsRef<Path>) -> Result<(usize, usize), String> {
        let dir = dir.as_ref();
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        let keys =
            read("list_license_keys.200.json").map_err(|e| format!("{}: {e}", dir.display()))?;
        let instances = read("list_license_key_instances.200.json").ok();
        self.seed_json(&keys, instances.as_deref())
    }

    /// A key as Dodo would return it (`GET /license_keys/{id}`), if it exists.
    pub fn key(&self, id: &str) -> Option<Value> {
        let state = lock(&self.state);
        state.key_by_id(id).map(|k| state.key_json(k))
    }

    /// How many instances a key has now.
    pub fn instances_count(&self, id: &str) -> i64 {
        lock(&self.state).instances_count(id)
    }
}

fn items(body: &Value) -> Result<&Vec<Value>, String> {
    body.get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| "expected {\"items\": [...]}".to_owned())
}

/// A key of a list body; a missing `created_at` is `now` on the emulator's clock.
fn key_from_json(item: &Value, now: DateTime<Utc>) -> Result<KeyRecord, String> {
    let text = |name: &str| item.get(name).and_then(Value::as_str).map(str::to_owned);
    let required = |name: &str| text(name).ok_or_else(|| format!("license key without `{name}`"));
    let status = text("status").unwrap_or_else(|| "active".to_owned());
    let expires_at = item.get("expires_at").and_then(parse_time);
    Ok(KeyRecord {
        id: required("id")?,
        key: required("key")?,
        brand_id: text("brand_id").unwrap_or_else(|| "brnd_emulator".to_owned()),
        created_at: item.get("created_at").and_then(parse_time).unwrap_or(now),
        customer_id: required("customer_id")?,
        product_id: required("product_id")?,
        source: text("source").unwrap_or_else(|| "auto".to_owned()),
        disabled: status == "disabled",
        forced_expired: status == "expired",
        activations_limit: item.get("activations_limit").and_then(Value::as_i64),
        expires_at,
        payment_id: text("payment_id"),
        subscription_id: text("subscription_id"),
    })
}
