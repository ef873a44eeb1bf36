//! A request's media type and JSON body as keygen-api reads them: a `Content-Type` that is no
//! media type is 400 `MIME_TYPE_INVALID`, a JSON body that does not parse is 400 `JSON_INVALID`
//! (`lib/keygen/middleware.rb`'s `RequestErrorWrapper`), and the body is parsed as Oj parses
//! it (`config/initializers/oj_json.rb`): raw control characters inside a string are kept,
//! as `create.feature`'s keys written over several lines are ("Admin creates a license using
//! scheme RSA_2048_PKCS1_SIGN_V2 using template variables": 201).

use serde_json::Value;
use wiremock::Request;

use super::answer::{Answer, error};
use crate::support;

/// The request's JSON body (`Null` when there is none or it is not JSON).
pub(crate) fn json(request: &Request) -> Value {
    parse(&request.body).unwrap_or(Value::Null)
}

/// The 400 keygen-api answers to the request's media type or body, before any controller runs
/// (`None`: it is read).
pub(crate) fn refusal(request: &Request) -> Option<Answer> {
    let content_type = support::header(request, "content-type").unwrap_or_default();
    // Rails' `Mime::Type` raises `InvalidMimeType` for a type that is not `type/subtype`.
    let essence = content_type
        .split([';', ','])
        .next()
        .unwrap_or_default()
        .trim();
    if !essence.is_empty() && !is_media_type(essence) {
        return Some(error(
            400,
            "Bad request",
            "The mime type of the request is not acceptable (check content-type and accept headers)",
            Some("MIME_TYPE_INVALID"),
            None,
        ));
    }
    // `DefaultContentType`: a body sent without a type, or as a form or text, is read as JSON.
    let essence = essence.to_ascii_lowercase();
    let read_as_json = essence.is_empty()
        || essence.contains("json")
        || essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/x-www-form-urlencoded" | "multipart/form-data"
        );
    let sends_body = matches!(request.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE");
    let blank = request.body.iter().all(u8::is_ascii_whitespace);
    if sends_body && read_as_json && !blank && parse(&request.body).is_none() {
        return Some(error(
            400,
            "Bad request",
            "The request could not be completed because it contains invalid JSON (check formatting/encoding)",
            Some("JSON_INVALID"),
            None,
        ));
    }
    None
}

/// Rails' `MIME_NAME/MIME_NAME` (or `*/*`).
fn is_media_type(text: &str) -> bool {
    let name = |part: &str| {
        part.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
            && part.len() <= 127
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "#_!$&-^.+".contains(c))
    };
    match text.split_once('/') {
        Some(("*", "*")) => true,
        Some((kind, sub)) => name(kind) && (sub == "*" || name(sub)),
        None => false,
    }
}

/// `bytes` as JSON, a raw control character inside a string taken as itself (Oj's `read_str`
/// refuses only a NUL byte there); `None` when it is not JSON.
fn parse(bytes: &[u8]) -> Option<Value> {
    if let Ok(value) = serde_json::from_slice(bytes) {
        return Some(value);
    }
    let mut escaped = Vec::with_capacity(bytes.len());
    let (mut in_string, mut after_backslash) = (false, false);
    for &byte in bytes {
        match byte {
            _ if after_backslash => after_backslash = false,
            b'\\' if in_string => after_backslash = true,
            b'"' => in_string = !in_string,
            0x01..=0x1f if in_string => {
                escaped.extend_from_slice(format!("\\u{byte:04x}").as_bytes());
                continue;
            }
            _ => {}
        }
        escaped.push(byte);
    }
    serde_json::from_slice(&escaped).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_are_type_slash_subtype() {
        for (text, valid) in [
            ("application/vnd.api+json", true),
            ("application/json", true),
            ("*/*", true),
            ("text/*", true),
            ("vnd.api+xml", false),
            ("application/", false),
            ("/json", false),
        ] {
            assert_eq!(is_media_type(text), valid, "{text}");
        }
    }

    #[test]
    fn raw_control_characters_in_strings_are_kept_as_oj_keeps_them() {
        let value = parse(b"{\"key\": \"{\n  \\\"a\\\": 1\n}\"}").unwrap();
        assert_eq!(value["key"], "{\n  \"a\": 1\n}");
        assert_eq!(parse(b"{\"a\":\n1}").unwrap()["a"], 1);
        assert!(parse(b"{\"a\": \"\0\"}").is_none());
        assert!(parse(b"{\"a\": ").is_none());
    }
}
