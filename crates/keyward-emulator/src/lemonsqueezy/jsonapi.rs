//! `GET/PATCH /v1/license-keys[/{id}]`, `GET /v1/license-key-instances[/{id}]`: bearer required.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::state::State;
use crate::support;

const MEDIA: &str = "application/vnd.api+json";

pub(crate) fn document(status: u16, body: Value) -> ResponseTemplate {
    support::json_as(status, MEDIA, &body)
}

pub(crate) fn error(
    status: u16,
    title: &str,
    detail: Option<&str>,
    pointer: Option<&str>,
) -> ResponseTemplate {
    let mut err = json!({ "status": status.to_string(), "title": title });
    if let Some(detail) = detail {
        err["detail"] = json!(detail);
    }
    if let Some(pointer) = pointer {
        err["source"] = json!({ "pointer": pointer });
    }
    document(
        status,
        json!({ "jsonapi": { "version": "1.0" }, "errors": [err] }),
    )
}

/// 401 unless the bearer token is the emulator's API key.
pub(crate) fn authorize(state: &State, request: &Request) -> Result<(), Box<ResponseTemplate>> {
    match support::bearer(request) {
        Some(token) if !state.api_key.is_empty() && token == state.api_key => Ok(()),
        _ => Err(Box::new(error(
            401,
            "Unauthorized",
            Some("Unauthenticated."),
            None,
        ))),
    }
}

fn single(state: &State, path: &str, data: Value, included: Vec<Value>) -> ResponseTemplate {
    let mut body = json!({
        "jsonapi": { "version": "1.0" },
        "links": { "self": format!("{}/v1/{path}", state.base_url.trim_end_matches('/')) },
        "data": data,
    });
    if !included.is_empty() {
        body["included"] = Value::Array(included);
    }
    document(200, body)
}

fn includes(query: &HashMap<String, String>) -> Vec<String> {
    query
        .get("include")
        .map(|s| s.split(',').map(|p| p.trim().to_owned()).collect())
        .unwrap_or_default()
}

fn parse_id(raw: &str) -> Option<u64> {
    raw.parse().ok()
}

fn not_found() -> ResponseTemplate {
    error(404, "Not Found", None, None)
}

pub(crate) fn retrieve_key(state: &State, request: &Request, raw_id: &str) -> ResponseTemplate {
    let Some(key) = parse_id(raw_id).and_then(|id| state.key_by_id(id)) else {
        return not_found();
    };
    let query = support::query(request);
    let mut included = Vec::new();
    if includes(&query)
        .iter()
        .any(|i| i == "license-key-instances")
    {
        included.extend(
            state
                .instances
                .iter()
                .filter(|i| i.license_key_id == key.id)
                .map(|i| state.instance_resource(i)),
        );
    }
    single(
        state,
        &format!("license-keys/{}", key.id),
        state.key_resource(key),
        included,
    )
}

pub(crate) fn retrieve_instance(
    state: &State,
    request: &Request,
    raw_id: &str,
) -> ResponseTemplate {
    let Some(instance) =
        parse_id(raw_id).and_then(|id| state.instances.iter().find(|i| i.id == id))
    else {
        return not_found();
    };
    let query = support::query(request);
    let mut data = state.instance_resource(instance);
    let mut included = Vec::new();
    let wanted = includes(&query).iter().any(|i| i == "license-key");
    if let Some(key) = state.key_by_id(instance.license_key_id).filter(|_| wanted) {
        included.push(state.key_resource(key));
        data["relationships"]["license-key"]["data"] =
            json!({ "type": "license-keys", "id": key.id.to_string() });
    }
    single(
        state,
        &format!("license-key-instances/{}", instance.id),
        data,
        included,
    )
}

/// Page number and size from `page[number]` / `page[size]` (defaults 1 and 10, size 1..=100).
fn paging(query: &HashMap<String, String>) -> Result<(usize, usize), Box<ResponseTemplate>> {
    let read = |name: &str, default: usize| -> Result<usize, Box<ResponseTemplate>> {
        match query.get(name) {
            None => Ok(default),
            Some(v) => v.parse::<usize>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                Box::new(error(
                    400,
                    "Bad Request",
                    Some(&format!("{name} must be a positive integer.")),
                    None,
                ))
            }),
        }
    };
    Ok((read("page[number]", 1)?, read("page[size]", 10)?.min(100)))
}

