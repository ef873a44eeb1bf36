//! Decoding JSON with errors that say where it went wrong, and never show a secret.

use serde::de::DeserializeOwned;

use crate::LicenseError;
use crate::redact::{blank_secret_values, is_secret_field, mask_uuids, without_values};

/// How many characters of the body a decode error shows on each side of the failure.
const SNIPPET_SIDE: usize = 40;

/// How far into a body a failure may lie and still be explained with a path and a snippet:
/// building a decode error re-reads the body up to the failure, and this bounds that work.
const DETAIL_LIMIT: usize = 64 * 1024;

/// How much of the body after the failure is redacted with it, so that a secret crossing the
/// edge of the snippet is redacted whole before the snippet is cut.
const REDACT_AHEAD: usize = 256;

/// The longest serde message quoted as it is; a longer one (a huge string value) is told by its
/// category and position.
const MAX_MESSAGE: usize = 512;

/// Decodes `bytes` into `T` (nothing but the decode runs on success). A failure is a decode error that names the JSON path (`data.attributes.status`) and
/// shows a short snippet of the body around the failure, redacted before it is cut: secret-looking
/// fields blanked, UUIDs masked, then `redact` (the request's own secrets) applied to the whole
/// message. Failures deeper than 64 KiB into the body are told by position only.
pub fn decode_json<T: DeserializeOwned>(
    bytes: &[u8],
    redact: impl Fn(&str) -> String,
) -> Result<T, LicenseError> {
    // A body that is UTF-8 as a whole (JSON must be) is checked once here and then read as
    // text, where serde_json checks no string again; that costs fewer instructions than
    // `from_slice`'s check of every string and key. Anything else is read as bytes, as before.
    let decoded = match std::str::from_utf8(bytes) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(bytes),
    };
    decoded.map_err(|error| decode_error::<T>(bytes, &error, &redact))
}

#[cold]
fn decode_error<T: DeserializeOwned>(
    bytes: &[u8],
    error: &serde_json::Error,
    redact: &dyn Fn(&str) -> String,
) -> LicenseError {
    let Some(first) = bytes.iter().position(|b| !b.is_ascii_whitespace()) else {
        return LicenseError::decode("expected a JSON body but the response body was empty");
    };
    let what = if bytes[first] == b'<' {
        "the body is HTML, not JSON"
    } else if error.is_syntax() || error.is_eof() {
        "the body is not valid JSON"
    } else {
        "the body does not have the expected shape"
    };
    let offset = error_offset(bytes, error.line(), error.column());
    let path = offset.and_then(|_| path_of::<T>(bytes));
    let at = match path.as_deref() {
        None | Some("." | "") => String::from("at the top level"),
        Some(path) => format!("at `{path}`"),
    };
    // serde quotes the offending value: keep it only when short and not under a secret field.
    let mut message = bounded_message(error);
    let secret_place = path.as_deref().is_none_or(|p| {
        p.rsplit(['.', '['])
            .next()
            .is_some_and(|last| is_secret_field(last.trim_end_matches(']')))
    });
    if secret_place {
        message = without_values(&message);
    }
    let near = match offset {
        Some(offset) => format!("; near `{}`", snippet(bytes, offset, redact)),
        None => String::from("; too far into the body to quote"),
    };
    let text = redact(&mask_uuids(&blank_secret_values(&format!(
        "{what}: {message} {at}"
    ))));
    LicenseError::decode(format!("{text}{near}"))
}

/// serde's message when it is at most [`MAX_MESSAGE`] bytes; otherwise (a huge quoted value)
/// its category and position, without ever formatting the whole of it.
fn bounded_message(error: &serde_json::Error) -> String {
    use std::fmt::Write as _;

    struct Capped(String);
    impl std::fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            if self.0.len() + s.len() > MAX_MESSAGE {
                return Err(std::fmt::Error);
            }
            self.0.push_str(s);
            Ok(())
        }
    }
    let mut capped = Capped(String::new());
    if write!(capped, "{error}").is_ok() {
        return capped.0;
    }
    let what = match error.classify() {
        serde_json::error::Category::Data => "a value of the wrong type or shape",
        serde_json::error::Category::Syntax => "invalid JSON",
        serde_json::error::Category::Eof => "unexpected end of the body",
        serde_json::error::Category::Io => "the body could not be read",
    };
    format!("{what} at line {} column {}", error.line(), error.column())
}

