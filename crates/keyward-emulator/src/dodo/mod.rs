//! A stateful local Dodo Payments (license keys), on wiremock.
//!
//! ```no_run
//! use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};
//!
//! # async fn run() {
//! let dodo = DodoEmulator::start().await;
//! let key_id = dodo.add_license(LicenseSeed::new("KEY-1234-5678").activation_limit(1));
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

mod entitlements;
mod grants;
mod routes;
mod seed;
mod state;
mod webhooks;

use std::path::Path;

use serde_json::Value;
use wiremock::{Request, ResponseTemplate};

use crate::SeedError;
use crate::shell::{Clock, Emulator, Keyed, Outbox, Provider};
pub use seed::{EntitlementSeed, GrantSeed, LicenseSeed};
use state::CustomerRecord;
pub use state::State;

/// The bearer token a started Dodo emulator accepts on admin routes.
pub const DEFAULT_API_KEY: &str = "dodo_emulator_api_key";

/// A running emulated Dodo (the shell's knobs: [`Emulator`]). Dropping it stops the server.
pub type DodoEmulator = Emulator<State>;

impl Provider for State {
    const NAME: &'static str = "DodoEmulator";

    /// Empty, with the admin token [`DEFAULT_API_KEY`].
    fn initial(_base_url: &str) -> Self {
        State::new(DEFAULT_API_KEY)
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        routes::respond(self, request)
    }

    fn outbox(&mut self) -> Option<&mut Outbox> {
        Some(&mut self.outbox)
    }

    fn dump(&self) -> Value {
        let keys: Vec<Value> = self.keys.iter().map(|k| self.key_json(k)).collect();
        let instances: Vec<Value> = self
            .instances
            .iter()
            .map(|i| self.instance_json(i))
            .collect();
        let entitlements: Vec<Value> = self
            .entitlements
            .iter()
            .map(|e| self.entitlement_json(e))
            .collect();
        let grants: Vec<Value> = self
            .grants
            .iter()
            .map(|g| self.grant_json(g, false))
            .collect();
        serde_json::json!({
            "license_keys": keys,
            "license_key_instances": instances,
            "entitlements": entitlements,
            "entitlement_grants": grants,
        })
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.api_key
    }
}

impl Emulator<State> {
    /// Starts an empty emulator with this admin token (`start()` uses [`DEFAULT_API_KEY`]).
    pub async fn start_with_api_key(api_key: &str) -> Self {
        let emulator = Self::start().await;
        emulator.set_api_key(api_key);
        emulator.mark_seed();
        emulator
    }

    /// Adds a product `id` (e.g. `pdt_…`), answered by `GET /products/{id}`.
    pub fn add_product(&self, id: &str, name: &str) {
        self.write(|state| {
            state.products.insert(id.to_owned(), Some(name.to_owned()));
        });
    }

    /// Adds a customer `id` (e.g. `cus_…`), answered by `GET /customers/{id}`.
    pub fn add_customer(&self, id: &str, email: &str, name: &str) {
        self.write(|state| {
            let record = CustomerRecord {
                email: email.to_owned(),
                name: name.to_owned(),
            };
            state.customers.insert(id.to_owned(), record);
        });
    }

    /// With `on`, `POST /license_keys` refuses (404) a product or customer the emulator does not
    /// hold (seeded keys' ones, or [`add_product`](Self::add_product) /
    /// [`add_customer`](Self::add_customer)), as the real API does; off by default.
    pub fn require_known_references(&self, on: bool) {
        self.write(|state| state.strict_references = on);
    }

    /// Adds a license key and returns its id (`lic_…`). Adding a key string that exists already
    /// changes nothing and returns the existing id.
    pub fn add_license(&self, seed: LicenseSeed) -> String {
        self.write(|state| seed::insert(state, seed))
    }

    /// Seeds keys and instances from Dodo list bodies (`{"items": [...]}`), as in
    /// `fixtures/dodo/list_license_keys.200.json` and `list_license_key_instances.200.json`.
    /// Returns how many keys and instances were added (records held already are skipped); a
    /// refused body adds nothing.
    pub fn seed_json(
        &self,
        keys: &str,
        instances: Option<&str>,
    ) -> Result<(usize, usize), SeedError> {
        self.write(|state| seed::seed_json(state, keys, instances))
    }

    /// Seeds from a fixtures folder such as `fixtures/dodo/`: `list_license_keys.200.json` and,
    /// when present, `list_license_key_instances.200.json`.
    pub fn seed_from_dir(&self, dir: impl AsRef<Path>) -> Result<(usize, usize), SeedError> {
        let dir = dir.as_ref();
        let keys = SeedError::read(dir.join("list_license_keys.200.json"))?;
        let instances = SeedError::read(dir.join("list_license_key_instances.200.json")).ok();
        self.seed_json(&keys, instances.as_deref())
    }

    /// Adds an entitlement of type `license_key`; returns its id (`ent_…`).
    pub fn add_entitlement(&self, seed: EntitlementSeed) -> String {
        self.write(|state| seed::insert_entitlement(state, seed))
    }

    /// Grants an entitlement to a customer, as a purchase does: with automatic fulfilment the
    /// grant is `Delivered` with a new license key, with manual fulfilment it is `Pending` until
    /// `POST /grants/{id}/license-key`. Returns the grant's id (`entg_…`).
    pub fn add_grant(&self, seed: GrantSeed) -> Result<String, SeedError> {
        self.write(|state| seed::insert_grant(state, seed))
    }

    /// Fails a pending grant, as Dodo does when it cannot fulfil one: status `Failed` with this
    /// `error_code` and `error_message`, and an `entitlement_grant.failed` webhook. An unknown
    /// grant is [`SeedError::Unknown`]; one that is not pending, [`SeedError::Conflict`].
    pub fn fail_grant(&self, id: &str, code: &str, message: &str) -> Result<(), SeedError> {
        self.write(|state| state.fail(id, code, message).map(drop))
            .map_err(|(status, _, _)| {
                if status == 404 {
                    SeedError::Unknown {
                        what: "grant",
                        id: id.to_owned(),
                    }
                } else {
                    SeedError::Conflict {
                        what: "grant",
                        reason: "only a pending grant can fail",
                    }
                }
            })
    }

    /// A grant as `GET /entitlements/{id}/grants` lists it, if it exists.
    pub fn grant(&self, id: &str) -> Option<Value> {
        self.read(|state| {
            let grant = state.grants.iter().find(|g| g.id == id);
            grant.map(|g| state.grant_json(g, false))
        })
    }

    /// A key as Dodo would return it (`GET /license_keys/{id}`), if it exists.
    pub fn key(&self, id: &str) -> Option<Value> {
        self.read(|state| state.key_by_id(id).map(|k| state.key_json(k)))
    }

    /// How many instances a key has now.
    pub fn instances_count(&self, id: &str) -> i64 {
        self.read(|state| state.instances_count(id))
    }
}