/// One page of `items`, each rendered by `render` (only the page's: a list of tens of thousands
/// is walked page by page).
fn list<T>(
    state: &State,
    path: &str,
    filters: Vec<(String, String)>,
    items: Vec<T>,
    render: impl Fn(T) -> Value,
    query: &HashMap<String, String>,
) -> ResponseTemplate {
    let (number, size) = match paging(query) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    let total = items.len();
    let last = total.div_ceil(size).max(1);
    let start = (number - 1).saturating_mul(size);
    let data: Vec<Value> = items
        .into_iter()
        .skip(start)
        .take(size)
        .map(render)
        .collect();
    let (from, to) = if data.is_empty() {
        (Value::Null, Value::Null)
    } else {
        (json!(start + 1), json!(start + data.len()))
    };
    let mut links = json!({
        "first": state.page_link(path, &filters, 1, size),
        "last": state.page_link(path, &filters, last, size),
    });
    if number < last {
        links["next"] = json!(state.page_link(path, &filters, number + 1, size));
    }
    if number > 1 {
        links["prev"] = json!(state.page_link(path, &filters, number - 1, size));
    }
    document(
        200,
        json!({
            "meta": { "page": {
                "currentPage": number, "from": from, "lastPage": last,
                "perPage": size, "to": to, "total": total,
            } },
            "jsonapi": { "version": "1.0" },
            "links": links,
            "data": data,
        }),
    )
}

fn filters(query: &HashMap<String, String>, allowed: &[&str]) -> Vec<(String, String)> {
    allowed
        .iter()
        .filter_map(|name| {
            query
                .get(&format!("filter[{name}]"))
                .map(|v| ((*name).to_owned(), v.clone()))
        })
        .collect()
}

pub(crate) fn list_keys(state: &State, request: &Request) -> ResponseTemplate {
    let query = support::query(request);
    let filters = filters(
        &query,
        &[
            "store_id",
            "order_id",
            "order_item_id",
            "product_id",
            "status",
        ],
    );
    // `keys` is in id order (see `seed::insert_key`).
    let keys: Vec<_> = state
        .keys
        .iter()
        .filter(|k| {
            filters.iter().all(|(name, value)| match name.as_str() {
                "store_id" => k.store_id.to_string() == *value,
                "order_id" => k.order_id.to_string() == *value,
                "order_item_id" => k.order_item_id.to_string() == *value,
                "product_id" => k.product_id.to_string() == *value,
                "status" => state.status(k) == value,
                _ => true,
            })
        })
        .collect();
    let render = |k| state.key_resource(k);
    list(state, "license-keys", filters, keys, render, &query)
}

pub(crate) fn list_instances(state: &State, request: &Request) -> ResponseTemplate {
    let query = support::query(request);
    let filters = filters(&query, &["license_key_id"]);
    let mut instances: Vec<_> = state
        .instances
        .iter()
        .filter(|i| {
            filters
                .iter()
                .all(|(_, v)| i.license_key_id.to_string() == *v)
        })
        .collect();
    instances.sort_by_key(|i| i.id);
    let render = |i| state.instance_resource(i);
    list(
        state,
        "license-key-instances",
        filters,
        instances,
        render,
        &query,
    )
}

fn unprocessable(detail: &str, attribute: &str) -> ResponseTemplate {
    error(
        422,
        "Unprocessable Entity",
        Some(detail),
        Some(&format!("/data/attributes/{attribute}")),
    )
}

/// `PATCH /v1/license-keys/{id}`: `activation_limit` (int or null), `expires_at` (ISO or null),
/// `disabled` (bool); anything left out is left alone.
pub(crate) fn update_key(state: &mut State, request: &Request, raw_id: &str) -> ResponseTemplate {
    let Some(id) = parse_id(raw_id).filter(|id| state.key_by_id(*id).is_some()) else {
        return not_found();
    };
    let body = support::json_body(request);
    let data = &body["data"];
    if data["type"] != "license-keys" {
        return error(
            422,
            "Unprocessable Entity",
            Some("The type must be license-keys."),
            Some("/data/type"),
        );
    }
    if data["id"].as_str() != Some(raw_id) {
        return error(
            409,
            "Conflict",
            Some("The resource id does not match the URL."),
            Some("/data/id"),
        );
    }
    let empty = serde_json::Map::new();
    let attributes = data["attributes"].as_object().unwrap_or(&empty);
    let mut limit: Option<Option<u32>> = None;
    let mut expires: Option<Option<DateTime<Utc>>> = None;
    let mut disabled = None;
    if let Some(v) = attributes.get("activation_limit") {
        limit = Some(match v {
            Value::Null => None,
            v => match v.as_u64().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => Some(n),
                None => {
                    return unprocessable(
                        "The activation limit field must be an integer.",
                        "activation_limit",
                    );
                }
            },
        });
    }
    if let Some(v) = attributes.get("expires_at") {
        expires = Some(match v {
            Value::Null => None,
            v => match v
                .as_str()
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            {
                Some(t) => Some(t.with_timezone(&Utc)),
                None => {
                    return unprocessable(
                        "The expires at field must be a valid date.",
                        "expires_at",
                    );
                }
            },
        });
    }
    if let Some(v) = attributes.get("disabled") {
        match v.as_bool() {
            Some(b) => disabled = Some(b),
            None => return unprocessable("The disabled field must be true or false.", "disabled"),
        }
    }
    state.change_key(id, |key| {
        if let Some(limit) = limit {
            key.activation_limit = limit;
        }
        if let Some(expires) = expires {
            key.expires_at = expires;
        }
        if let Some(disabled) = disabled {
            key.disabled = disabled;
        }
    });
    retrieve_key(state, request, raw_id)
}
