//! Small helpers the provider emulators share: reading requests, writing JSON answers.

use std::collections::HashMap;

use serde_json::Value;
use wiremock::{Request, ResponseTemplate};

/// A JSON response with `status`.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A JSON response with `status` and a content type of the emulated provider's choice.
pub fn json_as(status: u16, content_type: &str, body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), content_type)
}

/// The form fields of an `application/x-www-form-urlencoded` body (last value wins).
pub fn form(request: &Request) -> HashMap<String, String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(&request.body)
        .unwrap_or_default()
        .into_iter()
        .collect()
}

/// The query parameters (last value wins).
pub fn query(request: &Request) -> HashMap<String, String> {
    request.url.query_pairs().into_owned().collect()
}

/// The merged input of a Rails or Laravel controller (`params`, `$request->input()`): the query,
/// overlaid by the JSON object body when the content type says JSON (values as sent), else by
/// the form body (strings).
pub fn merged_input(request: &Request) -> serde_json::Map<String, Value> {
    let mut input: serde_json::Map<String, Value> = query(request)
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    let is_json = header(request, "content-type").is_some_and(|c| c.contains("json"));
    if is_json {
        if let Value::Object(map) = json_body(request) {
            input.extend(map);
        }
    } else {
        input.extend(
            form(request)
                .into_iter()
                .map(|(n, v)| (n, Value::String(v))),
        );
    }
    input
}

/// Laravel's merged input ([`merged_input`]) as text: strings as sent, numbers and booleans as
/// their JSON text, `null`s dropped. Blank values are dropped, as Laravel's
/// `ConvertEmptyStringsToNull` makes them absent for `required`.
pub fn laravel_input(request: &Request) -> HashMap<String, String> {
    merged_input(request)
        .into_iter()
        .filter_map(|(name, value)| match value {
            Value::String(s) => Some((name, s)),
            Value::Null => None,
            other => Some((name, other.to_string())),
        })
        .filter(|(_, v)| !v.trim().is_empty())
        .collect()
}

/// The JSON body, or `Null` when it is not JSON.
pub fn json_body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

/// A header's value as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The bearer token of the `Authorization` header.
pub fn bearer(request: &Request) -> Option<&str> {
    header(request, "authorization").and_then(|v| v.strip_prefix("Bearer "))
}

/// The path split into its non-empty segments.
pub fn segments(request: &Request) -> Vec<String> {
    request
        .url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).map(str::to_owned).collect())
        .unwrap_or_default()
}
