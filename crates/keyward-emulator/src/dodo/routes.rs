//! HTTP routing of the emulated Dodo: turns wiremock requests into state calls and answers.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::entitlements;
use super::state::{Failure, KeyRecord, State, invalid_body, new_id, parse_time};
use crate::support::{bearer, json as json_response, json_body, query, segments};

pub(super) fn error(failure: Failure) -> ResponseTemplate {
    let (status, code, message) = failure;
    json_response(status, json!({"code": code, "message": message}))
}

pub(super) fn not_found() -> ResponseTemplate {
    error((404, "NOT_FOUND", "Item not found".to_owned()))
}

pub(super) fn answer(result: Result<Value, Failure>, status: u16) -> ResponseTemplate {
    match result {
        Ok(body) => json_response(status, body),
        Err(failure) => error(failure),
    }
}

fn string_field<'a>(body: &'a Value, name: &str) -> Result<&'a str, Failure> {
    body.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| invalid_body(&format!("missing string field `{name}`")))
}

/// Answers a request from the state.
pub(crate) fn respond(state: &mut State, request: &Request) -> ResponseTemplate {
    let segments = segments(request);
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method.as_str();
    if let ["licenses", action] = parts.as_slice() {
        // Public endpoints: the token, if any, is ignored.
        if method != "POST" {
            return not_found();
        }
        return public(state, action, &json_body(request));
    }
    let known = matches!(
        parts.as_slice(),
        ["license_keys"]
            | ["license_keys", _]
            | ["license_key_instances"]
            | ["license_key_instances", _]
            | ["products", _]
            | ["customers", _]
    ) || entitlements::handles(&parts);
    if !known {
        return not_found();
    }
    if bearer(request) != Some(state.api_key.as_str()) {
        return error((
            401,
            "UNAUTHORIZED",
            "You are not authorised to perform this action".to_owned(),
        ));
    }
    if entitlements::handles(&parts) {
        return entitlements::respond(state, method, &parts, request);
    }
    match (method, parts.as_slice()) {
        ("GET", ["license_keys"]) => list_keys(state, request),
        ("POST", ["license_keys"]) => answer(create_key(state, &json_body(request)), 201),
        ("GET", ["license_keys", id]) => match state.key_by_id(id) {
            Some(key) => json_response(200, state.key_json(key)),
            None => error((404, "NOT_FOUND", "License key not found".to_owned())),
        },
        ("GET", ["products", id]) => match state.products.get(*id) {
            Some(name) => json_response(200, state.product_json(id, name.as_deref())),
            None => error((404, "NOT_FOUND", "Product not found".to_owned())),
        },
        ("GET", ["customers", id]) => match state.customers.get(*id) {
            Some(customer) => json_response(200, state.customer_json(id, customer)),
            None => error((404, "NOT_FOUND", "Customer not found".to_owned())),
        },
        ("PATCH", ["license_keys", id]) => answer(state.update_key(id, &json_body(request)), 200),
        ("GET", ["license_key_instances"]) => list_instances(state, request),
        ("GET", ["license_key_instances", id]) => {
            match state.instances.iter().find(|i| i.id == *id) {
                Some(instance) => json_response(200, state.instance_json(instance)),
                None => error((
                    404,
                    "NOT_FOUND",
                    "License key instance not found".to_owned(),
                )),
            }
        }
        ("PATCH", ["license_key_instances", id]) => {
            let body = json_body(request);
            let result =
                string_field(&body, "name").and_then(|name| state.rename_instance(id, name));
            answer(result, 200)
        }
        _ => not_found(),
    }
}

fn public(state: &mut State, action: &str, body: &Value) -> ResponseTemplate {
    let key = match string_field(body, "license_key") {
        Ok(key) => key,
        Err(failure) if matches!(action, "activate" | "deactivate" | "validate") => {
            return error(failure);
        }
        Err(_) => return not_found(),
    };
    match action {
        "activate" => {
            let result = string_field(body, "name").and_then(|name| state.activate(key, name));
            answer(result, 201)
        }
        "deactivate" => {
            let result = string_field(body, "license_key_instance_id")
                .and_then(|instance| state.deactivate(key, instance));
            match result {
                Ok(()) => ResponseTemplate::new(200),
                Err(failure) => error(failure),
            }
        }
        "validate" => {
            let instance = match body.get("license_key_instance_id") {
                None | Some(Value::Null) => None,
                Some(Value::String(id)) => Some(id.as_str()),
                Some(_) => return error(invalid_body("license_key_instance_id")),
            };
            json_response(200, json!({"valid": state.validate(key, instance)}))
        }
        _ => not_found(),
    }
}

