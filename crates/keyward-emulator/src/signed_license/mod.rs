//! A stateful local GetKeyManager ("signed-license") install, on wiremock, that signs every
//! answer exactly as the real server does.
//!
//! ```no_run
//! use keyward_emulator::signed_license::{LicenseSeed, SignedLicenseEmulator, SigningMode};
//!
//! # async fn run() {
//! let gkm = SignedLicenseEmulator::start().await;
//! gkm.add_license(LicenseSeed::new("KEY-1234-5678").activation_limit(1));
//! // Point the client at `gkm.uri()` with `gkm.api_key()`, pinning `gkm.public_key_pem()`.
//! gkm.set_mode(SigningMode::Unsigned); // now check that your app refuses the answers
//! # }
//! ```
//!
//! Signing: PHP `json_encode` text (compact, `\/`, keys `code, message, …, timestamp`), standard
//! base64, RSASSA-PKCS1-v1_5 SHA-256 over the base64 text, the outer body with `/` escaped as
//! Laravel writes it. The key is a **TEST-ONLY** RSA-2048 key kept in
//! `fixtures/signed-license/test-keys/` (public knowledge: never trust it outside tests).

mod keys;
mod seed;
mod sign;
mod state;

use std::sync::Arc;

use aws_lc_rs::signature::RsaKeyPair;
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use crate::shell::{Clock, Emulator, Keyed, Provider};
use crate::support;
pub use seed::LicenseSeed;
use state::{Install, LicenseRecord, ProductRecord};

/// The API key a started GetKeyManager emulator accepts.
pub const DEFAULT_API_KEY: &str = "6e1c2c0e-gkm-emulator-api-key";

/// How the emulator signs its answers: the knobs that let an app test its refusals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SigningMode {
    /// Signed correctly with the emulator's key (the default).
    #[default]
    Signed,
    /// `"signature": "Private key not set"`, as a server without a private key answers.
    Unsigned,
    /// Signed correctly, but the timestamp is this many seconds in the past.
    Stale(i64),
    /// Signed correctly, but the timestamp is this many seconds in the future.
    FutureDated(i64),
    /// The signature is over the original text, the `response_base64` edited afterwards.
    Tampered,
    /// Signed with another TEST-ONLY key (`global-2048`) and labelled `"global"`.
    OtherKey,
}

/// Everything an emulated install holds (read it through
/// [`SignedLicenseEmulator`]).
#[derive(Clone)]
pub struct State {
    install: Install,
    api_key: String,
    mode: SigningMode,
    clock: Clock,
    key_label: String,
    keys: Arc<Keys>,
}

/// The TEST-ONLY signing keys.
struct Keys {
    own: Option<RsaKeyPair>,
    other: Option<RsaKeyPair>,
}

/// A running emulated GetKeyManager install (the shell's knobs: [`Emulator`]). Dropping it stops
/// the server.
pub type SignedLicenseEmulator = Emulator<State>;

impl Provider for State {
    const NAME: &'static str = "SignedLicenseEmulator";

    /// Product 1 ("Test Product"), no keys, [`DEFAULT_API_KEY`], signed answers.
    fn initial(_base_url: &str) -> Self {
        let mut install = Install::default();
        install.products.push(ProductRecord {
            id: 1,
            name: String::from("Test Product"),
            description: String::from("Emulated product"),
            meta: Vec::new(),
            releases: Vec::new(),
        });
        let keys = Arc::new(Keys {
            own: sign::load_key(sign::TEST_ONLY_PRIVATE_KEY_PEM),
            other: sign::load_key(sign::OTHER_TEST_ONLY_PRIVATE_KEY_PEM),
        });
        State {
            install,
            api_key: DEFAULT_API_KEY.to_owned(),
            mode: SigningMode::Signed,
            clock: Clock::default(),
            key_label: String::from("product"),
            keys,
        }
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        self.answer(request)
    }

