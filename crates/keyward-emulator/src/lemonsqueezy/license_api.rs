//! `POST /v1/licenses/{activate,validate,deactivate}`: no API key; form, JSON or query input.

use std::collections::HashMap;

use serde_json::{Map, Value, json};
use wiremock::{Request, ResponseTemplate};

use super::state::{InstanceRecord, State, ts};
use crate::support;

fn answer(status: u16, body: Value) -> ResponseTemplate {
    support::json_as(status, "application/json", &body)
}

/// Laravel merges query, form and JSON input; so does the emulator.
fn params(request: &Request) -> HashMap<String, String> {
    support::laravel_input(request)
}

/// Laravel's 422 for missing fields: `{message, errors: {field: [..]}}`.
fn missing(fields: &[&str]) -> ResponseTemplate {
    let mut errors = Map::new();
    let mut first = None;
    for field in fields {
        let text = format!("The {} field is required.", field.replace('_', " "));
        first.get_or_insert_with(|| text.clone());
        errors.insert((*field).to_owned(), json!([text]));
    }
    let extra = fields.len().saturating_sub(1);
    let mut message = first.unwrap_or_default();
    if extra > 0 {
        message = format!(
            "{message} (and {extra} more error{})",
            if extra > 1 { "s" } else { "" }
        );
    }
    answer(422, json!({ "message": message, "errors": errors }))
}

fn require<'a>(
    params: &'a HashMap<String, String>,
    fields: &[&str],
) -> Result<Vec<&'a str>, Box<ResponseTemplate>> {
    let absent: Vec<&str> = fields
        .iter()
        .copied()
        .filter(|f| !params.contains_key(*f))
        .collect();
    if !absent.is_empty() {
        return Err(Box::new(missing(&absent)));
    }
    Ok(fields
        .iter()
        .filter_map(|f| params.get(*f).map(String::as_str))
        .collect())
}

/// A refusal with the key described (400), optionally with `instance: null`.
fn refuse(
    state: &State,
    verb: &str,
    key_id: u64,
    error: &str,
    instance_null: bool,
) -> ResponseTemplate {
    let Some(key) = state.key_by_id(key_id) else {
        return not_found(verb, "license_key");
    };
    let mut body = json!({
        verb: false,
        "error": error,
        "license_key": state.license_api_key(key),
        "meta": State::license_api_meta(key),
    });
    if instance_null {
        body["instance"] = Value::Null;
    }
    answer(400, body)
}

fn not_found(verb: &str, what: &str) -> ResponseTemplate {
    answer(
        404,
        json!({ verb: false, "error": format!("{what} not found.") }),
    )
}

/// The refusal a disabled or expired key gets, if any.
fn blocked(state: &State, key_id: u64) -> Option<&'static str> {
    let key = state.key_by_id(key_id)?;
    if key.disabled {
        Some("This license key is disabled.")
    } else if state.is_expired(key) {
        Some("This license key has expired.")
    } else {
        None
    }
}

pub(crate) fn activate(state: &mut State, request: &Request) -> ResponseTemplate {
    let params = params(request);
    let (key_value, name) = match require(&params, &["license_key", "instance_name"]) {
        Ok(v) => match v.as_slice() {
            [k, n] => ((*k).to_owned(), (*n).to_owned()),
            _ => return missing(&["license_key", "instance_name"]),
        },
        Err(response) => return *response,
    };
    let Some(key) = state.key_by_value(&key_value) else {
        return not_found("activated", "license_key");
    };
    let (key_id, limit) = (key.id, key.activation_limit);
    if let Some(error) = blocked(state, key_id) {
        return refuse(state, "activated", key_id, error, false);
    }
    if limit.is_some_and(|limit| state.usage(key_id) >= limit) {
        return refuse(
            state,
            "activated",
            key_id,
            "This license key has reached the activation limit.",
            false,
        );
    }
    let Some(id) = state.next_instance_id.checked_add(1) else {
        // Only a seeded instance id of u64::MAX gets here; Laravel's answer to an exception.
        return answer(500, json!({ "message": "Server Error" }));
    };
    state.next_instance_id = id;
    let instance = InstanceRecord {
        id,
        license_key_id: key_id,
        identifier: uuid::Uuid::new_v4().to_string(),
        name,
        created_at: state.now(),
    };
    let described = instance_json(&instance);
    state.instances.push(instance);
    state.change_key(key_id, |_| {});
    success(state, "activated", key_id, Some(described))
}

fn success(state: &State, verb: &str, key_id: u64, instance: Option<Value>) -> ResponseTemplate {
    let Some(key) = state.key_by_id(key_id) else {
        return not_found(verb, "license_key");
    };
    let mut body = json!({
        verb: true,
        "error": Value::Null,
        "license_key": state.license_api_key(key),
    });
    if let Some(instance) = instance {
        body["instance"] = instance;
    }
    body["meta"] = State::license_api_meta(key);
    answer(200, body)
}

fn instance_json(instance: &InstanceRecord) -> Value {
    json!({
        "id": instance.identifier,
        "name": instance.name,
        "created_at": ts(&instance.created_at),
    })
}

pub(crate) fn validate(state: &State, request: &Request) -> ResponseTemplate {
    let params = params(request);
    if let Err(response) = require(&params, &["license_key"]) {
        return *response;
    }
    let key_value = params.get("license_key").cloned().unwrap_or_default();
    let Some(key) = state.key_by_value(&key_value) else {
        return not_found("valid", "license_key");
    };
    let key_id = key.id;
    let instance = match params.get("instance_id") {
        Some(id) => match state
            .instances
            .iter()
            .find(|i| i.identifier == *id && i.license_key_id == key_id)
        {
            Some(instance) => Some(instance_json(instance)),
            None => return not_found("valid", "license_key_instance"),
        },
        None => None,
    };
    if let Some(error) = blocked(state, key_id) {
        return refuse(state, "valid", key_id, error, true);
    }
    success(
        state,
        "valid",
        key_id,
        Some(instance.unwrap_or(Value::Null)),
    )
}

pub(crate) fn deactivate(state: &mut State, request: &Request) -> ResponseTemplate {
    let params = params(request);
    if let Err(response) = require(&params, &["license_key", "instance_id"]) {
        return *response;
    }
    let key_value = params.get("license_key").cloned().unwrap_or_default();
    let instance_id = params.get("instance_id").cloned().unwrap_or_default();
    let Some(key) = state.key_by_value(&key_value) else {
        return not_found("deactivated", "license_key");
    };
    let key_id = key.id;
    if let Some(error) = blocked(state, key_id) {
        return refuse(state, "deactivated", key_id, error, false);
    }
    let before = state.instances.len();
    state
        .instances
        .retain(|i| !(i.identifier == instance_id && i.license_key_id == key_id));
    if state.instances.len() == before {
        return not_found("deactivated", "license_key_instance");
    }
    state.change_key(key_id, |_| {});
    success(state, "deactivated", key_id, None)
}