fn create_key(state: &mut State, body: &Value) -> Result<Value, Failure> {
    let key = string_field(body, "key")?;
    let customer_id = string_field(body, "customer_id")?;
    let product_id = string_field(body, "product_id")?;
    let activations_limit = match body.get("activations_limit") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_i64()
                .ok_or_else(|| invalid_body("activations_limit"))?,
        ),
    };
    let expires_at = match body.get("expires_at") {
        None | Some(Value::Null) => None,
        Some(v) => Some(parse_time(v).ok_or_else(|| invalid_body("expires_at"))?),
    };
    if key.is_empty() {
        return Err(invalid_body("`key` is empty"));
    }
    let record = KeyRecord {
        id: new_id("lic"),
        key: key.to_owned(),
        brand_id: "brnd_emulator".to_owned(),
        created_at: state.now(),
        customer_id: customer_id.to_owned(),
        product_id: product_id.to_owned(),
        source: "import".to_owned(),
        disabled: false,
        forced_expired: false,
        activations_limit,
        expires_at,
        payment_id: None,
        subscription_id: None,
    };
    state.insert_key(record)
}

/// Reads `page_size` (default 10, at most 100) and `page_number` (default 0).
pub(super) fn paging(
    params: &std::collections::HashMap<String, String>,
) -> Result<(usize, usize), Failure> {
    let read = |name: &str, default: usize| match params.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| invalid_body(&format!("query `{name}` is not a non-negative integer"))),
    };
    Ok((read("page_size", 10)?.min(100), read("page_number", 0)?))
}

pub(super) fn page<T: Clone>(items: Vec<T>, size: usize, number: usize) -> Vec<T> {
    items
        .into_iter()
        .skip(size.saturating_mul(number))
        .take(size)
        .collect()
}

fn list_keys(state: &State, request: &Request) -> ResponseTemplate {
    let params = query(request);
    let (size, number) = match paging(&params) {
        Ok(p) => p,
        Err(failure) => return error(failure),
    };
    let bound = |name: &str| params.get(name).and_then(|v| parse_time(&json!(v)));
    let (gte, lte) = (bound("created_at_gte"), bound("created_at_lte"));
    let (customer, product) = (params.get("customer_id"), params.get("product_id"));
    let (status, source) = (params.get("status"), params.get("source"));
    // Only the asked page is rendered: a list of tens of thousands is walked page by page.
    let items: Vec<Value> = state
        .keys
        .iter()
        .filter(|k| customer.is_none_or(|c| *c == k.customer_id))
        .filter(|k| product.is_none_or(|p| *p == k.product_id))
        .filter(|k| status.is_none_or(|s| s == state.status(k)))
        .filter(|k| source.is_none_or(|s| *s == k.source))
        .filter(|k| gte.is_none_or(|t| k.created_at >= t))
        .filter(|k| lte.is_none_or(|t| k.created_at <= t))
        .skip(size.saturating_mul(number))
        .take(size)
        .map(|k| state.key_json(k))
        .collect();
    json_response(200, json!({"items": items}))
}

fn list_instances(state: &State, request: &Request) -> ResponseTemplate {
    let params = query(request);
    let (size, number) = match paging(&params) {
        Ok(p) => p,
        Err(failure) => return error(failure),
    };
    // `grant_id`: the instances of that grant's license key (none for an unknown grant).
    let grant_key = params.get("grant_id").map(|id| {
        let grant = state.grants.iter().find(|g| g.id == *id);
        grant.and_then(|g| g.license_key_id.clone())
    });
    let matching: Vec<Value> = state
        .instances
        .iter()
        .filter(|i| {
            grant_key
                .as_ref()
                .is_none_or(|k| k.as_ref() == Some(&i.license_key_id))
        })
        .filter(|i| {
            params
                .get("license_key_id")
                .is_none_or(|k| *k == i.license_key_id)
        })
        .map(|i| state.instance_json(i))
        .collect();
    json_response(200, json!({"items": page(matching, size, number)}))
}
