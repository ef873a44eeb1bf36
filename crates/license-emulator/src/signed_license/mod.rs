//! A stateful local GetKeyManager ("signed-license") install, on wiremock, that signs every
//! answer exactly as the real server does.
//!
//! ```no_run
//! use license_emulator::signed_license::{LicenseSpec, SignedLicenseEmulator, SigningMode};
//!
//! # async fn run() {
//! let gkm = SignedLicenseEmulator::start().await;
//! gkm.add_license(LicenseSpec::assigned("KEY-1234-5678").activation_limit(1));
//! // Point the client at `gkm.uri()` with `gkm.api_key()`, pinning `gkm.public_key_pem()`.
//! gkm.set_mode(SigningMode::Unsigned); // now check that your app refuses the answers
//! # }
//! ```
//!
//! Signing: PHP `json_encode` text (compact, `\/`, keys `code, message, …, timestamp`), standard
//! base64, RSASSA-PKCS1-v1_5 SHA-256 over the base64 text, the outer body with `/` escaped as
//! Laravel writes it. The key is a **TEST-ONLY** RSA-2048 key kept in
//! `fixtures/signed-license/test-keys/` (public knowledge: never trust it outside tests).

mod sign;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support;
use state::{LicenseRecord, ProductRecord, State};

/// The API key [`SignedLicenseEmulator::start`] accepts.
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

/// A license key to add with [`SignedLicenseEmulator::add_license`].
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSpec {
    record: LicenseRecord,
}

impl LicenseSpec {
    /// An unassigned (`available`) key of product 1, one activation, no expiry.
    pub fn available(key: impl Into<String>) -> Self {
        Self {
            record: LicenseRecord {
                id: 0,
                key: key.into(),
                product_id: 1,
                status: String::from("available"),
                owner_name: None,
                owner_email: None,
                activation_limit: 1,
                validity: 0,
                assigned_at: None,
                expires_at: None,
                activations: Vec::new(),
                meta: Vec::new(),
            },
        }
    }

    /// An assigned key (owner "Test User"), ready to activate.
    pub fn assigned(key: impl Into<String>) -> Self {
        let mut spec = Self::available(key);
        spec.record.status = String::from("assigned");
        spec.record.owner_name = Some(String::from("Test User"));
        spec.record.owner_email = Some(String::from("email@domain.ltd"));
        spec.record.assigned_at = Some(String::from("2024-02-27 03:05:31"));
        spec
    }

    /// At most this many activations (0 = unlimited).
    pub fn activation_limit(mut self, limit: u64) -> Self {
        self.record.activation_limit = limit;
        self
    }

    /// Of this product.
    pub fn product(mut self, product_id: u64) -> Self {
        self.record.product_id = product_id;
        self
    }

    /// Blocked.
    pub fn blocked(mut self) -> Self {
        self.record.status = String::from("blocked");
        self
    }

    /// Expires at this Unix time (compared with the emulator's clock).
    pub fn expires_at(mut self, unix_seconds: i64) -> Self {
        self.record.expires_at = Some(unix_seconds);
        self
    }
}

struct Shared {
    state: State,
    api_key: String,
    mode: SigningMode,
    now: Option<i64>,
    key_label: String,
}

/// A running emulated GetKeyManager install. Dropping it stops the server.
pub struct SignedLicenseEmulator {
    server: MockServer,
    shared: Arc<Mutex<Shared>>,
}

