//! A stateful DevPayr emulator: projects with licenses (uuid keys, active/revoked, expiry, domain
//! and usage limits), domains and injectables, behind DevPayr's `/api/v1/` routes, API-key
//! scoping and state rules.
//!
//! ```no_run
//! # async fn run() {
//! use license_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
//!
//! let emulator = DevPayrEmulator::start_seeded().await;
//! let base_url = emulator.uri(); // "http://127.0.0.1:PORT/api/v1/"
//! # let _ = (base_url, GLOBAL_KEY, SEED_PROJECT); }
//! ```

// Handlers return a response on both paths; `Result<_, ResponseTemplate>` is only a shortcut.
#[allow(clippy::result_large_err)]
mod domains;
#[allow(clippy::result_large_err)]
mod licenses;
#[allow(clippy::result_large_err)]
mod routes;
#[allow(clippy::result_large_err)]
mod runtime;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer};

pub use state::DomainMode;
use state::{DomainRec, KeyScope, LicenseRec, Project, State};

/// The seeded project (the fixtures' `project_id`), owned by user 1.
pub const SEED_PROJECT: u64 = 2;
/// A second, empty project of user 1.
pub const SEED_OTHER_PROJECT: u64 = 7;
/// A project of user 2.
pub const FOREIGN_PROJECT: u64 = 9;
/// User 1's global API key (may manage projects 2 and 7).
pub const GLOBAL_KEY: &str = "gk_1_1764854584_8df72c5f159622ddf04c8a7e0590fb79";
/// A key scoped to project 2 only.
pub const PROJECT_KEY: &str = "pk_2_1764854584_0f1e2d3c4b5a69788796a5b4c3d2e1f0";
/// User 2's global API key (may manage project 9 only).
pub const FOREIGN_KEY: &str = "gk_2_1764854584_aa55aa55aa55aa55aa55aa55aa55aa55";

const LICENSES: &str = include_str!("../../../../fixtures/devpayr/licenses.list.200.json");
const DOMAINS: &str = include_str!("../../../../fixtures/devpayr/domains.list.200.json");
const INJECTABLES: &str = include_str!("../../../../fixtures/devpayr/injectables.stream.200.json");

/// The running emulator. Dropping it stops the server.
pub struct DevPayrEmulator {
    server: MockServer,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for DevPayrEmulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevPayrEmulator")
            .field("uri", &self.uri())
            .finish_non_exhaustive()
    }
}

impl DevPayrEmulator {
    /// Starts an empty emulator (no keys, no projects).
    pub async fn start() -> Self {
        let server = MockServer::start().await;
        let state = Arc::new(Mutex::new(State::default()));
        Mock::given(any())
            .respond_with(routes::Handler {
                state: state.clone(),
            })
            .mount(&server)
            .await;
        Self { server, state }
    }

    /// Starts an emulator seeded from `fixtures/devpayr/`: project 2 (paid, `project_domains`
    /// mode) with licenses 5 and 4 of `licenses.list.200.json`, domain 3 of
    /// `domains.list.200.json` and the injectable of `injectables.stream.200.json`; project 7
    /// (empty, same owner) and project 9 (another owner); the keys [`GLOBAL_KEY`],
    /// [`PROJECT_KEY`] and [`FOREIGN_KEY`].
    pub async fn start_seeded() -> Self {
        let emulator = Self::start().await;
        emulator.add_project(SEED_PROJECT, 1, true);
        emulator.add_project(SEED_OTHER_PROJECT, 1, false);
        emulator.add_project(FOREIGN_PROJECT, 2, true);
        emulator.add_global_key(GLOBAL_KEY, 1);
        emulator.add_project_key(PROJECT_KEY, SEED_PROJECT);
        emulator.add_global_key(FOREIGN_KEY, 2);
        // The bodies are compiled in; a failure here would be a broken fixture file.
        let _ = emulator.seed_domains(SEED_PROJECT, DOMAINS);
        let _ = emulator.seed_licenses(SEED_PROJECT, LICENSES);
        let _ = emulator.seed_injectables(SEED_PROJECT, INJECTABLES);
        emulator
    }

    /// The base URL to give a client: `http://127.0.0.1:PORT/api/v1/`.
    pub fn uri(&self) -> String {
        format!("{}/api/v1/", self.server.uri())
    }

    /// The underlying wiremock server (to inspect received requests).
    pub fn server(&self) -> &MockServer {
        &self.server
    }

    /// The requests received so far.
    pub async fn received_requests(&self) -> Vec<wiremock::Request> {
        self.server.received_requests().await.unwrap_or_default()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        crate::support::lock(&self.state)
    }

    /// Adds (or replaces) a project, in `project_domains` mode.
    pub fn add_project(&self, id: u64, owner: u64, paid: bool) {
        self.state().projects.insert(
            id,
            Project {
                owner,
                paid,
                mode: DomainMode::ProjectDomains,
                injectables: Vec::new(),
            },
        );
    }

