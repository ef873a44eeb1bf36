//! A stateful local Creem (licenses), on wiremock.
//!
//! ```no_run
//! use keyward_emulator::creem::{CreemEmulator, LicenseSeed};
//!
//! # async fn run() {
//! let creem = CreemEmulator::start().await;
//! creem.add_license(LicenseSeed::new("CREEM-1234-5678").activation_limit(1));
//! // Point the client at `creem.uri()` with the secret key `creem.api_key()`.
//! # }
//! ```
//!
//! Behaviour, from Creem's OpenAPI and guides (no server source is public; where they disagree
//! the licenses guide is followed, and guesses are marked):
//! - every route needs `x-api-key`: none is 401, a wrong one 403 `Invalid API key`;
//! - `POST /v1/licenses/activate` creates an instance while the limit allows (200, the license
//!   with `instance`), then 403 (guide: activation limit); an unknown key is 404; an expired or
//!   disabled license is 400 (a guess: not documented);
//! - `POST /v1/licenses/validate` answers 200 with the license and the instance (its status says
//!   whether it may be used: `expired` past `expires_at`); an unknown key or instance is 404;
//! - `POST /v1/licenses/deactivate` marks the instance `deactivated` (200); again is 409 (guide);
//! - `GET /v1/customers/{id}/licenses` pages by `page_number` (from 1) and `page_size`;
//! - errors are `{"trace_id", "status", "error", "message": [...], "timestamp"}`.

mod routes;

use chrono::{DateTime, Utc};
use serde_json::Value;
use wiremock::{Request, ResponseTemplate};

use crate::shell::{Clock, Emulator, Keyed, Provider};

/// The secret key a started Creem emulator accepts.
pub const DEFAULT_API_KEY: &str = "creem_emulator_api_key";

/// A running emulated Creem (the shell's knobs: [`Emulator`]). Dropping it stops the server.
pub type CreemEmulator = Emulator<State>;

/// A license as stored.
#[derive(Debug, Clone)]
pub(crate) struct LicenseRecord {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) product_id: String,
    pub(crate) customer_id: String,
    pub(crate) disabled: bool,
    pub(crate) activation_limit: Option<u64>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) created_at: DateTime<Utc>,
}

/// An instance (activation).
#[derive(Debug, Clone)]
pub(crate) struct InstanceRecord {
    pub(crate) id: String,
    pub(crate) license_id: String,
    pub(crate) name: String,
    pub(crate) active: bool,
    pub(crate) created_at: DateTime<Utc>,
}

/// Everything an emulated Creem holds.
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) api_key: String,
    pub(crate) clock: Clock,
    pub(crate) licenses: Vec<LicenseRecord>,
    pub(crate) instances: Vec<InstanceRecord>,
}

impl Provider for State {
    const NAME: &'static str = "CreemEmulator";

    /// Empty, with the key [`DEFAULT_API_KEY`].
    fn initial(_base_url: &str) -> Self {
        Self {
            api_key: DEFAULT_API_KEY.to_owned(),
            clock: Clock::default(),
            licenses: Vec::new(),
            instances: Vec::new(),
        }
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        routes::respond(self, request)
    }

    fn dump(&self) -> Value {
        let licenses: Vec<Value> = self
            .licenses
            .iter()
            .map(|l| routes::license_json(self, l, None))
            .collect();
        serde_json::json!({ "licenses": licenses })
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.api_key
    }
}

/// A license to add with [`CreemEmulator::add_license`].
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSeed {
    key: String,
    product_id: String,
    customer_id: String,
    activation_limit: Option<u64>,
    expires_at: Option<DateTime<Utc>>,
    disabled: bool,
}

impl LicenseSeed {
    /// A license of `prod_emulator` for `cust_emulator`, without a limit or an expiry.
    pub fn new(key: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            product_id: "prod_emulator".to_owned(),
            customer_id: "cust_emulator".to_owned(),
            activation_limit: None,
            expires_at: None,
            disabled: false,
        }
    }

    /// At most this many active instances.
    pub fn activation_limit(mut self, limit: u32) -> Self {
        self.activation_limit = Some(u64::from(limit));
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

    /// Owned by this customer.
    pub fn customer(mut self, id: impl Into<String>) -> Self {
        self.customer_id = id.into();
        self
    }
}

impl Emulator<State> {
    /// Adds a license and returns its id (`lic_…`); an existing key string returns its id.
    pub fn add_license(&self, seed: LicenseSeed) -> String {
        self.write(|state| {
            if let Some(existing) = state.licenses.iter().find(|l| l.key == seed.key) {
                return existing.id.clone();
            }
            let id = routes::new_id("lic");
            state.licenses.push(LicenseRecord {
                id: id.clone(),
                key: seed.key,
                product_id: seed.product_id,
                customer_id: seed.customer_id,
                disabled: seed.disabled,
                activation_limit: seed.activation_limit,
                expires_at: seed.expires_at,
                created_at: state.clock.now(),
            });
            id
        })
    }

    /// How many active instances a license has.
    pub fn active_instances(&self, license_id: &str) -> usize {
        self.read(|state| routes::active_count(state, license_id))
    }
}
