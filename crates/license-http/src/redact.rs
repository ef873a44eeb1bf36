//! Keeps secrets out of error messages: literal secret values and secret-looking JSON fields.

use license_core::{LicenseError, decode_json};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Replacement text for a redacted value.
pub const REDACTED: &str = "[redacted]";

/// How much of an error body is kept.
pub const MAX_ERROR_BODY_CHARS: usize = 2048;

/// Field names whose string values are always redacted (matched case-insensitively, on the name
/// or its last `_`-separated words).
const SECRET_FIELDS: &[&str] = &[
    "key",
    "license_key",
    "licence_key",
    "api_key",
    "apikey",
    "secret",
    "token",
    "password",
    "signature",
    "authorization",
    "private_key",
];

/// The secrets of one request, removed from anything that is kept of its response.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// Adds a secret; values shorter than 4 characters are ignored (they would redact noise).
    pub fn add(&mut self, secret: &str) {
        if secret.chars().count() >= 4 && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_owned());
        }
    }

    /// Replaces every known secret in `text`.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), REDACTED);
            }
        }
        out
    }

    /// Redacts a response body for keeping on an error: secret JSON fields are blanked, known
    /// secrets removed, and the result cut to [`MAX_ERROR_BODY_CHARS`].
    pub fn redact_body(&self, body: &[u8]) -> String {
        let text = match serde_json::from_slice::<Value>(body) {
            Ok(mut value) => {
                redact_fields(&mut value);
                value.to_string()
            }
            Err(_) => String::from_utf8_lossy(body).into_owned(),
        };
        truncate(&self.redact(&text), MAX_ERROR_BODY_CHARS)
    }
}

/// Whether a field of this name holds a secret.
pub fn is_secret_field(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with("_id") || lower == "id" || lower.ends_with("_short") {
        return false;
    }
    SECRET_FIELDS
        .iter()
        .any(|f| lower == *f || lower.ends_with(&format!("_{f}")))
}

/// Blanks the string values of secret fields, recursively.
pub fn redact_fields(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (name, field) in map.iter_mut() {
                if is_secret_field(name) && field.is_string() {
                    *field = Value::String(REDACTED.to_owned());
                } else {
                    redact_fields(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_fields),
        _ => {}
    }
}

/// Blanks the string value of every secret field in JSON text (`"key":"…"` becomes
/// `"key":"[redacted]"`), even in text that is not valid or complete JSON. Everything else,
/// line breaks included, is kept as it was.
pub fn blank_secret_values(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // `rest` always starts outside a string.
    while let Some(open) = rest.find('"') {
        let (before, from_quote) = rest.split_at(open);
        out.push_str(before);
        let (string, after) = from_quote.split_at(string_len(from_quote));
        out.push_str(string);
        rest = after;
        let name = string.get(1..string.len().saturating_sub(1)).unwrap_or("");
        if !is_secret_field(name) {
            continue;
        }
        let Some(value) = rest
            .trim_start()
            .strip_prefix(':')
            .map(str::trim_start)
            .filter(|v| v.starts_with('"'))
        else {
            continue;
        };
        let (separator, _) = rest.split_at(rest.len().saturating_sub(value.len()));
        out.push_str(separator);
        out.push('"');
        out.push_str(REDACTED);
        out.push('"');
        rest = value.split_at(string_len(value)).1;
    }
    out.push_str(rest);
    out
}

/// The length of the JSON string at the start of `text` (which starts with `"`), both quotes
/// included; all of `text` when the string is not closed.
fn string_len(text: &str) -> usize {
    let mut escaped = false;
    for (at, c) in text.char_indices().skip(1) {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return at + 1,
            _ => {}
        }
    }
    text.len()
}

/// Decodes `bytes` like [`decode_json`], but a failure is described over a copy of the body
/// whose secret fields are blanked ([`blank_secret_values`]), so that the snippet of a decode
/// error never shows a secret the request did not know about (another license key in a listing,
/// say). `redact` is applied to the message as well.
pub fn decode_json_redacted<T: DeserializeOwned>(
    bytes: &[u8],
    redact: impl Fn(&str) -> String,
) -> Result<T, LicenseError> {
    if let Ok(value) = decode_json::<T>(bytes, &redact) {
        return Ok(value);
    }
    let blanked = blank_secret_values(&String::from_utf8_lossy(bytes));
    Err(match decode_json::<T>(blanked.as_bytes(), &redact) {
        Err(error) => error,
        // Only the secret field itself was malformed: say so without showing it.
        Ok(_) => LicenseError::decode("the body does not have the expected shape"),
    })
}

fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_and_field_secrets_are_removed() {
        let mut r = Redactor::default();
        r.add("canary-secret-123");
        let body = br#"{"error":"bad canary-secret-123","license_key":{"id":7,"key":"AAAA-BBBB","key_short":"XXXX-BBBB"},"api_key":"sk_live"}"#;
        let out = r.redact_body(body);
        assert!(!out.contains("canary-secret-123"), "{out}");
        assert!(!out.contains("AAAA-BBBB"), "{out}");
        assert!(!out.contains("sk_live"), "{out}");
        assert!(
            out.contains("XXXX-BBBB") && out.contains("\"id\":7"),
            "{out}"
        );
    }

    #[test]
    fn secret_values_are_blanked_in_any_text() {
        let text = r#"{"key" : "SEC\"RET-1","key_short":"XXXX-1","note":"\"key\":\"x\"","license_key":{"key":"SECRET-2"},"n":{"token":7}}"#;
        let out = blank_secret_values(text);
        assert!(!out.contains("SEC") && !out.contains("RET"), "{out}");
        assert!(out.contains(r#""key" : "[redacted]""#), "{out}");
        assert!(
            out.contains("XXXX-1") && out.contains(r#""token":7"#),
            "{out}"
        );
        assert!(serde_json::from_str::<Value>(&out).is_ok(), "{out}");
        assert_eq!(
            blank_secret_values(r#"{"key":"TRUNCATED-SECR"#),
            r#"{"key":"[redacted]""#
        );
        assert_eq!(blank_secret_values(r#"{"key"#), r#"{"key"#);
    }

    #[test]
    fn decode_errors_never_show_a_secret_field() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            key: String,
            count: u32,
        }
        let body = br#"[{"key":"38b1460a-5104-4067-a91d-77b872934d51-CANARY","count":"x"}]"#;
        let err = decode_json_redacted::<Vec<Item>>(body, str::to_owned).unwrap_err();
        let msg = err.to_string();
        assert!(err.is_decode() && msg.contains("[0].count"), "{msg}");
        assert!(
            !msg.contains("CANARY") && !msg.contains("77b872934d51"),
            "{msg}"
        );
        let truncated = br#"[{"count":1,"key":"38b1460a-5104-4067-a91d-77b8"#;
        let err = decode_json_redacted::<Vec<Item>>(truncated, str::to_owned).unwrap_err();
        assert!(!err.to_string().contains("77b8"), "{err}");
        let ok = decode_json_redacted::<Vec<Item>>(br#"[{"key":"K","count":1}]"#, str::to_owned);
        assert_eq!(ok.unwrap()[0].key, "K");
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(10_000);
        let out = Redactor::default().redact_body(body.as_bytes());
        assert!(
            out.len() < 2100 && out.ends_with("(10000 bytes in all)"),
            "{}",
            out.len()
        );
    }
}