    /// Sets whether a project is paid.
    pub fn set_project_paid(&self, project: u64, paid: bool) {
        if let Some(p) = self.state().projects.get_mut(&project) {
            p.paid = paid;
        }
    }

    /// Sets a project's domain enforcement mode.
    pub fn set_domain_mode(&self, project: u64, mode: DomainMode) {
        if let Some(p) = self.state().projects.get_mut(&project) {
            p.mode = mode;
        }
    }

    /// Adds a user-wide API key.
    pub fn add_global_key(&self, key: &str, user: u64) {
        self.state()
            .keys
            .insert(key.to_owned(), KeyScope::Global { user });
    }

    /// Adds an API key scoped to one project (of the project's owner).
    pub fn add_project_key(&self, key: &str, project: u64) {
        let mut state = self.state();
        let user = state.projects.get(&project).map_or(0, |p| p.owner);
        state
            .keys
            .insert(key.to_owned(), KeyScope::Project { user, project });
    }

    /// Seeds licenses from a list body (`licenses.list.200.json` shape) or a single record;
    /// returns how many were added.
    pub fn seed_licenses(&self, project: u64, body: &str) -> Result<usize, String> {
        let records = records(body)?;
        let mut state = self.state();
        let now = state.now();
        let mut added = 0;
        for (index, value) in records.iter().enumerate() {
            // The record is not quoted: its `uuid` is a license key.
            let record = LicenseRec::from_json(value, project, now).ok_or_else(|| {
                format!("license record {index}: needs a numeric `id` and a string `uuid`")
            })?;
            state.licenses.insert(record.id, record);
            added += 1;
        }
        Ok(added)
    }

    /// Seeds domains from a list body (`domains.list.200.json` shape) or a single record.
    pub fn seed_domains(&self, project: u64, body: &str) -> Result<usize, String> {
        let records = records(body)?;
        let mut state = self.state();
        let now = state.now();
        let mut added = 0;
        for (index, value) in records.iter().enumerate() {
            let record = DomainRec::from_json(value, project, now).ok_or_else(|| {
                format!("domain record {index}: needs a numeric `id` and a string `domain`")
            })?;
            state.domains.insert(record.id, record);
            added += 1;
        }
        Ok(added)
    }

    /// Seeds a project's injectables from a stream body (`data.injectables`), kept as sent.
    pub fn seed_injectables(&self, project: u64, body: &str) -> Result<usize, String> {
        let value: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
        let items = value
            .pointer("/data/injectables")
            .and_then(Value::as_array)
            .cloned()
            .ok_or("no data.injectables")?;
        let count = items.len();
        let mut state = self.state();
        let p = state.projects.get_mut(&project).ok_or("unknown project")?;
        p.injectables.extend(items);
        Ok(count)
    }

    /// A license as the show endpoint renders it.
    pub fn license(&self, id: u64) -> Option<Value> {
        self.state().licenses.get(&id).map(LicenseRec::to_json)
    }

    /// A license's key (its uuid).
    pub fn license_key(&self, id: u64) -> Option<String> {
        self.state().licenses.get(&id).map(|l| l.uuid.clone())
    }

    /// The domains a license registered by use (`license_domains` mode).
    pub fn used_domains(&self, id: u64) -> Vec<String> {
        self.state()
            .licenses
            .get(&id)
            .map(|l| l.used_domains.clone())
            .unwrap_or_default()
    }

    /// How many validations a license made today (emulator time).
    pub fn usage_today(&self, id: u64) -> u64 {
        let state = self.state();
        let today = state.now().date_naive();
        state
            .licenses
            .get(&id)
            .and_then(|l| l.usage.get(&today).copied())
            .unwrap_or(0)
    }

    /// Pins the emulator's clock at `now` (expiry, "expires_at must be after now", daily usage).
    pub fn set_now(&self, now: DateTime<Utc>) {
        self.state().now = Some(now);
    }

    /// Moves the pinned clock by `by` (pinning it at the system time first if it was free).
    pub fn advance(&self, by: chrono::Duration) {
        let mut state = self.state();
        state.now = Some(crate::support::advanced(state.now, by));
    }

    /// Lets the clock follow the system time again.
    pub fn use_system_clock(&self) {
        self.state().now = None;
    }

    /// Answers the next `n` requests with 429 `Too Many Attempts.` and `Retry-After: 1`.
    pub fn rate_limit_next(&self, n: u32) {
        self.state().rate_limited = n;
    }

    /// How many requests arrived.
    pub fn request_count(&self) -> u64 {
        self.state().requests
    }
}

/// The records of a list body (`data.data`), a single-record body (`data`) or a bare record.
fn records(body: &str) -> Result<Vec<Value>, String> {
    let value: Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let data = value.get("data").cloned().unwrap_or(value);
    Ok(match data.get("data") {
        Some(Value::Array(items)) => items.clone(),
        _ => vec![data],
    })
}
