//! Routing and the pieces every handler shares: answers in DevPayr's shapes, API-key checks and
//! cursor pagination.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use wiremock::{Request, ResponseTemplate};

use super::state::{KeyScope, State};
use super::{domains, licenses, runtime};
use crate::support;

/// Answers a request from the state.
pub(crate) fn respond(state: &mut State, request: &Request) -> ResponseTemplate {
    state.requests = state.requests.saturating_add(1);
    if state.rate_limited > 0 {
        state.rate_limited -= 1;
        return bare(429, "Too Many Attempts.")
            .insert_header("retry-after", "1")
            .insert_header("x-ratelimit-limit", "60")
            .insert_header("x-ratelimit-remaining", "0");
    }
    route(state, request)
}

fn route(state: &mut State, request: &Request) -> ResponseTemplate {
    let segments = support::segments(request);
    let Some(rest) = segments
        .strip_prefix(&["api".to_owned(), "v1".to_owned()])
        .map(|s| s.iter().map(String::as_str).collect::<Vec<_>>())
    else {
        return bare(404, "Not found.");
    };
    let method = request.method.as_str();
    let id = |s: &str| s.parse::<u64>().ok();
    match (method, rest.as_slice()) {
        ("GET", []) => json_answer(
            200,
            json!({"status": "ok", "message": "Welcome to DevPayr api endpoint"}),
        ),
        ("POST", ["project", "has-paid"]) => runtime::has_paid(state, request),
        ("GET" | "POST", ["injectable", "stream"]) => runtime::stream(state, request),
        ("GET", ["project", p, "has-paid"]) => {
            with_id(id(p), |p| runtime::project_has_paid(state, request, p))
        }
        ("GET", ["project", p, "licenses"]) => {
            with_id(id(p), |p| licenses::list(state, request, p))
        }
        ("POST", ["project", p, "licenses"]) => {
            with_id(id(p), |p| licenses::create(state, request, p))
        }
        ("GET", ["project", p, "licenses", l]) => {
            with_ids(id(p), id(l), |p, l| licenses::show(state, request, p, l))
        }
        ("DELETE", ["project", p, "licenses", l]) => {
            with_ids(id(p), id(l), |p, l| licenses::delete(state, request, p, l))
        }
        ("POST", ["project", p, "licenses", l, "revoke"]) => {
            with_ids(id(p), id(l), |p, l| licenses::revoke(state, request, p, l))
        }
        ("POST", ["project", p, "licenses", l, "reactivate"]) => with_ids(id(p), id(l), |p, l| {
            licenses::reactivate(state, request, p, l)
        }),
        ("GET", ["project", p, "domains"]) => with_id(id(p), |p| domains::list(state, request, p)),
        ("POST", ["project", p, "domains"]) => {
            with_id(id(p), |p| domains::create(state, request, p))
        }
        ("PUT", ["project", p, "domain", d]) => {
            with_ids(id(p), id(d), |p, d| domains::update(state, request, p, d))
        }
        ("GET", ["project", p, "domain", d]) => {
            with_ids(id(p), id(d), |p, d| domains::show(state, request, p, d))
        }
        ("DELETE", ["project", p, "domains", d]) => {
            with_ids(id(p), id(d), |p, d| domains::delete(state, request, p, d))
        }
        _ => bare(404, "Not found."),
    }
}

fn with_id(id: Option<u64>, f: impl FnOnce(u64) -> ResponseTemplate) -> ResponseTemplate {
    id.map_or_else(|| bare(404, "Not found."), f)
}

fn with_ids(
    a: Option<u64>,
    b: Option<u64>,
    f: impl FnOnce(u64, u64) -> ResponseTemplate,
) -> ResponseTemplate {
    match (a, b) {
        (Some(a), Some(b)) => f(a, b),
        _ => bare(404, "Not found."),
    }
}

fn json_answer(status: u16, body: Value) -> ResponseTemplate {
    support::json_as(status, "application/json", &body)
}

/// A success envelope.
pub(crate) fn ok(status: u16, message: &str, data: Value) -> ResponseTemplate {
    json_answer(
        status,
        json!({"status": "success", "message": message, "data": data, "errors": null}),
    )
}

