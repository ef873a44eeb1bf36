//! A stateful local Gumroad (the license API, `/v2/licenses/*`), on wiremock.
//!
//! ```no_run
//! use keyward_emulator::gumroad::{DEFAULT_PRODUCT_ID, GumroadEmulator, LicenseSeed};
//!
//! # async fn run() {
//! let gumroad = GumroadEmulator::start().await;
//! gumroad.add_license(LicenseSeed::new("85DB562A-C11D4B06-A2335A6B-8C079166").uses(2));
//! // Point the client at `gumroad.uri()` with the product `DEFAULT_PRODUCT_ID` (and, for
//! // enable, disable and decrement, the OAuth token `gumroad.api_key()`).
//! # }
//! ```
//!
//! Behaviour, as Gumroad's open-sourced server has it (`antiwork/gumroad`,
//! `app/controllers/api/v2/licenses_controller.rb`, "CTRL"; its spec, "SPEC"):
//! - the routes are served at `/v2/licenses/…` (api.gumroad.com) and `/api/v2/licenses/…`
//!   (gumroad.com/api); parameters are read as Rails merges them: the query, then a form or JSON
//!   body;
//! - `POST verify` needs no token. `product_id` finds the key among its product's; without it
//!   the key is found alone and must match `product_permalink` (or the legacy `id`, then
//!   `link_id`, which come first) by the product's permalink or custom permalink, in any case.
//!   A product that requires `product_id` (created since 2023-01-09) answers **500** naming its
//!   id when it is missing; a key not found or not matching is 404 "That license does not exist
//!   for the provided product."; revoked access is 404 "Access to the purchase associated with
//!   this license has expired."; a disabled key is 404 "This license key has been disabled.";
//!   a non-string key, product or permalink is 400 (CTRL `clean_params`). Otherwise
//!   `increment_uses_count` other than `"false"`/`false` counts a use; 200.
//! - `PUT enable`, `disable`, `decrement_uses_count` need the OAuth token (`Authorization:
//!   Bearer`, or the `access_token` or `bearer_token` parameter, as Doorkeeper reads it): none or
//!   another is 401 with an empty body and Doorkeeper's `WWW-Authenticate` (Gumroad's
//!   controllers render no body of their own). The key is found as for verify (without the
//!   legacy permalink names); another seller's license is 404 `{"success": false, "error": "Not
//!   found"}`. Decrement stops at 0 (CTRL). Enable and disable say nothing of the state.
//! - success is `{"success": true, "uses", "purchase"}`, the purchase with the keys SPEC
//!   L222-265 lists (`short_product_id`, `card{bin, expiry_month, expiry_year, type, visual}`
//!   included); a subscription's adds `subscription_id`, `recurrence`, `is_multiseat_license` and
//!   the `subscription_{ended,cancelled,failed}_at` times in place of `chargebacked`
//!   (`Purchase#as_json_for_license`). A refunded or charged-back purchase still verifies.
//!
//! Guesses (not in the sources): an unknown route or method is 404 with `e404_json`'s body; the
//! purchase's ids, order number and URLs are made up in Gumroad's shapes.
//!
//! Not emulated: token scopes (the 403 of a token without `edit_products`), `rotate`, imported
//! customers, gift purchases, the Redis escape hatch of the product-id rule, rate limits.

mod purchase;
mod routes;
mod seed;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use crate::shell::{Clock, Emulator, Keyed, Provider};
pub use seed::LicenseSeed;

/// The OAuth access token a started Gumroad emulator accepts on enable, disable and decrement.
pub const DEFAULT_ACCESS_TOKEN: &str = "gumroad_emulator_access_token";

/// The product a [`LicenseSeed`] belongs to unless it says otherwise (Gumroad's documented
/// example id): what a client's `product_id` is.
pub const DEFAULT_PRODUCT_ID: &str = "32-nPAicqbLj8B_WswVlMw==";

/// The seller every seeded license belongs to (Gumroad's documented example id).
const SELLER_ID: &str = "kL0psVL2admJSYRNs-OCMg==";

/// A running emulated Gumroad (the shell's knobs: [`Emulator`]). Dropping it stops the server.
pub type GumroadEmulator = Emulator<State>;

/// A subscription a license's purchase belongs to.
#[derive(Debug, Clone)]
pub(crate) struct SubscriptionRecord {
    pub(crate) id: String,
    pub(crate) recurrence: String,
    pub(crate) ended_at: Option<DateTime<Utc>>,
    pub(crate) cancelled_at: Option<DateTime<Utc>>,
    pub(crate) failed_at: Option<DateTime<Utc>>,
}

/// A license as stored, with its product and purchase.
#[derive(Debug, Clone)]
pub(crate) struct LicenseRecord {
    pub(crate) key: String,
    pub(crate) uses: u64,
    pub(crate) disabled: bool,
    pub(crate) product_id: String,
    pub(crate) product_name: String,
    pub(crate) permalink: String,
    pub(crate) custom_permalink: Option<String>,
    pub(crate) requires_product_id: bool,
    pub(crate) other_seller: bool,
    pub(crate) purchase_id: String,
    pub(crate) sale_id: String,
    pub(crate) order_number: u64,
    pub(crate) email: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) refunded: bool,
    pub(crate) chargebacked: bool,
    pub(crate) access_revoked: bool,
    pub(crate) subscription: Option<SubscriptionRecord>,
}

impl LicenseRecord {
    /// Whether `given` names this license's product (`Link#matches_permalink?`).
    pub(crate) fn matches_permalink(&self, given: &str) -> bool {
        let given = given.to_lowercase();
        given == self.permalink.to_lowercase()
            || self
                .custom_permalink
                .as_ref()
                .is_some_and(|c| given == c.to_lowercase())
    }
}

/// Everything an emulated Gumroad holds.
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) access_token: String,
    pub(crate) clock: Clock,
    pub(crate) licenses: Vec<LicenseRecord>,
}

impl Provider for State {
    const NAME: &'static str = "GumroadEmulator";

    /// Empty, with the token [`DEFAULT_ACCESS_TOKEN`].
    fn initial(_base_url: &str) -> Self {
        Self {
            access_token: DEFAULT_ACCESS_TOKEN.to_owned(),
            clock: Clock::default(),
            licenses: Vec::new(),
        }
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        routes::respond(self, request)
    }

    /// Each license as verify answers it, with whether it is disabled (which Gumroad's answer
    /// never says).
    fn dump(&self) -> Value {
        let licenses: Vec<Value> = self
            .licenses
            .iter()
            .map(|l| json!({"disabled": l.disabled, "uses": l.uses, "purchase": purchase::json(l)}))
            .collect();
        json!({ "licenses": licenses })
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.access_token
    }
}

impl Emulator<State> {
    /// Adds a license and returns its purchase's id; a key that exists already changes nothing
    /// and returns its purchase's id.
    pub fn add_license(&self, seed: LicenseSeed) -> String {
        self.write(|state| seed::insert(state, seed))
    }

    /// How many uses a key has counted, if the emulator holds it.
    pub fn uses(&self, key: &str) -> Option<u64> {
        self.read(|state| state.licenses.iter().find(|l| l.key == key).map(|l| l.uses))
    }

    /// Whether a key is disabled, if the emulator holds it.
    pub fn is_disabled(&self, key: &str) -> Option<bool> {
        self.read(|state| {
            let found = state.licenses.iter().find(|l| l.key == key);
            found.map(|l| l.disabled)
        })
    }
}
