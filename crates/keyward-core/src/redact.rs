//! The one redaction path: every text the workspace keeps or shows from a provider (error
//! bodies, decode errors, provider messages, request ids) goes through [`Redactor::redact`], and
//! every removed value becomes [`REDACTED`].

use serde_json::Value;

use crate::secret::SharedSecret;
use crate::{ApiKey, SecretLicenseKey};

/// Replacement text for a redacted value, everywhere.
pub const REDACTED: &str = "[redacted]";

/// How much of an error body is shown (after redaction).
pub const MAX_ERROR_BODY_CHARS: usize = 2048;

/// The most of a body that building an error parses, redacts or hands to a provider's error
/// parser (the shown part is far shorter): whatever a provider sends, up to the body cap, an
/// error costs at most this much work. A longer body is shown from its first bytes only.
pub const MAX_ERROR_DETAIL_BYTES: usize = 64 * 1024;

/// How many characters at the end of a cut-off body prefix are never shown: a secret the cut
/// split in two is not recognised by redaction, so the prefix's end is dropped.
const CUT_MARGIN: usize = 256;

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
    /// Shared with the keys they came from (no copy), and zeroized with them.
    secrets: Vec<SharedSecret>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// Adds a secret; values shorter than 4 characters are ignored (they would redact noise).
    pub fn add(&mut self, secret: &str) {
        if self.wants(secret) {
            self.secrets.push(SharedSecret::new(secret.to_owned()));
        }
    }

    /// Adds a license key, shared with it rather than copied.
    pub fn add_key(&mut self, key: &SecretLicenseKey) {
        self.add_shared(key.shared());
    }

    /// Adds an API key, shared with it rather than copied.
    pub fn add_api_key(&mut self, key: &ApiKey) {
        self.add_shared(key.shared());
    }

    fn add_shared(&mut self, secret: &SharedSecret) {
        if self.wants(secret.expose()) {
            self.secrets.push(secret.clone());
        }
    }

    /// Whether `secret` is long enough to redact and not held already.
    fn wants(&self, secret: &str) -> bool {
        secret.chars().count() >= 4 && !self.secrets.iter().any(|s| s.expose() == secret)
    }

    /// Redacts `text`: every known secret, the string value of every secret-looking JSON field
    /// ([`blank_secret_values`]) and every UUID-shaped run ([`mask_uuids`]; DevPayr license keys
    /// are UUIDs).
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            let secret = secret.expose();
            if out.contains(secret) {
                out = out.replace(secret, REDACTED);
            }
        }
        mask_uuids(&blank_secret_values(&out))
    }

    /// Redacts a response body for showing on an error: secret JSON fields blanked, known
    /// secrets and UUIDs removed, and only then cut to [`MAX_ERROR_BODY_CHARS`].
    /// Bodies over [`MAX_ERROR_DETAIL_BYTES`] are redacted from that prefix only.
    pub fn redact_body(&self, body: &[u8]) -> String {
        if let Some(prefix) = body
            .get(..MAX_ERROR_DETAIL_BYTES)
            .filter(|_| body.len() > MAX_ERROR_DETAIL_BYTES)
        {
            let redacted = self.redact(&String::from_utf8_lossy(prefix));
            let shown = redacted
                .chars()
                .count()
                .saturating_sub(CUT_MARGIN)
                .min(MAX_ERROR_BODY_CHARS);
            return cut(&redacted, shown, body.len());
        }
        let text = match self.redact_json(body) {
            Some(value) => value.to_string(),
            None => self.redact(&String::from_utf8_lossy(body)),
        };
        truncate(&text, MAX_ERROR_BODY_CHARS)
    }

    /// A JSON body parsed whole, redacted: secret fields blanked, and every string (keys of
    /// objects included) passed through [`redact`](Self::redact). `None` when it is not JSON.
    pub fn redact_json(&self, body: &[u8]) -> Option<Value> {
        let mut value = serde_json::from_slice::<Value>(body).ok()?;
        redact_fields(&mut value);
        self.redact_strings(&mut value);
        Some(value)
    }

    fn redact_strings(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.redact(text),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_strings(v)),
            Value::Object(map) => {
                let old = std::mem::take(map);
                for (name, mut field) in old {
                    self.redact_strings(&mut field);
                    map.insert(self.redact(&name), field);
                }
            }
            _ => {}
        }
    }
}

