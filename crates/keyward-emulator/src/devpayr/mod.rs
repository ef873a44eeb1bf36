//! A stateful DevPayr emulator: projects with licenses (uuid keys, active/revoked, expiry, domain
//! and usage limits), domains and injectables, behind DevPayr's `/api/v1/` routes, API-key
//! scoping and state rules. Domains: list, create, show, update (`PUT /project/{p}/domain/{d}`),
//! delete.
//!
//! ```no_run
//! # async fn run() {
//! use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
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
mod seed;
mod state;

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use crate::SeedError;
use crate::shell::{Clock, Emulator, Provider};
pub use seed::LicenseSeed;
pub use state::{DomainMode, State};
use state::{KeyScope, LicenseRec, Project};

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

const LICENSES: &str = include_str!("../../seed/devpayr/licenses.list.200.json");
const DOMAINS: &str = include_str!("../../seed/devpayr/domains.list.200.json");
const INJECTABLES: &str = include_str!("../../seed/devpayr/injectables.stream.200.json");

/// The running emulator (the shell's knobs: [`Emulator`]). Dropping it stops the server.
pub type DevPayrEmulator = Emulator<State>;

impl Provider for State {
    const NAME: &'static str = "DevPayrEmulator";
    const BASE_PATH: &'static str = "/api/v1/";

    /// Empty: no projects, no keys (see `start_seeded`).
    fn initial(_base_url: &str) -> Self {
        State::default()
    }

    fn clock(&mut self) -> &mut Clock {
        &mut self.clock
    }

    fn respond(&mut self, request: &Request) -> ResponseTemplate {
        routes::respond(self, request)
    }

    fn dump(&self) -> Value {
        let projects: Vec<Value> = self
            .projects
            .iter()
            .map(|(id, p)| {
                json!({
                    "id": id,
                    "owner": p.owner,
                    "paid": p.paid,
                    "mode": match p.mode {
                        DomainMode::ProjectDomains => "project_domains",
                        DomainMode::LicenseDomains => "license_domains",
                    },
                    "injectables": p.injectables,
                })
            })
            .collect();
        let licenses: Vec<Value> = self.licenses.values().map(LicenseRec::to_json).collect();
        let domains: Vec<Value> = self.domains.values().map(|d| d.to_json()).collect();
        json!({"projects": projects, "licenses": licenses, "domains": domains})
    }
}

impl Emulator<State> {
    /// Starts an emulator seeded from `fixtures/devpayr/`: project 2 (paid, `project_domains`
    /// mode) with licenses 5 and 4 of `licenses.list.200.json`, domain 3 of
    /// `domains.list.200.json` and the injectable of `injectables.stream.200.json`; project 7
    /// (empty, same owner) and project 9 (another owner); the keys [`GLOBAL_KEY`],
    /// [`PROJECT_KEY`] and [`FOREIGN_KEY`]. This is also the state [`reset`](Self::reset)
    /// returns to.
    pub async fn start_seeded() -> Self {
        let emulator = Self::start().await;
        emulator.seed_fixtures();
        emulator
    }

    /// Adds what [`start_seeded`](Self::start_seeded) starts with (projects, keys, and the
    /// fixtures' domain, licenses and injectable) and makes it the state
    /// [`reset`](Self::reset) returns to; for an emulator started elsewhere, e.g. with
    /// [`start_on`](Self::start_on).
    pub fn seed_fixtures(&self) {
        let emulator = self;
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
        emulator.mark_seed();
    }

    /// Adds (or replaces) a project, in `project_domains` mode.
    pub fn add_project(&self, id: u64, owner: u64, paid: bool) {
        let project = Project {
            owner,
            paid,
            mode: DomainMode::ProjectDomains,
            injectables: Vec::new(),
        };
        self.write(|state| state.projects.insert(id, project));
    }

    /// Sets whether a project is paid.
    pub fn set_project_paid(&self, project: u64, paid: bool) {
        self.write(|state| {
            if let Some(p) = state.projects.get_mut(&project) {
                p.paid = paid;
            }
        });
    }

    /// Sets a project's domain enforcement mode.
    pub fn set_domain_mode(&self, project: u64, mode: DomainMode) {
        self.write(|state| {
            if let Some(p) = state.projects.get_mut(&project) {
                p.mode = mode;
            }
        });
    }

    /// Adds a user-wide API key.
    pub fn add_global_key(&self, key: &str, user: u64) {
        let scope = KeyScope::Global { user };
        self.write(|state| state.keys.insert(key.to_owned(), scope));
    }

    /// Adds an API key scoped to one project (of the project's owner).
    pub fn add_project_key(&self, key: &str, project: u64) {
        self.write(|state| {
            let user = state.projects.get(&project).map_or(0, |p| p.owner);
            state
                .keys
                .insert(key.to_owned(), KeyScope::Project { user, project });
        });
    }

    /// Adds a license to its project (an unknown project is refused); returns its id.
    pub fn add_license(&self, seed: LicenseSeed) -> Result<u64, SeedError> {
        self.write(|state| seed::insert(state, seed))
    }

    /// Seeds licenses from a list body (`licenses.list.200.json` shape) or a single record;
    /// returns how many were added (a refused body adds nothing).
    pub fn seed_licenses(&self, project: u64, body: &str) -> Result<usize, SeedError> {
        self.write(|state| seed::licenses(state, project, body))
    }

    /// Seeds domains from a list body (`domains.list.200.json` shape) or a single record.
    pub fn seed_domains(&self, project: u64, body: &str) -> Result<usize, SeedError> {
        self.write(|state| seed::domains(state, project, body))
    }

    /// Seeds a project's injectables from a stream body (`data.injectables`), kept as sent.
    pub fn seed_injectables(&self, project: u64, body: &str) -> Result<usize, SeedError> {
        self.write(|state| seed::injectables(state, project, body))
    }

    /// A license as the show endpoint renders it.
    pub fn license(&self, id: u64) -> Option<Value> {
        self.read(|state| state.licenses.get(&id).map(LicenseRec::to_json))
    }

    /// A license's key (its uuid).
    pub fn license_key(&self, id: u64) -> Option<String> {
        self.read(|state| state.licenses.get(&id).map(|l| l.uuid.clone()))
    }

    /// The domains a license registered by use (`license_domains` mode).
    pub fn used_domains(&self, id: u64) -> Vec<String> {
        self.read(|state| {
            state
                .licenses
                .get(&id)
                .map(|l| l.used_domains.clone())
                .unwrap_or_default()
        })
    }

    /// How many validations a license made today (emulator time).
    pub fn usage_today(&self, id: u64) -> u64 {
        self.read(|state| {
            let today = state.now().date_naive();
            state
                .licenses
                .get(&id)
                .and_then(|l| l.usage.get(&today).copied())
                .unwrap_or(0)
        })
    }

    /// Answers the next `n` requests with 429 `Too Many Attempts.` and `Retry-After: 1`.
    pub fn rate_limit_next(&self, n: u32) {
        self.write(|state| state.rate_limited = n);
    }

    /// How many requests arrived.
    pub fn request_count(&self) -> u64 {
        self.read(|state| state.requests)
    }
}