impl std::fmt::Debug for SignedLicenseEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedLicenseEmulator")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl SignedLicenseEmulator {
    /// Starts an install with product 1 ("Test Product"), no keys, the system clock and
    /// [`DEFAULT_API_KEY`].
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let mut state = State::default();
        state.products.push(ProductRecord {
            id: 1,
            name: String::from("Test Product"),
            description: String::from("Emulated product"),
            meta: Vec::new(),
            releases: Vec::new(),
        });
        let shared = Arc::new(Mutex::new(Shared {
            state,
            api_key: DEFAULT_API_KEY.to_owned(),
            mode: SigningMode::Signed,
            now: None,
            key_label: String::from("product"),
        }));
        let signer = Signer {
            shared: shared.clone(),
            key: sign::load_key(sign::TEST_ONLY_PRIVATE_KEY_PEM),
            other: sign::load_key(sign::OTHER_TEST_ONLY_PRIVATE_KEY_PEM),
        };
        Mock::given(any()).respond_with(signer).mount(&server).await;
        Self { server, shared }
    }

    fn lock(&self) -> MutexGuard<'_, Shared> {
        support::lock(&self.shared)
    }

    /// The install's root URL (the client appends `/api/v1/…`).
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The accepted API key.
    pub fn api_key(&self) -> String {
        self.lock().api_key.clone()
    }

    /// Changes the accepted API key.
    pub fn set_api_key(&self, api_key: impl Into<String>) {
        self.lock().api_key = api_key.into();
    }

    /// The requests received so far.
    pub async fn received_requests(&self) -> Vec<Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    /// The PEM (SPKI) public key to pin in the client. TEST ONLY.
    pub fn public_key_pem(&self) -> &'static str {
        sign::TEST_ONLY_PUBLIC_KEY_PEM
    }

    /// Adds a license key; returns its id.
    pub fn add_license(&self, spec: LicenseSpec) -> u64 {
        let mut shared = self.lock();
        let id = shared.state.new_id();
        let mut record = spec.record;
        record.id = id;
        shared.state.licenses.push(record);
        id
    }

    /// Adds a release to a product's downloadables.
    pub fn add_release(&self, product_id: u64, numeric_version: u64, version: &str) {
        let mut shared = self.lock();
        if let Some(p) = shared
            .state
            .products
            .iter_mut()
            .find(|p| p.id == product_id)
        {
            p.releases.push((numeric_version, version.to_owned()));
        }
    }

    /// Returns a key to `available` (owner and activations cleared), as the admin UI's unassign
    /// does; `false` when the key is unknown.
    pub fn unassign(&self, key: &str) -> bool {
        let mut shared = self.lock();
        match shared.state.licenses.iter_mut().find(|l| l.key == key) {
            Some(l) => {
                l.status = String::from("available");
                l.owner_name = None;
                l.owner_email = None;
                l.assigned_at = None;
                l.activations.clear();
                true
            }
            None => false,
        }
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
        self.lock()
            .state
            .licenses
            .iter()
            .find(|l| l.key == key)
            .map(read)
    }

    /// Sets how answers are signed.
    pub fn set_mode(&self, mode: SigningMode) {
        self.lock().mode = mode;
    }

    /// Sets the unsigned `private_key_used` label (`"product"` by default).
    pub fn set_private_key_used(&self, label: &str) {
        self.lock().key_label = label.to_owned();
    }

    /// Pins the emulator's clock at `now` (the signed `timestamp` of later answers, in whole
    /// seconds).
    pub fn set_now(&self, now: chrono::DateTime<chrono::Utc>) {
        self.lock().now = Some(now.timestamp());
    }

    /// Moves the pinned clock by `by` (pinning it at the system time first if it was free).
    pub fn advance(&self, by: chrono::Duration) {
        let mut shared = self.lock();
        let now = shared.now.unwrap_or_else(|| chrono::Utc::now().timestamp());
        shared.now = Some(now.saturating_add(by.num_seconds()));
    }

    /// Lets the clock follow the system time again.
    pub fn use_system_clock(&self) {
        self.lock().now = None;
    }
}

struct Signer {
    shared: Arc<Mutex<Shared>>,
    key: Option<aws_lc_rs::signature::RsaKeyPair>,
    other: Option<aws_lc_rs::signature::RsaKeyPair>,
}

impl Respond for Signer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
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
        let mut shared = support::lock(&self.shared);
        let now = shared.now.unwrap_or_else(|| chrono::Utc::now().timestamp());
        let sent_key = fields
            .get("api_key")
            .map(String::as_str)
            .or_else(|| support::bearer(request));
        let api_key = shared.api_key.clone();
        let answer = if sent_key != Some(api_key.as_str()) {
            Some(state::Answer {
                code: Value::from(100),
                message: "Invalid API Key",
                fields: Vec::new(),
            })
        } else {
            shared.state.handle(&endpoint, &fields, now, &api_key)
        };
        let Some(answer) = answer else {
            return not_found();
        };
        let status = match answer.code.as_u64() {
            Some(100..=103) => 401,
            Some(150) => 403,
            _ => 200,
        };
        let mode = shared.mode;
        let label = shared.key_label.clone();
        drop(shared);
        let timestamp = match mode {
            SigningMode::Stale(s) => now.saturating_sub(s),
            SigningMode::FutureDated(s) => now.saturating_add(s),
            _ => now,
        };
        let text = sign::payload_text(&answer.code, answer.message, &answer.fields, timestamp);
        let b64 = sign::base64(&text);
        let (b64_sent, signature, label) = match (mode, &self.key, &self.other) {
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
