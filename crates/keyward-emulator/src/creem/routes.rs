//! HTTP routing and the license rules of the emulated Creem.

use chrono::{SecondsFormat, Utc};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::{InstanceRecord, LicenseRecord, State};
use crate::support::{header, json as json_response, json_body, query, segments};

pub(crate) fn new_id(prefix: &str) -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("{prefix}_{}", hex.get(..20).unwrap_or(&hex))
}

fn time(at: &chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Creem's error body.
fn error(status: u16, error: &str, message: &str) -> ResponseTemplate {
    let now = Utc::now().timestamp_millis();
    json_response(
        status,
        json!({"trace_id": uuid::Uuid::new_v4().to_string(), "status": status, "error": error,
               "message": [message], "timestamp": now}),
    )
}

pub(crate) fn active_count(state: &State, license_id: &str) -> usize {
    let live = state.instances.iter();
    live.filter(|i| i.license_id == license_id && i.active)
        .count()
}

/// `LicenseEntity`, with `instance` when one is concerned.
pub(crate) fn license_json(
    state: &State,
    l: &LicenseRecord,
    instance: Option<&InstanceRecord>,
) -> Value {
    let now = state.clock.now();
    let status = if l.disabled {
        "disabled"
    } else if l.expires_at.is_some_and(|at| at <= now) {
        "expired"
    } else if active_count(state, &l.id) == 0 {
        "inactive"
    } else {
        "active"
    };
    json!({
        "id": l.id, "mode": "test", "object": "license", "product_id": l.product_id,
        "status": status, "key": l.key, "activation": active_count(state, &l.id),
        "activation_limit": l.activation_limit, "expires_at": l.expires_at.as_ref().map(time),
        "created_at": time(&l.created_at),
        "instance": instance.map(|i| json!({
            "id": i.id, "mode": "test", "object": "license-instance", "name": i.name,
            "status": if i.active { "active" } else { "deactivated" },
            "created_at": time(&i.created_at),
        })),
    })
}

/// Answers a request from the state.
pub(crate) fn respond(state: &mut State, request: &Request) -> ResponseTemplate {
    match header(request, "x-api-key") {
        None => return error(401, "Unauthorized", "Missing API key"),
        Some(key) if key != state.api_key => return error(403, "Forbidden", "Invalid API key"),
        Some(_) => {}
    }
    let parts = segments(request);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let body = json_body(request);
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    match (request.method.as_str(), parts.as_slice()) {
        ("POST", ["v1", "licenses", action]) => {
            let Some(key) = text("key") else {
                return error(400, "Bad Request", "key should not be empty");
            };
            let Some(index) = state.licenses.iter().position(|l| l.key == key) else {
                return error(404, "Not Found", "License not found");
            };
            match *action {
                "activate" => match text("instance_name") {
                    Some(name) => activate(state, index, name),
                    None => error(400, "Bad Request", "instance_name should not be empty"),
                },
                "validate" | "deactivate" => match text("instance_id") {
                    Some(id) => instance_call(state, index, id, *action == "deactivate"),
                    None => error(400, "Bad Request", "instance_id should not be empty"),
                },
                _ => error(404, "Not Found", "Cannot POST"),
            }
        }
        ("GET", ["v1", "customers", customer, "licenses"]) => list(state, customer, request),
        _ => error(404, "Not Found", "Resource does not exist"),
    }
}

fn activate(state: &mut State, index: usize, name: &str) -> ResponseTemplate {
    let now = state.clock.now();
    let license = state.licenses[index].clone();
    if license.disabled || license.expires_at.is_some_and(|at| at <= now) {
        return error(400, "Bad Request", "License is not active");
    }
    let used = u64::try_from(active_count(state, &license.id)).unwrap_or(u64::MAX);
    if license.activation_limit.is_some_and(|limit| used >= limit) {
        return error(403, "Forbidden", "License key has reached activation limit");
    }
    let instance = InstanceRecord {
        id: new_id("inst"),
        license_id: license.id.clone(),
        name: name.to_owned(),
        active: true,
        created_at: now,
    };
    state.instances.push(instance.clone());
    json_response(200, license_json(state, &license, Some(&instance)))
}

fn instance_call(state: &mut State, index: usize, id: &str, deactivate: bool) -> ResponseTemplate {
    let license = state.licenses[index].clone();
    let found = state
        .instances
        .iter_mut()
        .find(|i| i.id == id && i.license_id == license.id);
    let Some(instance) = found else {
        return error(404, "Not Found", "License instance not found");
    };
    if deactivate {
        if !instance.active {
            return error(409, "Conflict", "Instance already deactivated");
        }
        instance.active = false;
    }
    let instance = instance.clone();
    json_response(200, license_json(state, &license, Some(&instance)))
}

fn list(state: &State, customer: &str, request: &Request) -> ResponseTemplate {
    let params = query(request);
    let number = |name: &str, default: usize| {
        params
            .get(name)
            .and_then(|v| v.parse::<usize>().ok())
            .filter(|n| *n > 0)
            .unwrap_or(default)
    };
    let (page, size) = (number("page_number", 1), number("page_size", 10));
    let all: Vec<&LicenseRecord> = state
        .licenses
        .iter()
        .filter(|l| l.customer_id == customer)
        .collect();
    let pages = all.len().div_ceil(size);
    let items: Vec<Value> = all
        .iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .map(|l| license_json(state, l, None))
        .collect();
    let next = (page < pages).then_some(page + 1);
    let prev = (page > 1).then(|| page - 1);
    json_response(
        200,
        json!({"items": items, "pagination": {
        "total_records": all.len(), "total_pages": pages, "current_page": page,
        "next_page": next, "prev_page": prev}}),
    )
}