/// The byte offset of serde's (1-based line, 0-based column) position, when it lies within
/// [`DETAIL_LIMIT`].
fn error_offset(bytes: &[u8], line: usize, column: usize) -> Option<usize> {
    let scanned = bytes.get(..DETAIL_LIMIT.min(bytes.len()))?;
    let line_start = match line {
        0 => return None,
        1 => 0,
        n => {
            scanned
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .nth(n - 2)?
                .0
                + 1
        }
    };
    let offset = line_start.saturating_add(column).min(bytes.len());
    (offset <= DETAIL_LIMIT).then_some(offset)
}

/// The JSON path of the failure, from a second decode that tracks it (only on failure, and only
/// for failures within [`DETAIL_LIMIT`]: it stops where the first one failed).
fn path_of<T: DeserializeOwned>(bytes: &[u8]) -> Option<String> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize::<_, T>(&mut de)
        .err()
        .map(|e| e.path().to_string())
}

/// A single-line excerpt of the body around `offset`: the body up to a little past the failure
/// is redacted first (secret fields blanked from the start, so quotes pair up; UUIDs and the
/// request's secrets removed), then the excerpt is cut from the redacted text.
fn snippet(bytes: &[u8], offset: usize, redact: &dyn Fn(&str) -> String) -> String {
    let end = offset.saturating_add(REDACT_AHEAD).min(bytes.len());
    let head = String::from_utf8_lossy(&bytes[..end]);
    let tail_len = String::from_utf8_lossy(&bytes[offset..end]).len();
    let redacted = redact(&mask_uuids(&blank_secret_values(&head)));
    let mut centre = redacted.len().saturating_sub(tail_len);
    while !redacted.is_char_boundary(centre) {
        centre -= 1;
    }
    let (before, after) = redacted.split_at(centre);
    // At most 4 bytes a character: only the end of `before` can be shown.
    let mut from = before.len().saturating_sub(SNIPPET_SIDE * 4 + 4);
    while !before.is_char_boundary(from) {
        from += 1;
    }
    let cut_early = from > 0;
    let before = &before[from..];
    let before_chars = before.chars().count();
    let skip = before_chars.saturating_sub(SNIPPET_SIDE);
    let after_chars = after.chars().count();
    let mut out = String::new();
    if skip > 0 || cut_early {
        out.push('…');
    }
    out.extend(before.chars().skip(skip));
    out.extend(after.chars().take(SNIPPET_SIDE));
    if after_chars > SNIPPET_SIDE || end < bytes.len() {
        out.push('…');
    }
    out.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        data: Inner,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        count: u32,
    }

    fn same(s: &str) -> String {
        s.to_owned()
    }

    #[test]
    fn names_the_path_and_shows_a_snippet() {
        let err = decode_json::<Outer>(br#"{"data":{"count":"seven"}}"#, same).unwrap_err();
        assert!(err.is_decode());
        let msg = err.to_string();
        assert!(msg.contains("`data.count`"), "{msg}");
        assert!(msg.contains("seven"), "{msg}");
    }

    #[test]
    fn empty_and_html_bodies_are_explained() {
        let err = decode_json::<Outer>(b"  ", same).unwrap_err();
        assert!(err.to_string().contains("empty"));
        let err = decode_json::<Outer>(b"<html><body>Bad gateway</body></html>", same).unwrap_err();
        assert!(err.to_string().contains("HTML"), "{err}");
    }

    #[test]
    fn snippet_is_redacted() {
        let err = decode_json::<Outer>(br#"{"data":{"count":"SECRET-KEY"}}"#, |s| {
            s.replace("SECRET-KEY", "[redacted]")
        })
        .unwrap_err();
        assert!(!err.to_string().contains("SECRET-KEY"));
    }

    /// Every 8-character piece of `secret`.
    fn pieces(secret: &str) -> Vec<&str> {
        (0..=secret.len() - 8).map(|i| &secret[i..i + 8]).collect()
    }

    #[test]
    fn a_secret_crossing_the_edge_of_the_snippet_is_redacted_whole() {
        let secret = "sk_live_CANARY_0123456789abcdefghijklmnop";
        for pad in 0..60 {
            let body = format!(
                r#"{{"data":{{"count":"x","note":"{}{secret} trailing text"}}}}"#,
                "n".repeat(pad)
            );
            let err = decode_json::<Outer>(body.as_bytes(), |s| s.replace(secret, "[redacted]"))
                .unwrap_err();
            let msg = err.to_string();
            for piece in pieces(secret) {
                assert!(!msg.contains(piece), "pad {pad}: {piece} in {msg}");
            }
        }
    }

    #[test]
    fn secret_fields_and_uuids_never_reach_the_message() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Item {
            key: u32,
        }
        let body = br#"{"key":"LICENSE-CANARY-KEY-0001"}"#;
        let msg = decode_json::<Item>(body, str::to_owned)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("`key`") && !msg.contains("CANARY"), "{msg}");
        let body = br#"{"data":{"count":"019ae9f4-18b2-706b-b728-3f77c6bd9217"}}"#;
        let msg = decode_json::<Outer>(body, str::to_owned)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("`data.count`") && !msg.contains("3f77c6bd"),
            "{msg}"
        );
    }

    #[test]
    fn failures_deep_into_a_huge_body_are_told_by_position_only() {
        let mut body = format!(r#"{{"pad":"{}","data":{{"count":"#, "p".repeat(5 << 20));
        body.push_str(r#""SECRET-KEY-xyz"}}"#);
        let err = decode_json::<Outer>(body.as_bytes(), str::to_owned).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("too far into the body"),
            "{}",
            &msg[..msg.len().min(300)]
        );
        assert!(
            msg.len() < 1_000 && !msg.contains("SECRET"),
            "{}",
            msg.len()
        );
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let err = decode_json::<Outer>(deep.as_bytes(), str::to_owned).unwrap_err();
        assert!(err.is_decode() && err.to_string().len() < 1_000);
    }

    #[test]
    fn a_huge_quoted_value_is_never_formatted_whole() {
        let body = format!(r#"{{"data":{{"count":"{}"}}}}"#, "v".repeat(1 << 20));
        let msg = decode_json::<Outer>(body.as_bytes(), str::to_owned)
            .unwrap_err()
            .to_string();
        assert!(msg.len() < 1_000, "{}", msg.len());
        assert!(msg.contains("wrong type"), "{msg}");
    }

    #[test]
    fn a_secret_field_next_to_the_failure_never_shows() {
        #[derive(Debug, Deserialize)]
        #[allow(dead_code)]
        struct Item {
            key: String,
            count: u32,
        }
        let body = br#"[{"key":"38b1460a-5104-4067-a91d-77b872934d51-CANARY","count":"x"}]"#;
        let err = decode_json::<Vec<Item>>(body, str::to_owned).unwrap_err();
        let msg = err.to_string();
        assert!(err.is_decode() && msg.contains("[0].count"), "{msg}");
        assert!(
            !msg.contains("CANARY") && !msg.contains("77b872934d51"),
            "{msg}"
        );
        let truncated = br#"[{"count":1,"key":"38b1460a-5104-4067-a91d-77b8"#;
        let err = decode_json::<Vec<Item>>(truncated, str::to_owned).unwrap_err();
        assert!(!err.to_string().contains("77b8"), "{err}");
        let ok = decode_json::<Vec<Item>>(br#"[{"key":"K","count":1}]"#, str::to_owned);
        assert_eq!(ok.unwrap()[0].key, "K");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(decode_json::<Inner>(br#"{"count":1} x"#, same).is_err());
        assert_eq!(
            decode_json::<Inner>(br#"{"count":1}"#, same).unwrap().count,
            1
        );
    }
}
