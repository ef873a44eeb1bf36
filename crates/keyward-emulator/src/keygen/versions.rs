//! Keygen's API versions: a caller asking for an older version (`Keygen-Version: 1.5`) gets
//! the answer Keygen's response migrations make of the current (1.7) one
//! (`config/initializers/request_migrations.rb`, `app/migrations/`). A migration listed under
//! version `1.k` runs for every requested version up to and including `1.k`, newest first.
//!
//! Modelled are the migrations of the endpoints the emulator answers (licenses, machines,
//! validations, check-outs); those of policies, releases, artifacts and tokens have no
//! endpoint here.

use serde_json::{Map, Value, json};
use wiremock::Request;

use super::answer::{Answer, error};
use super::state::State;
use crate::support;

/// Keygen's current API version's minor number (`1.7`), answered when no version is asked for.
const CURRENT: u8 = 7;

/// The minor number of the version `request` asks for (`request_version_resolver`: the
/// `Keygen-Version` header, a leading `v` dropped, else the current one); 400
/// `INVALID_API_VERSION` for one Keygen does not know (`application_controller.rb`).
pub(crate) fn requested(request: &Request) -> Result<u8, Answer> {
    minor(support::header(request, "keygen-version"))
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
        ("GET" | "PATCH", ["machines", _]) | ("POST", ["machines", _, "actions", "ping"]) => {
            Endpoint::Machine
        }
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

/// The keys nested inside a resource's metadata values in snake_case (its own keys kept).
fn snake_case_metadata(resource: &mut Value) {
    let Some(metadata) = resource
        .pointer_mut("/attributes/metadata")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for value in metadata.values_mut() {
        match value {
            Value::Object(_) => deep_underscore(value),
            Value::Array(values) => values
                .iter_mut()
                .filter(|v| v.is_object())
                .for_each(deep_underscore),
            _ => {}
        }
    }
}

/// ActiveSupport's `deep_transform_keys { underscore }`: every key of every nested object.
fn deep_underscore(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let old = std::mem::take(object);
            *object = old
                .into_iter()
                .map(|(key, mut value)| {
                    deep_underscore(&mut value);
                    (underscore(&key), value)
                })
                .collect::<Map<_, _>>();
        }
        Value::Array(values) => values.iter_mut().for_each(deep_underscore),
        _ => {}
    }
}

/// ActiveSupport's `String#underscore` (`parentKey` → `parent_key`, `HTTPCode` → `http_code`,
/// `a-b` → `a_b`). Written here: case crates (`heck`) also split on spaces and digits, which
/// Rails does not.
fn underscore(word: &str) -> String {
    let chars: Vec<char> = word.replace("::", "/").chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        if c.is_ascii_uppercase() {
            // `([a-z\d])([A-Z])` and `([A-Z\d]+)([A-Z][a-z])`.
            let after_lower =
                previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let ends_run = previous.is_some_and(|p| p.is_ascii_uppercase() || p.is_ascii_digit())
                && next.is_some_and(char::is_ascii_lowercase);
            if after_lower || ends_run {
                out.push('_');
            }
        }
        out.push(if c == '-' {
            '_'
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

#[cfg(test)]
#[path = "versions_tests.rs"]
mod tests;
