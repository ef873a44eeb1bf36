//! What a feature case's answer looks like (the parts its assertions name), and whether the
//! client's verdict on it is the feature's.

use keyward_core::LicenseError;
use keyward_keygen::models::Checkout;
use keyward_keygen::{License, Machine, Validation};
use serde_json::{Map, Value, json};

use super::replay::percent_decode;
use super::typed;

/// What the client answered.
pub(crate) enum Answer {
    Validation(Validation),
    License(License),
    Licenses(Vec<License>),
    Machine(Machine),
    Machines(Vec<Machine>),
    Checkout(Checkout),
    Certificate(String),
    Empty,
}

/// The body the feature's assertions imply: its error, or its `meta`, type, attributes, count.
pub(crate) fn response_body(
    case: &Value,
    status: u16,
    validation: bool,
    download: bool,
) -> Option<String> {
    if status == 204 {
        return None;
    }
    if !(200..300).contains(&status) {
        let error = match &case["error"] {
            Value::Object(error) => Value::Object(error.clone()),
            _ => json!({"title": format!("HTTP {status}")}),
        };
        return Some(json!({"errors": [error]}).to_string());
    }
    if download {
        return Some(
            "-----BEGIN LICENSE FILE-----\neyJlbmMiOiIifQ==\n-----END LICENSE FILE-----\n".into(),
        );
    }
    if validation {
        let mut meta = match &case["meta"] {
            Value::Object(meta) => meta.clone(),
            _ => json!({"valid": true, "detail": "is valid", "code": "VALID"})
                .as_object()
                .unwrap()
                .clone(),
        };
        meta.insert("ts".into(), json!("2026-12-05T16:00:00.000Z"));
        if let Some(nonce) = case["request"]["meta"].get("nonce") {
            meta.entry("nonce").or_insert(nonce.clone());
        }
        let data = if case["contains"] == "license" || meta.get("valid") == Some(&json!(true)) {
            resource("licenses", &Map::new())
        } else {
            Value::Null
        };
        return Some(json!({"data": data, "meta": meta}).to_string());
    }
    let path = case["path"].as_str().unwrap();
    let list = case["method"] == "GET"
        && matches!(
            path.split('?').next().unwrap_or_default().split('/').nth(3),
            Some("licenses" | "machines")
        )
        && path
            .split('?')
            .next()
            .unwrap_or_default()
            .split('/')
            .count()
            == 4;
    if list && case["array"].is_null() {
        return Some(json!({"data": [], "links": {}}).to_string());
    }
    if let Some(count) = case["array"]["count"].as_u64() {
        let kind = case["array"]["type"].as_str().unwrap();
        let items: Vec<Value> = (0..count).map(|_| resource(kind, &Map::new())).collect();
        return Some(json!({"data": items, "links": {}}).to_string());
    }
    let kind = match case["type"].as_str() {
        Some(t) => format!("{t}s"),
        None if path.contains("check-out") => "license-files".into(),
        None if path.contains("/machines") => "machines".into(),
        None => "licenses".into(),
    };
    let attributes = case["attributes"].as_object().cloned().unwrap_or_default();
    Some(json!({"data": resource(&kind, &attributes)}).to_string())
}

fn resource(kind: &str, attributes: &Map<String, Value>) -> Value {
    json!({"id": "00000000-0000-4000-8000-000000000001", "type": kind, "attributes": attributes, "relationships": {}})
}

