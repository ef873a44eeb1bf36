//! Decoding JSON with errors that say where it went wrong.

use serde::de::DeserializeOwned;

use crate::LicenseError;

/// How many characters of the body a decode error shows around the failure.
const SNIPPET_CHARS: usize = 80;

/// Decodes `bytes` into `T`. A failure is a decode error that names the JSON path (`data.attributes.status`)
/// and shows a short snippet of the body around the failure, passed through `redact` first so that
/// no secret reaches the message.
pub fn decode_json<T: DeserializeOwned>(
    bytes: &[u8],
    redact: impl Fn(&str) -> String,
) -> Result<T, LicenseError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(LicenseError::decode(
            "expected a JSON body but the response body was empty",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result: Result<T, (String, serde_json::Error)> = serde_path_to_error::deserialize(&mut de)
        .map_err(|err| (err.path().to_string(), err.into_inner()))
        .and_then(|value| de.end().map(|()| value).map_err(|e| (String::new(), e)));
    result.map_err(|(path, inner)| {
        let text = String::from_utf8_lossy(bytes);
        let snippet = snippet_at(&text, inner.line(), inner.column());
        let what = if text.trim_start().starts_with('<') {
            "the body is HTML, not JSON"
        } else if inner.is_syntax() || inner.is_eof() {
            "the body is not valid JSON"
        } else {
            "the body does not have the expected shape"
        };
        let at = if path == "." || path.is_empty() {
            String::from("at the top level")
        } else {
            format!("at `{path}`")
        };
        // serde's own message quotes the offending value, so the whole message is redacted, and
        // the serde error is not kept as the source.
        LicenseError::decode(redact(&format!("{what}: {inner} {at}; near `{snippet}`")))
    })
}

/// A short, single-line excerpt of `text` around line `line`, column `column` (1-based).
fn snippet_at(text: &str, line: usize, column: usize) -> String {
    let line_text = text.lines().nth(line.saturating_sub(1)).unwrap_or(text);
    let chars: Vec<char> = line_text.chars().collect();
    let centre = column.saturating_sub(1).min(chars.len());
    let start = centre.saturating_sub(SNIPPET_CHARS / 2);
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut out: String = chars[start..end]
        .iter()
        .map(|c| if c.is_control() { ' ' } else { *c })
        .collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
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

    #[test]
    fn trailing_garbage_is_an_error() {
        assert!(decode_json::<Inner>(br#"{"count":1} x"#, same).is_err());
        assert_eq!(
            decode_json::<Inner>(br#"{"count":1}"#, same).unwrap().count,
            1
        );
    }
}
