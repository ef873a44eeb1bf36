//! Keygen EE's environments (`environment.rb`, `concerns/environmental.rb`): an account's
//! isolated and shared environments, the one a request is in (`Keygen-Environment` or
//! `?environment=`, `current_environment_scope.rb`), the records it sees (`for_environment`),
//! and which tokens and bearers may act in it (`application_policy.rb`'s
//! `verify_environment!`).

use wiremock::Request;

use super::answer::{Answer, token_invalid};
use super::state::State;
use crate::shell::Emulator;
use crate::support;

/// How an environment shares the global environment's resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Isolation {
    /// It sees only its own resources (`ISOLATED`).
    Isolated,
    /// It sees its own and the global environment's (`SHARED`).
    Shared,
}

/// An environment of the account: its id, code, isolation and (optionally) its own token.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EnvironmentSeed {
    /// The id (a UUID).
    pub id: String,
    /// The code a request names it by (`Keygen-Environment: isolated`), as well as its id.
    pub code: String,
    /// How it shares the global environment's resources.
    pub isolation: Isolation,
    /// A token of the environment (`Authorization: Bearer <token>` then acts as it, in it).
    pub token: Option<String>,
}

impl EnvironmentSeed {
    /// An environment with this code and isolation (and a new id).
    pub fn new(code: impl Into<String>, isolation: Isolation) -> Self {
        EnvironmentSeed {
            id: uuid::Uuid::new_v4().to_string(),
            code: code.into(),
            isolation,
            token: None,
        }
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Gives it a token.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }
}

/// Whether a record in environment `record` is seen from `current` (`for_environment`): from the
/// global environment (`None`) only global records when `strict` (all when not), from an
/// isolated one only its own, from a shared one its own and (unless `strict`) the global ones.
pub(crate) fn visible(
    current: Option<&EnvironmentSeed>,
    record: Option<&str>,
    strict: bool,
) -> bool {
    match current {
        None => !strict || record.is_none(),
        Some(env) if env.isolation == Isolation::Isolated => record == Some(env.id.as_str()),
        Some(env) => record == Some(env.id.as_str()) || (!strict && record.is_none()),
    }
}

impl State {
    /// The environment the request names (its id or code), `None` for the global one; 400
    /// `ENVIRONMENT_INVALID` for one the account does not have (`ResolveEnvironmentService`).
    pub(crate) fn environment_of(&self, request: &Request) -> Result<Option<String>, Answer> {
        let header = support::header(request, "keygen-environment");
        let named = header
            .map(str::to_owned)
            .or_else(|| support::query(request).get("environment").cloned());
        let Some(named) = named else {
            return Ok(None);
        };
        self.environments_supported(header.is_some())?;
        match self
            .environments
            .iter()
            .find(|e| e.id == named || e.code == named)
        {
            Some(env) => Ok(Some(env.id.clone())),
            None => Err(Answer::Json(
                400,
                serde_json::json!({"errors": [{
                    "title": "Bad request", "detail": "environment is invalid",
                    "code": "ENVIRONMENT_INVALID", "source": {"header": "Keygen-Environment"},
                }]}),
            )),
        }
    }

    /// The request's environment (Keygen's `Current.environment`).
    pub(crate) fn current_environment(&self) -> Option<&EnvironmentSeed> {
        let id = self.current_environment.as_deref()?;
        self.environments.iter().find(|e| e.id == id)
    }

    /// Whether a record in environment `record` is seen by the request (`for_environment` with
    /// its default strictness: strict only from the global environment).
    pub(crate) fn seen(&self, record: Option<&str>) -> bool {
        let current = self.current_environment();
        visible(current, record, current.is_none())
    }

    /// Whether the request may change a record in environment `record` (`verify_environment!`
    /// strict): from a shared environment, not a global record.
    pub(crate) fn writable(&self, record: Option<&str>) -> bool {
        let current = self.current_environment();
        visible(current, record, true)
    }

    /// The 401 or 403 for a token in environment `token` of a bearer in environment `bearer`
    /// (`TokenLookupService` finds only the tokens the request sees; `verify_environment!`
    /// lets a bearer act only in its own environment, a shared one its global bearers, an
    /// isolated one the global admins).
    pub(crate) fn refused_environment(
        &self,
        token: Option<&str>,
        bearer: Option<&str>,
        global_admin: bool,
    ) -> Option<Answer> {
        if !self.seen(token) {
            return Some(token_invalid());
        }
        let allowed = self.seen(bearer) || (global_admin && bearer.is_none());
        (!allowed).then(super::answer::forbidden)
    }

    /// The environment of `token` (the environment it was made in, by default its bearer's).
    pub(crate) fn token_environment(&self, token: &str, bearer: Option<&str>) -> Option<String> {
        match self.token_environments.iter().find(|(t, _)| t == token) {
            Some((_, env)) => env.clone(),
            None => bearer.map(str::to_owned),
        }
    }

