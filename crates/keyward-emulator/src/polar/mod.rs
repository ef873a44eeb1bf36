//! A stateful local Polar (license keys), on wiremock.
//!
//! ```no_run
//! use keyward_emulator::polar::{LicenseSeed, PolarEmulator};
//!
//! # async fn run() {
//! let polar = PolarEmulator::start().await;
//! let key_id = polar.add_license(LicenseSeed::new("POLAR-1234-5678").limit_activations(1));
//! // Point the client at `polar.uri()` with `polar.organization_id()` (and, for the admin
//! // routes, the token `polar.api_key()`).
//! # let _ = key_id;
//! # }
//! ```
//!
//! Behaviour, as Polar's server code has it (`server/polar/license_key/service.py`):
//! - `POST /v1/customer-portal/license-keys/{validate,activate,deactivate}` need no token and
//!   look the key up in the body's `organization_id`; `/v1/license-keys/{…}` are their twins
//!   behind the access token.
//! - validate answers 200 only for a granted, unexpired key (counting a validation and
//!   `increment_usage`); 404 `ResourceNotFound` with Polar's detail otherwise ("License key is
//!   no longer active.", "License key has expired.", conditions, benefit or customer mismatch),
//!   400 when the usage asked exceeds what is left.
//! - activate answers 403 `NotPermitted` for an inactive or expired key, a key without an
//!   activation limit, or at the limit; each call creates an activation.
//! - deactivate soft-deletes the activation (204); a second one is a 404.
//! - admin routes (`GET /v1/license-keys/`, `GET`/`PATCH /v1/license-keys/{id}`,
//!   `GET …/{id}/activations/{activation_id}`) need `Authorization: Bearer <token>` (else 401).
//! - a `Polar-Version` other than 2026-04 or 2026-10 answers 404 `{"detail": "Not Found"}`.
//!
//! Not emulated: webhooks (`benefit_grant.*`), rotation, the customer-session routes, the rate
//! limit.

mod json;
mod routes;
mod seed;
mod state;

use serde_json::Value;
use wiremock::{Request, ResponseTemplate};

use crate::shell::{Clock, Emulator, Keyed, Provider};
pub use seed::LicenseSeed;
pub use state::State;

/// The access token a started Polar emulator accepts on admin routes.
pub const DEFAULT_API_KEY: &str = "polar_oat_emulator_token";

/// The organization a started Polar emulator holds its keys in.
pub const DEFAULT_ORGANIZATION_ID: &str = "fda84e25-7b55-4d67-916d-60ead04ff61f";

/// A running emulated Polar (the shell's knobs: [`Emulator`]). Dropping it stops the server.
pub type PolarEmulator = Emulator<State>;

impl Provider for State {
    const NAME: &'static str = "PolarEmulator";

    /// Empty, in [`DEFAULT_ORGANIZATION_ID`], with the admin token [`DEFAULT_API_KEY`].
    fn initial(_base_url: &str) -> Self {
        State::new(DEFAULT_API_KEY, DEFAULT_ORGANIZATION_ID)
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        routes::respond(self, request)
    }

    fn dump(&self) -> Value {
        self.dump_json()
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.access_token
    }
}

impl Emulator<State> {
    /// The organization the keys belong to: what a client's `organization_id` must be.
    pub fn organization_id(&self) -> String {
        self.read(|state| state.organization_id.clone())
    }

    /// Adds a license key (status `granted` unless the seed says otherwise) and returns its id.
    /// Adding a key string that exists already changes nothing and returns the existing id.
    pub fn add_license(&self, seed: LicenseSeed) -> String {
        self.write(|state| seed::insert(state, seed))
    }

    /// A key as `GET /v1/license-keys/{id}` returns it (with its live activations), if it
    /// exists.
    pub fn key(&self, id: &str) -> Option<Value> {
        self.read(|state| state.key_by_id(id).map(|k| state.key_with_activations(k)))
    }

    /// How many live (not deactivated) activations a key has.
    pub fn activations_count(&self, id: &str) -> usize {
        self.read(|state| {
            let live = state.activations.iter();
            live.filter(|a| a.license_key_id == id && !a.deleted)
                .count()
        })
    }
}
