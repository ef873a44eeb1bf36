//! Keeps license keys out of decode errors: Lemon Squeezy bodies carry `"key"` fields (listings,
//! webhooks) that the transport does not know as secrets.

use license_core::{LicenseError, decode_json};
use license_http::Response;
use serde::de::DeserializeOwned;

/// Decodes a 2xx JSON body, or returns the response as an error; decode errors are redacted of
/// the request's secrets and of every `"key"` value.
pub(crate) fn decode_success<T: DeserializeOwned>(response: Response) -> Result<T, LicenseError> {
    let response = response.error_for_status()?;
    decode_body(&response)
}

/// Decodes the body whatever the status, redacted like [`decode_success`].
pub(crate) fn decode_body<T: DeserializeOwned>(response: &Response) -> Result<T, LicenseError> {
    decode_json(response.body(), |s| redact_keys(&response.redact(s))).map_err(|e| response.tag(e))
}

/// Decode errors show a snippet of the body; blank the value after every `"key"` so a license
/// key never reaches an error message.
pub(crate) fn redact_keys(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\"key\"") {
        let (head, tail) = rest.split_at(at + 5);
        out.push_str(head);
        out.push_str(":\"[redacted]\"");
        rest = tail.get(value_len(tail)..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The length of `: "value"` (or `: value`) at the start of `tail`, string escapes included.
fn value_len(tail: &str) -> usize {
    let mut chars = tail
        .char_indices()
        .skip_while(|(_, c)| c.is_whitespace() || *c == ':');
    match chars.next() {
        Some((_, '"')) => {
            let mut escaped = false;
            for (i, c) in chars {
                match (escaped, c) {
                    (false, '\\') => escaped = true,
                    (false, '"') => return i + 1,
                    _ => escaped = false,
                }
            }
            tail.len()
        }
        Some((start, _)) => tail
            .get(start..)
            .and_then(|t| t.find([',', '}', ']', '\n']))
            .map_or(tail.len(), |end| start + end),
        None => tail.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_values_are_blanked_in_error_text() {
        let out = redact_keys(
            r#"{"key":"SECRET-1","key_short":"XXXX-1","x":{"key" : "SEC,RET\"-2"},"key":7}"#,
        );
        assert!(!out.contains("SEC") && !out.contains("RET"), "{out}");
        assert!(out.contains("XXXX-1") && out.ends_with("}"), "{out}");
        assert_eq!(
            redact_keys(r#"…"key":"TRUNCATED-SECR"#),
            r#"…"key":"[redacted]""#
        );
    }
}