    /// Runs `handle` on the account as the request sees it: only the licenses and machines of
    /// its environment (`for_environment`); the others, which only an association reaches
    /// ([`State::license_anywhere`]), put back afterwards in their order.
    pub(crate) fn scoped<T>(&mut self, handle: impl FnOnce(&mut State) -> T) -> T {
        let order: Vec<String> = self.licenses.iter().map(|l| l.id.clone()).collect();
        let machine_order: Vec<String> = self.machines.iter().map(|m| m.id.clone()).collect();
        let (licenses, hidden): (Vec<_>, Vec<_>) = std::mem::take(&mut self.licenses)
            .into_iter()
            .partition(|l| self.seen(l.environment_id.as_deref()));
        let (machines, hidden_machines): (Vec<_>, Vec<_>) = std::mem::take(&mut self.machines)
            .into_iter()
            .partition(|m| self.seen(m.environment_id.as_deref()));
        self.licenses = licenses;
        self.machines = machines;
        self.elsewhere_licenses = hidden;
        self.elsewhere_machines = hidden_machines;
        let out = handle(self);
        let hidden = std::mem::take(&mut self.elsewhere_licenses);
        let hidden_machines = std::mem::take(&mut self.elsewhere_machines);
        self.licenses.extend(hidden);
        self.machines.extend(hidden_machines);
        let at = |ids: &[String], id: &str| ids.iter().position(|i| i == id).unwrap_or(usize::MAX);
        self.licenses.sort_by_key(|l| at(&order, &l.id));
        self.machines.sort_by_key(|m| at(&machine_order, &m.id));
        out
    }

    /// A license by id, in the request's environment or another (what `belongs_to :license`
    /// loads: associations are not scoped).
    pub(crate) fn license_anywhere(&self, id: &str) -> Option<&super::state::LicenseRecord> {
        self.licenses
            .iter()
            .chain(&self.elsewhere_licenses)
            .find(|l| l.id == id)
    }

    /// Whether `method` on `parts` changes a license or machine the request may only read
    /// (`verify_environment!` strict: every action but reading, validating and heartbeats).
    pub(crate) fn read_only_here(&self, method: &str, parts: &[&str]) -> bool {
        let (environment, rest) = match parts {
            ["licenses", id, rest @ ..] => match self.license(id) {
                Some(license) => (license.environment_id.as_deref(), rest),
                None => return false,
            },
            ["machines", id, rest @ ..] => match self.machine(id) {
                Some(machine) => (machine.environment_id.as_deref(), rest),
                None => return false,
            },
            _ => return false,
        };
        let reads = matches!(
            (method, rest),
            ("GET", [] | ["machines"])
                | (
                    _,
                    [
                        "actions",
                        "validate" | "ping" | "ping-heartbeat" | "reset" | "reset-heartbeat"
                    ]
                )
        );
        !reads && !self.writable(environment)
    }
}

impl Emulator<State> {
    /// Adds an environment (Keygen EE): requests naming it (`Keygen-Environment`) see only its
    /// records (and, when shared, the global ones), and only its tokens and bearers act in it.
    pub fn add_environment(&self, seed: EnvironmentSeed) {
        self.write(|state| {
            state.environments.retain(|e| e.id != seed.id);
            state.environments.push(seed);
        });
    }

    /// Records that `token` was made in environment `environment_id` (`None`: the global
    /// one) rather than its bearer's, as a token made while an environment is current is.
    pub fn set_token_environment(&self, token: &str, environment_id: Option<&str>) {
        let entry = (token.to_owned(), environment_id.map(str::to_owned));
        self.write(|state| {
            state.token_environments.retain(|(t, _)| *t != entry.0);
            state.token_environments.push(entry);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{EnvironmentSeed, Isolation, visible};

    /// `for_environment` as `concerns/environmental.rb` scopes it: (current, record, strict,
    /// seen).
    #[test]
    fn records_are_seen_as_for_environment_scopes_them() {
        let isolated = EnvironmentSeed::new("isolated", Isolation::Isolated).id("iso");
        let shared = EnvironmentSeed::new("shared", Isolation::Shared).id("sha");
        let table = [
            (None, None, true, true),
            (None, Some("iso"), true, false),
            (None, Some("iso"), false, true),
            (Some(&isolated), Some("iso"), false, true),
            (Some(&isolated), None, false, false),
            (Some(&isolated), Some("sha"), false, false),
            (Some(&shared), Some("sha"), true, true),
            (Some(&shared), None, false, true),
            (Some(&shared), None, true, false),
            (Some(&shared), Some("iso"), false, false),
        ];
        for (current, record, strict, seen) in table {
            assert_eq!(
                visible(current, record, strict),
                seen,
                "{:?} {record:?} {strict}",
                current.map(|e| &e.code)
            );
        }
    }
}
