//! A stateful Keygen account with its own Ed25519 key: validation with scopes (releases for the
//! version and checksum scopes) and the server's codes in the server's order, machines with the license's limit, heartbeats, licenses and
//! their admin actions, users by role (license owners and license users, each caller allowed
//! what Keygen's policies allow it), check-out of license and machine files (optionally AES-256-GCM
//! encrypted; signed with the account's Ed25519, RSA-2048 or P-256 key), signed responses (`Keygen-Signature`) and signed webhooks, and Keygen EE's
//! isolated and shared environments. Paths with
//! `/v1/accounts/{account}/…` (hosted) and `/v1/…` (self-hosted) are both served.
//!
//! ```no_run
//! use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
//!
//! # async fn run() {
//! let emulator = KeygenEmulator::start().await;
//! let id = emulator.add_license(LicenseSeed::new("TEST-KEY-0001").strict(true).max_machines(1));
//! // Point a client at emulator.uri() with account emulator.account_id() and public key
//! // emulator.public_key_hex(); admin calls take emulator.api_key() as the token.
//! # let _ = id; }
//! ```

mod activations;
mod answer;
mod auth;
mod body;
mod checkout;
mod checkout_sign;
mod components;
mod edition;
mod environment_creation;
mod environments;
mod expiration_basis;
mod filter_metadata;
mod filter_time;
mod filters;
mod groups;
mod legacy;
mod license_admin;
mod license_attributes;
mod license_params;
mod licenses;
mod limits;
mod machine_params;
mod machine_seed;
mod machines;
mod matching;
mod metadata_casing;
mod owners;
mod plan;
mod policy;
mod pool;
mod provider;
mod release_seed;
mod releases;
mod resources;
mod roles;
mod route;
mod scope_params;
mod seed;
mod seed_document;
mod seed_limits;
mod seed_machine_rules;
mod seed_users;
mod settings;
mod sign;
mod state;
mod usage;
mod users;
mod uuid_re;
mod validation;
mod validation_machines;
mod validation_scope;
mod versions;

use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;

pub use activations::TokenActivations;
pub use edition::Edition;
pub use environments::{EnvironmentSeed, Isolation};
pub use expiration_basis::ExpirationBasis;
pub use groups::GroupSeed;
pub use machine_seed::MachineSeed;
pub use plan::AccountPlan;
pub use releases::{
    ArtifactSeed, ArtifactStatus, DistributionStrategy, ReleaseSeed, ReleaseStatus,
};
pub use seed::LicenseSeed;
pub use state::{
    AuthStrategy, ComponentUniqueness, ExpirationStrategy, LicenseRecord, MachineLeasing,
    MachineMatching, MachineRecord, MachineUniqueness, Overage, ProcessLeasing, Resurrection,
    State,
};
pub use users::{UserRecord, UserRole, UserSeed};

use crate::SeedError;
use crate::shell::Emulator;

/// The admin token the emulator accepts unless another is set.
pub const DEFAULT_TOKEN: &str = "keygen_emulator_admin_token";

/// The emulated account's id.
pub const ACCOUNT_ID: &str = "6198a0ea-2c2c-4b41-9b9c-3e3f3e9c7a10";

/// A Keygen emulator on a loopback port (the shell's knobs: [`Emulator`]).
pub type KeygenEmulator = Emulator<State>;

impl Emulator<State> {
    /// Adds a license and returns its id.
    pub fn add_license(&self, seed: LicenseSeed) -> String {
        self.write(|state| {
            let id = seed::insert_license(state, seed);
            let resource = state
                .license(&id)
                .map(|l| state.license_resource(l))
                .unwrap_or(Value::Null);
            state.emit("license.created", resource);
            id
        })
    }

    /// Activates a machine with `fingerprint` on license `license_id` (no limit checked) and
    /// returns its id; `None` for an unknown license.
    pub fn add_instance(&self, license_id: &str, fingerprint: &str) -> Option<String> {
        self.add_machine(license_id, MachineSeed::new(fingerprint))
    }

    /// Adds a machine to license `license_id` (id or key; no limit checked) and returns its id;
    /// `None` for an unknown license.
    pub fn add_machine(&self, license_id: &str, seed: MachineSeed) -> Option<String> {
        self.write(|state| machine_seed::insert_machine(state, license_id, seed))
    }