    fn dump(&self) -> Value {
        let licenses: Vec<Value> = self
            .install
            .licenses
            .iter()
            .map(|l| {
                json!({
                    "id": l.id,
                    "license_key": l.key,
                    "product_id": l.product_id,
                    "status": l.status,
                    "owner_name": l.owner_name,
                    "owner_email": l.owner_email,
                    "activation_limit": l.activation_limit,
                    "validity": l.validity,
                    "assigned_at": l.assigned_at,
                    "expires_at": l.expires_at,
                    "activations": l.activations,
                    "meta": l.meta.iter().map(|(_, k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let products: Vec<Value> = self
            .install
            .products
            .iter()
            .map(|p| json!({"id": p.id, "name": p.name}))
            .collect();
        json!({"licenses": licenses, "products": products})
    }
}

impl Keyed for State {
    fn api_key(&mut self) -> &mut String {
        &mut self.api_key
    }
}

impl Emulator<State> {
    /// The PEM (SPKI) public key to pin in the client. TEST ONLY.
    pub fn public_key_pem(&self) -> &'static str {
        sign::TEST_ONLY_PUBLIC_KEY_PEM
    }

    /// Adds a license key; returns its id.
    pub fn add_license(&self, seed: LicenseSeed) -> u64 {
        self.write(|state| {
            let id = state.install.new_id();
            let mut record = seed.record;
            record.id = id;
            state.install.licenses.push(record);
            id
        })
    }

    /// Adds a release to a product's downloadables.
    pub fn add_release(&self, product_id: u64, numeric_version: u64, version: &str) {
        self.write(|state| {
            let product = state.install.products.iter_mut();
            if let Some(p) = product.into_iter().find(|p| p.id == product_id) {
                p.releases.push((numeric_version, version.to_owned()));
            }
        });
    }

    /// Returns a key to `available` (owner and activations cleared), as the admin UI's unassign
    /// does; `false` when the key is unknown.
    pub fn unassign(&self, key: &str) -> bool {
        self.write(
            |state| match state.install.licenses.iter_mut().find(|l| l.key == key) {
                Some(l) => {
                    l.status = String::from("available");
                    l.owner_name = None;
                    l.owner_email = None;
                    l.assigned_at = None;
                    l.activations.clear();
                    true
                }
                None => false,
            },
        )
    }

    /// The identifiers a key is activated on.
    pub fn activations(&self, key: &str) -> Vec<String> {
        self.read_license(key, |l| l.activations.clone())
            .unwrap_or_default()
    }

    /// A key's meta entries (key, value).
    pub fn meta(&self, key: &str) -> Vec<(String, String)> {
        self.read_license(key, |l| {
            l.meta
                .iter()
                .map(|(_, k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
    }

    fn read_license<T>(&self, key: &str, read: impl FnOnce(&LicenseRecord) -> T) -> Option<T> {
        self.read(|state| {
            state
                .install
                .licenses
                .iter()
                .find(|l| l.key == key)
                .map(read)
        })
    }

    /// Sets how answers are signed.
    pub fn set_mode(&self, mode: SigningMode) {
        self.write(|state| state.mode = mode);
    }

    /// Sets the unsigned `private_key_used` label (`"product"` by default).
    pub fn set_private_key_used(&self, label: &str) {
        self.write(|state| state.key_label = label.to_owned());
    }
}

impl State {
    /// Routes, answers and signs a request.
    fn answer(&mut self, request: &Request) -> ResponseTemplate {
        let segments = support::segments(request);
        let endpoint = match segments.as_slice() {
            [api, v1, endpoint] if api == "api" && v1 == "v1" => endpoint.clone(),
            _ => return not_found(),
        };
        // Laravel routes before any middleware: an unknown path is its 404 page, a known one
        // asked with the wrong method its 405 page (neither signed).
        match state::route_method(&endpoint) {
            None => return not_found(),
            Some(method) if method != request.method.as_str() => return method_not_allowed(),
            Some(_) => {}
        }
        // Laravel merges the query with a form or JSON body (the v3 PHP SDK posts JSON).
        let fields = support::laravel_input(request);
        let now = self.clock.now().timestamp();
        let sent_key = fields
            .get("api_key")
            .map(String::as_str)
            .or_else(|| support::bearer(request));
        let api_key = self.api_key.clone();
        let answer = if sent_key != Some(api_key.as_str()) {
            Some(state::Answer {
                code: Value::from(100),
                message: "Invalid API Key",
                fields: Vec::new(),
            })
        } else {
            self.install.handle(&endpoint, &fields, now, &api_key)
        };
        let Some(answer) = answer else {
            return not_found();
        };
        let status = match answer.code.as_u64() {
            Some(100..=103) => 401,
            Some(150) => 403,
            _ => 200,
        };
        let mode = self.mode;
        let label = self.key_label.clone();
        let timestamp = match mode {
            SigningMode::Stale(s) => now.saturating_sub(s),
            SigningMode::FutureDated(s) => now.saturating_add(s),
            _ => now,
        };
        let text = sign::payload_text(&answer.code, answer.message, &answer.fields, timestamp);
        let b64 = sign::base64(&text);
        let (b64_sent, signature, label) = match (mode, &self.keys.own, &self.keys.other) {
            (SigningMode::Unsigned, _, _) => (b64, sign::SENTINEL.to_owned(), label),
            (SigningMode::Tampered, Some(key), _) => {
                let edited = text.replacen("\"message\":\"", "\"message\":\"(edited) ", 1);
                (
                    sign::base64(&edited),
                    sign::sign(key, b64.as_bytes()),
                    label,
                )
            }
            (SigningMode::OtherKey, _, Some(other)) => {
                let signature = sign::sign(other, b64.as_bytes());
                (b64, signature, String::from("global"))
            }
            (_, Some(key), _) => {
                let signature = sign::sign(key, b64.as_bytes());
                (b64, signature, label)
            }
            (_, None, _) => (b64, sign::SENTINEL.to_owned(), label),
        };
        let body = sign::envelope(&text, &b64_sent, &label, &signature);
        ResponseTemplate::new(status).set_body_raw(body.into_bytes(), "application/json")
    }
}

/// Laravel's HTML 404 page.
fn not_found() -> ResponseTemplate {
    html_error(404, "Not Found")
}

/// Laravel's HTML 405 page.
fn method_not_allowed() -> ResponseTemplate {
    html_error(405, "Method Not Allowed")
}

fn html_error(status: u16, title: &str) -> ResponseTemplate {
    let page = format!(
        "<!DOCTYPE html><html><head><title>{title}</title></head><body>{status} | {title}</body></html>"
    );
    ResponseTemplate::new(status).set_body_raw(page.into_bytes(), "text/html; charset=UTF-8")
}