/// Whether a field of this name holds a secret. Allocation-free and independent of the name's
/// length (only its end is compared): it runs for every quoted string of every text redacted.
pub fn is_secret_field(name: &str) -> bool {
    let name = name.as_bytes();
    // `name` ends with `suffix`, compared ASCII case-insensitively.
    let ends_with = |suffix: &[u8]| {
        name.len() >= suffix.len() && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    if ends_with(b"_id") || name.eq_ignore_ascii_case(b"id") || ends_with(b"_short") {
        return false;
    }
    SECRET_FIELDS.iter().any(|f| {
        let f = f.as_bytes();
        name.eq_ignore_ascii_case(f)
            || (ends_with(f) && name.len() > f.len() && name[name.len() - f.len() - 1] == b'_')
    })
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
        // Only a field name followed by a string value is looked up (cheap test first).
        let Some(value) = rest
            .trim_start()
            .strip_prefix(':')
            .map(str::trim_start)
            .filter(|v| v.starts_with('"'))
        else {
            continue;
        };
        let name = string.get(1..string.len().saturating_sub(1)).unwrap_or("");
        if !is_secret_field(name) {
            continue;
        }
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
    // Quotes and backslashes are ASCII, never inside a multi-byte UTF-8 sequence. A quote ends
    // the string unless an odd run of backslashes escapes it.
    let bytes = text.as_bytes();
    let mut at = 1;
    while let Some(found) = text.get(at..).and_then(|rest| rest.find('"')) {
        let quote = at + found;
        let backslashes = bytes
            .get(..quote)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|b| **b == b'\\')
            .count();
        if backslashes % 2 == 0 {
            return quote + 1;
        }
        at = quote + 1;
    }
    text.len()
}