/// The client's verdict must be the feature's.
pub(crate) fn check(
    source: &str,
    case: &Value,
    status: u16,
    result: Result<Answer, LicenseError>,
    download: bool,
    body: Option<&str>,
) -> &'static str {
    if !(200..300).contains(&status) {
        let err = match result {
            Err(err) if err.is_invalid_input() && status == 400 => {
                return "replayed: refused before sending, as the server refuses";
            }
            Err(err) => err,
            Ok(_) => panic!("{source}: HTTP {status} read as a success"),
        };
        assert_eq!(err.status(), Some(status), "{source}: {err}");
        if let Some(code) = case["error"]["code"].as_str() {
            assert_eq!(err.provider_code(), Some(code), "{source}");
        }
        if let Some(detail) = case["error"]["detail"].as_str() {
            let errors = keyward_keygen::error::json_api_errors(&err);
            // A key the request carried (in its body, or as the id of `GET /licenses/{id}`,
            // which may be a key) is redacted from what an error keeps, and so are UUIDs.
            let mut detail = keyward_core::mask_uuids(detail);
            for secret in secrets(case) {
                detail = detail.replace(&secret, keyward_core::REDACTED);
            }
            assert_eq!(
                errors[0].detail.as_deref(),
                Some(detail.as_str()),
                "{source}"
            );
            assert_eq!(
                errors[0].title.as_deref(),
                case["error"]["title"].as_str(),
                "{source}"
            );
            let pointer = case["error"]["source"]["pointer"].as_str();
            assert_eq!(
                errors[0].source.as_ref().and_then(|s| s.pointer.as_deref()),
                pointer,
                "{source}"
            );
        }
        return "replayed: error status and code";
    }
    let answer = result.unwrap_or_else(|e| panic!("{source}: HTTP {status} read as an error: {e}"));
    match answer {
        Answer::Validation(v) => {
            let Value::Object(meta) = &case["meta"] else {
                return "replayed: status only";
            };
            if let Some(valid) = meta.get("valid") {
                assert_eq!(Some(v.is_valid()), valid.as_bool(), "{source}");
            }
            if let Some(code) = meta.get("code") {
                assert_eq!(Some(v.code().as_str()), code.as_str(), "{source}");
            }
            if let Some(detail) = meta.get("detail") {
                assert_eq!(Some(v.meta.detail.as_str()), detail.as_str(), "{source}");
            }
            if let Some(nonce) = meta.get("nonce") {
                assert_eq!(v.meta.nonce, nonce.as_i64(), "{source}");
            }
            assert_eq!(
                v.data.is_some(),
                case["contains"] == "license" || v.is_valid(),
                "{source}"
            );
            "replayed: validation verdict"
        }
        Answer::License(license) => {
            typed::same_license(source, &license, &case["attributes"]);
            "replayed: resource"
        }
        Answer::Machine(machine) => {
            typed::same_machine(source, &machine, &case["attributes"]);
            "replayed: resource"
        }
        Answer::Checkout(checkout) => {
            typed::same_checkout(source, &checkout, &case["attributes"]);
            "replayed: resource"
        }
        Answer::Licenses(items) => count(source, case, items.len()),
        Answer::Machines(items) => count(source, case, items.len()),
        Answer::Certificate(text) => {
            assert!(download);
            assert_eq!(Some(text.as_str()), body, "{source}");
            "replayed: certificate"
        }
        Answer::Empty => {
            assert_eq!(status, 204, "{source}");
            "replayed: no content"
        }
    }
}

fn count(source: &str, case: &Value, len: usize) -> &'static str {
    if let Some(count) = case["array"]["count"].as_u64() {
        assert_eq!(len as u64, count, "{source}");
        return "replayed: list count";
    }
    "replayed: status only"
}

/// The values the client treats as secrets in this case's request.
fn secrets(case: &Value) -> Vec<String> {
    let mut secrets = Vec::new();
    for key in [
        &case["request"]["data"]["attributes"]["key"],
        &case["request"]["meta"]["key"],
    ] {
        secrets.extend(key.as_str().filter(|k| !k.is_empty()).map(str::to_owned));
    }
    let path = case["path"].as_str().unwrap_or_default();
    let segments: Vec<&str> = path
        .split('?')
        .next()
        .unwrap_or_default()
        .split('/')
        .collect();
    if case["method"] == "GET" && segments.len() == 5 && segments[3] == "licenses" {
        secrets.push(percent_decode(segments[4]));
    }
    secrets
}
