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

/// Laravel's merged input (`$request->input()`): the query, overlaid by the JSON body when the
/// content type says JSON (strings as sent, numbers and booleans as their JSON text, `null`s
/// dropped), else by the form body. Blank values are dropped, as Laravel's `ConvertEmptyStringsToNull`
/// makes them absent for `required`.
pub fn laravel_input(request: &Request) -> HashMap<String, String> {
    let mut input = query(request);
    let is_json = header(request, "content-type").is_some_and(|c| c.contains("json"));
    if is_json {
        if let Value::Object(map) = json_body(request) {
            for (name, value) in map {
                let text = match value {
                    Value::String(s) => s,
                    Value::Null => continue,
                    other => other.to_string(),
                };
                input.insert(name, text);
            }
        }
    } else {
        input.extend(form(request));
    }
    input.retain(|_, v| !v.trim().is_empty());
    input
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
