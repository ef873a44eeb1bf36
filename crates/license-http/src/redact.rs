//! Keeps secrets out of error messages: literal secret values and secret-looking JSON fields.

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
