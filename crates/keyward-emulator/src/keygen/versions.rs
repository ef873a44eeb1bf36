//! Keygen's API versions: a caller asking for an older version (`Keygen-Version: 1.5`) gets
//! the answer Keygen's response migrations make of the current (1.7) one
//! (`config/initializers/request_migrations.rb`, `app/migrations/`). A migration listed under
//! version `1.k` runs for every requested version up to and including `1.k`, newest first.
//!
//! Modelled are the migrations of the endpoints the emulator answers (licenses, machines,
//! validations, check-outs); those of policies, releases, artifacts and tokens have no
//! endpoint here.

use serde_json::{Value, json};
use wiremock::Request;

use super::answer::{Answer, error};
use super::metadata_casing::snake_case_metadata;
use super::state::State;
use crate::SeedError;
use crate::shell::Emulator;
use crate::support;

/// Keygen's current API version's minor number (`1.7`), answered when no version is asked for.
const CURRENT: u8 = 7;

/// The minor number of the version `request` asks for (`request_version_resolver`: the
/// `Keygen-Version` header, a leading `v` dropped, else the account's API version, else the
/// current one); 400 `INVALID_API_VERSION` for one Keygen does not know
/// (`application_controller.rb`).
pub(crate) fn requested(state: &State, request: &Request) -> Result<u8, Answer> {
    match support::header(request, "keygen-version") {
        Some(asked) => minor(Some(asked)),
        None => Ok(state.api_version.unwrap_or(CURRENT)),
    }
}

/// The minor number of the version `asked` (a `Keygen-Version` header).
fn minor(asked: Option<&str>) -> Result<u8, Answer> {
    let Some(asked) = asked else {
        return Ok(CURRENT);
    };
    let asked = asked.strip_prefix('v').unwrap_or(asked);
    asked
        .strip_prefix("1.")
        .and_then(|minor| minor.parse::<u8>().ok())
        .filter(|minor| *minor <= CURRENT && asked == format!("1.{minor}"))
        .ok_or_else(|| {
            error(
                400,
                "Bad request",
                "unsupported API version requested",
                Some("INVALID_API_VERSION"),
                None,
            )
        })
}

/// The version Keygen names in its answer's `Keygen-Version` header (`current_api_version`:
/// the resolved one, a leading `v` dropped).
pub(crate) fn named(state: &State, request: &Request) -> String {
    support::header(request, "keygen-version").map_or_else(
        || format!("1.{}", state.api_version.unwrap_or(CURRENT)),
        |asked| asked.strip_prefix('v').unwrap_or(asked).to_owned(),
    )
}

/// The answer header naming the account: `Keygen-Account`, `Keygen-Account-Id` for a caller
/// of 1.3 or older (`rename_keygen_id_headers_for_responses_migration.rb`).
pub(crate) fn account_header(state: &State, request: &Request) -> &'static str {
    match requested(state, request) {
        Ok(minor) if minor <= 3 => "keygen-account-id",
        _ => "keygen-account",
    }
}

impl Emulator<State> {
    /// Sets the account's API version (`account.rb`'s `api_version`, `1.0` … `1.7`): the one
    /// a request without a `Keygen-Version` header is answered in. An unsupported version is
    /// refused (`unsupported version`), as Keygen's account validation refuses it.
    pub fn set_api_version(&self, version: &str) -> Result<(), SeedError> {
        let minor = minor(Some(version))
            .ok()
            .filter(|_| !version.starts_with('v'))
            .ok_or(SeedError::Shape {
                what: "api version",
                expected: "a version Keygen supports (1.0 … 1.7)",
            })?;
        self.write(|state| state.api_version = Some(minor));
        Ok(())
    }
}

/// The endpoint that answered, as far as the migrations tell endpoints apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    /// `licenses/actions/validations`: `validate_by_id`, `quick_validate_by_id`, `validate_by_key`.
    Validation,
    /// `licenses`: `create`, `update`.
    LicenseWrite,
    /// `licenses`: `show` and the license actions.
    License,
    /// `licenses#index`.
    Licenses,
    /// `machines#create`.
    MachineCreate,
    /// `machines`: `show`, `update`, `ping`.
    Machine,
    /// `machines#index`.
    Machines,
    /// Any other (check-outs, deletions).
    Other,
}

fn endpoint(method: &str, parts: &[&str]) -> Endpoint {
    match (method, parts) {
        (_, ["licenses", "actions", "validate-key"] | ["licenses", _, "actions", "validate"]) => {
            Endpoint::Validation
        }
        ("POST", ["licenses"]) | ("PATCH", ["licenses", _]) => Endpoint::LicenseWrite,
        ("GET", ["licenses"]) => Endpoint::Licenses,
        (_, ["licenses", _, "actions", "check-out"]) => Endpoint::Other,
        ("GET", ["licenses", _]) | ("POST", ["licenses", _, "actions", _]) => Endpoint::License,
        ("POST", ["machines"]) => Endpoint::MachineCreate,
        ("GET", ["machines"]) => Endpoint::Machines,
        (_, ["machines", _, "actions", "check-out"]) => Endpoint::Other,
        ("GET" | "PATCH", ["machines", _])
        | ("POST", ["machines", _, "actions", "ping" | "ping-heartbeat"]) => Endpoint::Machine,
        _ => Endpoint::Other,
    }
}