    /// Seeds from a JSON:API document of `licenses` (single or list; a decrypted license file
    /// too). Returns how many were added; a refused document adds nothing.
    pub fn seed_json(&self, body: &str) -> Result<usize, SeedError> {
        self.write(|state| {
            let mut draft = state.clone();
            let added = seed_document::seed_document(&mut draft, body)?;
            *state = draft;
            Ok(added)
        })
    }

    /// Seeds from the decrypted license documents of a fixtures folder (`fixtures/keygen/`:
    /// `keygen-testvector-license-*.decrypted.json`). Returns how many were added.
    pub fn seed_from_dir(&self, dir: impl AsRef<Path>) -> Result<usize, SeedError> {
        let mut added = 0;
        for name in [
            "keygen-testvector-license-HEAD.decrypted.json",
            "keygen-testvector-license-3798e1e.decrypted.json",
        ] {
            added += self.seed_json(&SeedError::read(dir.as_ref().join(name))?)?;
        }
        Ok(added)
    }

    /// The license with this id (or key), as the emulator holds it now.
    pub fn license(&self, id: &str) -> Option<LicenseRecord> {
        self.read(|state| state.license(id).cloned())
    }

    /// The machines of license `license_id`.
    pub fn instances(&self, license_id: &str) -> Vec<MachineRecord> {
        self.read(|state| state.machines_of(license_id).into_iter().cloned().collect())
    }

    /// Suspends or reinstates a license (as the dashboard would).
    pub fn set_suspended(&self, id: &str, suspended: bool) {
        self.write(|state| {
            if let Some(license) = state.license_mut(id) {
                license.suspended = suspended;
            }
        });
    }

    /// Sets a license's expiry.
    pub fn set_expiry(&self, id: &str, expiry: Option<DateTime<Utc>>) {
        self.write(|state| {
            if let Some(license) = state.license_mut(id) {
                license.expiry = expiry;
            }
        });
    }

    /// Registers policy `policy_id` with the settings of `settings` (its product, limits,
    /// strategies): a license `POST /licenses` creates under that policy gets them, and a
    /// product token may create licenses only under its own product's policies. `POST
    /// /licenses` under a policy not registered here is 422 `POLICY_NOT_FOUND`, as Keygen
    /// answers for a policy the account does not hold.
    pub fn add_policy(&self, policy_id: &str, settings: LicenseSeed) {
        self.write(|state| {
            let mut template = settings.into_record();
            template.policy_id = policy_id.to_owned();
            state.policies.retain(|p| p.policy_id != policy_id);
            state.policies.push(template);
        });
    }

    /// Adds a user of the account and returns its id: the owner or a user of licenses
    /// ([`LicenseSeed::owner`], [`LicenseSeed::users`]) and, with a token, a caller acting
    /// as its role allows.
    pub fn add_user(&self, seed: UserSeed) -> String {
        self.write(|state| users::insert_user(state, seed))
    }

    /// Makes `token` a product token of product `product_id` (`Authorization: Bearer <token>`
    /// then manages that product's licenses and machines; others' are not found).
    pub fn add_product_token(&self, product_id: &str, token: &str) {
        let entry = (token.to_owned(), product_id.to_owned());
        self.write(|state| state.product_tokens.push(entry));
    }

    /// Makes the account's subscription lapse (`false`: every request is 403, as Keygen
    /// answers a canceled account) or active again.
    pub fn set_subscription_active(&self, active: bool) {
        self.write(|state| state.inactive = !active);
    }

    /// The account id clients put in their paths.
    pub fn account_id(&self) -> String {
        self.read(|state| state.account_id.clone())
    }

    /// The account's Ed25519 public key (64 hex characters): what clients verify with.
    pub fn public_key_hex(&self) -> String {
        self.read(|state| sign::public_key_hex(&state.signing_seed))
    }

    /// The account's Ed25519 seed (64 hex characters): the secret of a
    /// [`WebhookTarget`](crate::WebhookTarget), since Keygen signs webhooks with the account key.
    pub fn signing_seed_hex(&self) -> String {
        self.read(|state| hex::encode(state.signing_seed))
    }

    /// Sends responses without `Keygen-Signature` (as a self-hosted Keygen without a key) or
    /// with it (the default).
    pub fn set_signed_responses(&self, signed: bool) {
        self.write(|state| state.sign_responses = signed);
    }

    /// Changes every body after it is signed (one byte added), as a man in the middle would.
    pub fn set_tampering(&self, tamper: bool) {
        self.write(|state| state.tamper = tamper);
    }
}
