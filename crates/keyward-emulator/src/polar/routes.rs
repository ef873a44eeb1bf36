//! HTTP routing of the emulated Polar: turns wiremock requests into state calls and answers.

use serde_json::{Map, Value, json};
use wiremock::{Request, ResponseTemplate};

use super::state::{Failure, State, Validate, not_found};
use crate::support::{bearer, header, json as json_response, json_body, segments};

/// The API versions Polar serves (`server/polar/version.py`); any other answers 404.
const VERSIONS: [&str; 2] = ["2026-04", "2026-10"];

fn error(failure: Failure) -> ResponseTemplate {
    let (status, class, detail) = failure;
    if status == 422 {
        let detail =
            json!([{"loc": ["body", detail], "msg": "Invalid value", "type": "value_error"}]);
        return json_response(422, json!({"error": class, "detail": detail}));
    }
    json_response(status, json!({"error": class, "detail": detail}))
}

fn answer(result: Result<Value, Failure>) -> ResponseTemplate {
    match result {
        Ok(body) => json_response(200, body),
        Err(failure) => error(failure),
    }
}

fn invalid(field: &str) -> Failure {
    (422, "RequestValidationError", field.to_owned())
}

fn text<'a>(body: &'a Value, name: &str) -> Result<&'a str, Failure> {
    body.get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| invalid(name))
}

fn optional_text<'a>(body: &'a Value, name: &str) -> Result<Option<&'a str>, Failure> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(invalid(name)),
    }
}

fn pairs(body: &Value, name: &str) -> Result<Map<String, Value>, Failure> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(_) => Err(invalid(name)),
    }
}

/// Answers a request from the state.
pub(crate) fn respond(state: &mut State, request: &Request) -> ResponseTemplate {
    if header(request, "polar-version").is_some_and(|v| !VERSIONS.contains(&v)) {
        return json_response(404, json!({"detail": "Not Found"}));
    }
    let segments = segments(request);
    let parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    let method = request.method.as_str();
    if let ["v1", "customer-portal", "license-keys", action] = parts.as_slice()
        && method == "POST"
    {
        return key_action(state, action, &json_body(request));
    }
    let ["v1", "license-keys", rest @ ..] = parts.as_slice() else {
        return json_response(404, json!({"detail": "Not Found"}));
    };
    if bearer(request) != Some(state.access_token.as_str()) {
        return error((401, "Unauthorized", "Unauthorized".to_owned()));
    }
    match (method, rest) {
        ("POST", [action @ ("validate" | "activate" | "deactivate")]) => {
            key_action(state, action, &json_body(request))
        }
        ("GET", []) => list(state, request),
        ("GET", [id]) => match state.key_by_id(id) {
            Some(record) => json_response(200, state.key_with_activations(record)),
            None => error(not_found("Not found")),
        },
        ("PATCH", [id]) => match json_body(request) {
            Value::Object(patch) => answer(state.update(id, &patch)),
            _ => error(invalid("body")),
        },
        ("GET", [id, "activations", activation]) => answer(state.activation(id, activation)),
        _ => json_response(404, json!({"detail": "Not Found"})),
    }
}

fn key_action(state: &mut State, action: &str, body: &Value) -> ResponseTemplate {
    let result = (|| {
        let key = text(body, "key")?;
        let organization = text(body, "organization_id")?;
        match action {
            "validate" => {
                let increment_usage = match body.get("increment_usage") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(
                        v.as_i64()
                            .filter(|n| *n >= 0)
                            .ok_or_else(|| invalid("increment_usage"))?,
                    ),
                };
                let ask = Validate {
                    activation_id: optional_text(body, "activation_id")?,
                    benefit_id: optional_text(body, "benefit_id")?,
                    customer_id: optional_text(body, "customer_id")?,
                    increment_usage,
                    conditions: pairs(body, "conditions")?,
                };
                state.validate(organization, key, &ask).map(Some)
            }
            "activate" => {
                let label = text(body, "label")?;
                let (conditions, meta) = (pairs(body, "conditions")?, pairs(body, "meta")?);
                state
                    .activate(organization, key, label, conditions, meta)
                    .map(Some)
            }
            "deactivate" => {
                let activation = text(body, "activation_id")?;
                state
                    .deactivate(organization, key, activation)
                    .map(|()| None)
            }
            _ => Err((404, "ResourceNotFound", "Not Found".to_owned())),
        }
    })();
    match result {
        Ok(Some(body)) => json_response(200, body),
        Ok(None) => ResponseTemplate::new(204),
        Err(failure) => error(failure),
    }
}

/// `GET /v1/license-keys/`: `page` from 1, `limit` at most 100, filters by organization,
/// benefit and status (each repeatable), oldest first.
fn list(state: &State, request: &Request) -> ResponseTemplate {
    let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
    let values = |name: &str| -> Vec<&str> {
        pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let number = |name: &str, default: usize| -> Result<usize, Failure> {
        match values(name).last() {
            None => Ok(default),
            Some(v) => v
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid(name)),
        }
    };
    let (page, limit) = match (number("page", 1), number("limit", 10)) {
        (Ok(page), Ok(limit)) => (page, limit.min(100)),
        (Err(failure), _) | (_, Err(failure)) => return error(failure),
    };
    let (orgs, benefits, statuses) = (
        values("organization_id"),
        values("benefit_id"),
        values("status"),
    );
    let mut keys: Vec<_> = state
        .keys
        .iter()
        .filter(|_| orgs.is_empty() || orgs.contains(&state.organization_id.as_str()))
        .filter(|k| benefits.is_empty() || benefits.contains(&k.benefit_id.as_str()))
        .filter(|k| statuses.is_empty() || statuses.contains(&k.status.as_str()))
        .collect();
    keys.sort_by_key(|k| k.created_at);
    let total = keys.len();
    let items: Vec<Value> = keys
        .into_iter()
        .skip((page - 1).saturating_mul(limit))
        .take(limit)
        .map(|k| state.key_json(k))
        .collect();
    let max_page = total.div_ceil(limit);
    json_response(
        200,
        json!({"items": items, "pagination": {"total_count": total, "max_page": max_page}}),
    )
}