/// `answer` to `method` `parts` as Keygen answers a caller of API version `1.{minor}`.
pub(crate) fn migrate(state: &State, minor: u8, method: &str, parts: &[&str], answer: &mut Answer) {
    let Answer::Json(status, body) = answer else {
        return;
    };
    let (status, endpoint) = (*status, endpoint(method, parts));
    let ok = status < 400;
    if minor <= 5 {
        // rename_owner_relationship_to_user_for_license(s)_migration.rb
        match endpoint {
            Endpoint::Validation | Endpoint::License | Endpoint::LicenseWrite if ok => {
                if let Some(data) = body.get_mut("data") {
                    owner_to_user(state, data);
                }
            }
            Endpoint::Licenses if ok => {
                for item in items(body) {
                    owner_to_user(state, item);
                }
            }
            _ => {}
        }
        // rename_owner_not_found_error_code_for_license_migration.rb
        if status == 422 && endpoint == Endpoint::LicenseWrite {
            let errors = body.get_mut("errors").and_then(Value::as_array_mut);
            for error in errors.into_iter().flatten() {
                if error["code"] == "OWNER_NOT_FOUND" {
                    error["code"] = json!("USER_NOT_FOUND");
                    error["source"] = json!({"pointer": "/data/relationships/user"});
                }
            }
        }
        // add_user_relationship_to_machine(s)_migration.rb
        match endpoint {
            Endpoint::Machine | Endpoint::MachineCreate if ok => {
                if let Some(data) = body.get_mut("data") {
                    machine_user(state, data);
                }
            }
            Endpoint::Machines if ok => {
                if let Some(data) = body.get_mut("data").and_then(Value::as_array_mut) {
                    data.iter_mut().for_each(|m| machine_user(state, m));
                }
            }
            _ => {}
        }
    }
    // update_nested_key_casing_to_snakecase_for_metadata_migration.rb: every JSON answer.
    if minor <= 4 && ok {
        if let Some(data) = body.get_mut("data").filter(|data| data.is_object()) {
            snake_case_metadata(data);
        }
        items(body).for_each(snake_case_metadata);
    }
    // change_alive_status_to_not_started_for_machine_migration.rb
    if minor <= 2
        && ok
        && endpoint == Endpoint::MachineCreate
        && let Some(attributes) = body.pointer_mut("/data/attributes")
        && attributes["heartbeatStatus"] == "ALIVE"
    {
        attributes["heartbeatStatus"] = json!("NOT_STARTED");
        attributes["lastHeartbeat"] = Value::Null;
    }
    if minor <= 1
        && ok
        && endpoint == Endpoint::Validation
        && let Some(meta) = body.get_mut("meta").and_then(Value::as_object_mut)
    {
        // adjust_validity_for_validation_codes_migration.rb: only VALID and EXPIRED are valid.
        if meta.get("valid") == Some(&Value::Bool(true))
            && let Some(code) = meta.get("code").and_then(Value::as_str)
        {
            let valid = code == "VALID" || code == "EXPIRED";
            meta.insert("valid".to_owned(), json!(valid));
        }
        // rename_code_to_constant_for_validation_migration.rb
        if let Some(code) = meta.remove("code") {
            meta.insert("constant".to_owned(), code);
        }
    }
}

/// The resources of a list answer: its `data` items and its `included` ones.
fn items(body: &mut Value) -> impl Iterator<Item = &mut Value> {
    body.as_object_mut()
        .into_iter()
        .flat_map(|object| object.iter_mut())
        .filter(|(key, _)| *key == "data" || *key == "included")
        .flat_map(|(_, value)| value.as_array_mut().into_iter().flatten())
}

/// A license's `owner` relationship named `user`, linked to `/licenses/{id}/v1.5/user`.
fn owner_to_user(state: &State, license: &mut Value) {
    if license["type"] != "licenses" {
        return;
    }
    let id = license["id"].as_str().unwrap_or_default().to_owned();
    let Some(relationships) = license
        .get_mut("relationships")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    if let Some(mut owner) = relationships.remove("owner") {
        owner["links"] =
            json!({"related": format!("{}/licenses/{id}/v1.5/user", state.account_path())});
        relationships.insert("user".to_owned(), owner);
    }
}

/// A machine's `user` relationship: its license's owner (in place of its own `owner`).
fn machine_user(state: &State, machine: &mut Value) {
    if machine["type"] != "machines" {
        return;
    }
    let id = machine["id"].as_str().unwrap_or_default().to_owned();
    let license = machine["relationships"]["license"]["data"]["id"]
        .as_str()
        .and_then(|license| state.license(license));
    let owner = license
        .and_then(|license| license.owner_id.as_ref())
        .map(|owner| json!({"type": "users", "id": owner}));
    let Some(relationships) = machine
        .get_mut("relationships")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    relationships.remove("owner");
    relationships.insert(
        "user".to_owned(),
        json!({
            "data": owner,
            "links": {"related": format!("{}/machines/{id}/v1.5/user", state.account_path())},
        }),
    );
}

#[cfg(test)]
#[path = "versions_tests.rs"]
mod tests;