/// Replaces every UUID-shaped run (`8-4-4-4-12` hex digits) with [`REDACTED`].
pub fn mask_uuids(text: &str) -> String {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let bytes = text.as_bytes();
    let is_uuid_at = |start: usize| {
        if bytes.get(start + 8) != Some(&b'-') {
            return false;
        }
        let mut at = start;
        for (i, len) in GROUPS.iter().enumerate() {
            let Some(group) = bytes.get(at..at + len) else {
                return false;
            };
            if !group.iter().all(u8::is_ascii_hexdigit) {
                return false;
            }
            at += len;
            if i < GROUPS.len() - 1 {
                if bytes.get(at) != Some(&b'-') {
                    return false;
                }
                at += 1;
            }
        }
        true
    };
    let mut out = String::with_capacity(text.len());
    // A UUID's first dash is 8 bytes in: look only there (std's search, not a byte loop).
    // Matches start on an ASCII byte and span 36 ASCII bytes: every cut is a char boundary.
    let mut copied = 0;
    for (dash, _) in text.match_indices('-') {
        let Some(start) = dash.checked_sub(8).filter(|s| *s >= copied) else {
            continue;
        };
        if is_uuid_at(start) {
            out.push_str(&text[copied..start]);
            out.push_str(REDACTED);
            copied = start + 36;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// A decode error's message without any quoted value: for payloads whose secrets no redactor
/// knows (signed payloads carry e-mail addresses and URLs that embed the API key). The snippet of
/// the body is cut off and every double-quoted value is masked; the path (in backticks) and the
/// reason stay.
pub fn without_values(message: &str) -> String {
    let message = message.split("; near `").next().unwrap_or_default();
    let mut out = String::with_capacity(message.len());
    let (mut quoted, mut escaped) = (false, false);
    for c in message.chars() {
        match (quoted, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') => {
                quoted = false;
                out.push_str("…\"");
            }
            (true, false, _) => {}
            (false, _, '"') => {
                quoted = true;
                out.push('"');
            }
            (false, _, c) => out.push(c),
        }
    }
    out
}

/// `text` cut to `max_chars` characters (after redaction, never before), saying how long it was.
pub fn truncate(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some(_) => cut(text, max_chars, text.len()),
        None => text.to_owned(),
    }
}

/// `text` cut to its first `max_chars` characters (at most), marked as part of `total_bytes`.
fn cut(text: &str, max_chars: usize, total_bytes: usize) -> String {
    let end = text
        .char_indices()
        .nth(max_chars)
        .map_or(text.len(), |(i, _)| i);
    format!("{}… ({total_bytes} bytes in all)", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted_once_however_they_are_added() {
        let key = SecretLicenseKey::new(" CANARY-LICENSE-KEY-77 ");
        let api_key = ApiKey::new("canary-api-key-88").unwrap_or_else(|e| panic!("{e}"));
        let mut r = Redactor::default();
        r.add_key(&key);
        r.add("CANARY-LICENSE-KEY-77");
        r.add_api_key(&api_key);
        r.add_key(&SecretLicenseKey::new("abc"));
        assert_eq!(format!("{r:?}"), "Redactor(2 secrets)");
        let out = r.redact("CANARY-LICENSE-KEY-77 / canary-api-key-88 / abc");
        assert_eq!(out, "[redacted] / [redacted] / abc");
    }

    #[test]
    fn secrets_fields_and_uuids_are_removed() {
        let mut r = Redactor::default();
        r.add("canary-secret-123");
        let text = r#"{"error":"bad canary-secret-123","license_key":{"id":7,"key":"AAAA-BBBB","key_short":"XXXX-BBBB"},"uuid":"019ae9f4-18b2-706b-b728-3f77c6bd9217"}"#;
        let out = r.redact(text);
        assert!(!out.contains("canary-secret-123"), "{out}");
        assert!(
            !out.contains("AAAA-BBBB") && !out.contains("3f77c6bd9217"),
            "{out}"
        );
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
    fn uuids_are_masked_and_other_text_kept() {
        assert_eq!(
            mask_uuids("key 019ae9f4-18b2-706b-b728-3f77c6bd9217, é ok"),
            "key [redacted], é ok"
        );
        assert_eq!(mask_uuids("019ae9f4-18b2"), "019ae9f4-18b2");
        assert_eq!(mask_uuids(""), "");
    }

    #[test]
    fn values_and_the_snippet_are_masked_but_the_path_stays() {
        assert_eq!(
            without_values(
                r#"invalid type: string "KEY\"-1", expected u64 at `a.b`; near `{"k":"KEY"}`"#
            ),
            r#"invalid type: string "…", expected u64 at `a.b`"#
        );
        assert_eq!(without_values(r#"open "KEY"#), r#"open ""#);
    }

    #[test]
    fn secret_fields_are_matched_without_regard_to_case_or_length() {
        for name in [
            "key",
            "KEY",
            "X_API_KEY",
            "licence_key",
            "webhook_Secret",
            "token",
        ] {
            assert!(is_secret_field(name), "{name}");
        }
        for name in ["monkey", "key_id", "KEY_SHORT", "id", "keys", "", "_"] {
            assert!(!is_secret_field(name), "{name}");
        }
        assert!(is_secret_field(&format!("{}_key", "x".repeat(100_000))));
    }

    /// A body over the detail cap is redacted from its first 64 KiB only, and a secret that the
    /// cut splits never shows, in part or whole, wherever the cut falls.
    #[test]
    fn a_huge_body_is_redacted_from_a_bounded_prefix() {
        let secret = "sk_live_CANARY_0123456789abcdefghijklmnop";
        let mut r = Redactor::default();
        r.add(secret);
        for back in [0, 1, 8, 20, secret.len() - 1] {
            let mut body = "u".repeat(MAX_ERROR_DETAIL_BYTES - back);
            body.push_str(secret);
            body.push_str(&"v".repeat(4 << 20));
            let out = r.redact_body(body.as_bytes());
            assert!(
                out.chars().count() < MAX_ERROR_BODY_CHARS + 40,
                "{}",
                out.len()
            );
            assert!(
                out.ends_with(&format!("({} bytes in all)", body.len())),
                "{out}"
            );
            for i in 0..=secret.len() - 8 {
                assert!(!out.contains(&secret[i..i + 8]), "back {back}: {out}");
            }
        }
        // Redaction can shrink the prefix below the shown length (a blanked secret field): the
        // secret the cut splits still never shows.
        let head = format!(
            r#"{{"key":"{}","note":""#,
            "k".repeat(MAX_ERROR_DETAIL_BYTES - 1_000)
        );
        let mut body = format!(
            "{head}{}",
            "n".repeat(MAX_ERROR_DETAIL_BYTES - head.len() - 12)
        );
        body.push_str(secret);
        body.push_str(r#""}"#);
        let out = r.redact_body(body.as_bytes());
        assert!(
            out.contains(r#""key":"[redacted]""#) && out.len() < 1_500,
            "{out}"
        );
        assert!(!out.contains("sk_live_"), "{out}");
    }

    #[test]
    fn long_text_is_cut_after_redaction() {
        let out = truncate(&"x".repeat(10_000), 2048);
        assert!(out.len() < 2100 && out.ends_with("(10000 bytes in all)"));
    }
}