/// An error envelope without details.
pub(crate) fn fail(status: u16, message: &str) -> ResponseTemplate {
    json_answer(
        status,
        json!({"status": "error", "message": message, "data": null, "errors": null}),
    )
}

/// A bare `{"message": ...}` body, as the auth middleware sends.
pub(crate) fn bare(status: u16, message: &str) -> ResponseTemplate {
    json_answer(status, json!({ "message": message }))
}

/// A 422 with Laravel-style field errors; the message is the first error.
pub(crate) fn invalid(errors: Vec<(&str, String)>) -> ResponseTemplate {
    let message = errors.first().map_or_else(
        || "The given data was invalid.".to_owned(),
        |(_, m)| m.clone(),
    );
    let mut map = Map::new();
    for (field, text) in errors {
        let entry = map.entry(field.to_owned()).or_insert_with(|| json!([]));
        if let Some(list) = entry.as_array_mut() {
            list.push(json!(text));
        }
    }
    json_answer(
        422,
        json!({"status": "error", "message": message, "data": null, "errors": map}),
    )
}

/// Checks the API key against the project: 401 without a key, 403 for an unknown key, 404 for
/// an unknown project; returns the key's scope for the endpoint's own checks.
pub(crate) fn api_key(
    state: &State,
    request: &Request,
    project: u64,
) -> Result<KeyScope, ResponseTemplate> {
    let Some(key) = support::header(request, "x-api-key") else {
        return Err(bare(401, "Missing required X-API-KEY header."));
    };
    let Some(scope) = state.keys.get(key.trim()).copied() else {
        return Err(bare(403, "Invalid or expired API key."));
    };
    if !state.projects.contains_key(&project) {
        return Err(fail(404, "Project not found."));
    }
    Ok(scope)
}

/// The scope rules: a project key must be for this project, a global key's user must own it.
pub(crate) fn may_manage(
    state: &State,
    scope: KeyScope,
    project: u64,
) -> Result<(), ResponseTemplate> {
    let owner = state.projects.get(&project).map(|p| p.owner);
    match scope {
        KeyScope::Project {
            project: scoped, ..
        } if scoped != project => Err(bare(403, "This API key is not scoped to this project.")),
        KeyScope::Project { user, .. } | KeyScope::Global { user } if owner != Some(user) => {
            Err(bare(403, "API key does not match project owner."))
        }
        _ => Ok(()),
    }
}

/// Both checks, for the endpoints that run them first.
pub(crate) fn authorize(
    state: &State,
    request: &Request,
    project: u64,
) -> Result<(), ResponseTemplate> {
    let scope = api_key(state, request, project)?;
    may_manage(state, scope, project)
}

/// One page of `items` (newest first by id), with Laravel-style cursors over `column`.
pub(crate) fn paginate(
    request: &Request,
    mut items: Vec<(u64, Value)>,
    column: &str,
    default: usize,
) -> Result<Value, ResponseTemplate> {
    let query = support::query(request);
    let per_page = match query.get("per_page") {
        None => default,
        Some(text) => match text.parse::<usize>() {
            Ok(n) if (1..=50).contains(&n) => n,
            _ => {
                return Err(invalid(vec![(
                    "per_page",
                    "The per page field must be between 1 and 50.".into(),
                )]));
            }
        },
    };
    items.sort_by_key(|item| std::cmp::Reverse(item.0));
    if let Some(after) = query.get("cursor").and_then(|c| decode_cursor(c, column)) {
        items.retain(|(id, _)| *id < after);
    }
    let more = items.len() > per_page;
    items.truncate(per_page);
    let next = match items.last() {
        Some((id, _)) if more => Some(encode_cursor(column, *id)),
        _ => None,
    };
    let data: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
    Ok(json!({ "data": data, "next_cursor": next }))
}

fn encode_cursor(column: &str, id: u64) -> String {
    // Laravel's key order: the column first, then `_pointsToNextItems`.
    let text = format!("{{{}:{id},\"_pointsToNextItems\":true}}", json!(column));
    URL_SAFE_NO_PAD.encode(text)
}

/// A cursor the emulator handed out; anything else is ignored (Laravel starts over).
fn decode_cursor(cursor: &str, column: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.trim_end_matches('=')).ok()?;
    let value: Value = serde_json::from_slice(&bytes).ok()?;
    value.get(column)?.as_u64()
}
