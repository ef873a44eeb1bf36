//! What the fuzz targets share: how an answer is read from the fuzzer's bytes, the canary secret
//! every request carries, and the check that no error ever shows it.
//!
//! Answer format (the seed script writes fixtures in it): byte 0 picks the status from
//! [`STATUSES`], byte 1 picks headers (bit 0: a `Retry-After` built from the body's first
//! bytes; bit 1: a request id echoing the canary; bit 2: `retry-after-ms`), the rest is the
//! body.

pub mod signed;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderValue};
use keyward_http::fuzzing::Answer;

/// The request's secret (license key or API key) in every decode target. A dictionary entry,
/// so the fuzzer plants it in bodies and headers.
pub const CANARY: &str = "CANARY-SECRET-7f3a41c29b8e";

/// The statuses a target answers with (byte 0 of the input, modulo the length); the xtask that
/// seeds the corpus reads the same file.
pub const STATUSES: [u16; 20] = include!("statuses.rs");

/// Reads an answer (see the crate docs), carrying [`CANARY`] as the request's secret; `None` for
/// fewer than two bytes.
pub fn answer(data: &[u8]) -> Option<Answer<'_>> {
    let (&pick, rest) = data.split_first()?;
    let (&flags, body) = rest.split_first()?;
    let mut headers = HeaderMap::new();
    let head = &body[..body.len().min(24)];
    if flags & 1 != 0 {
        if let Ok(value) = HeaderValue::from_bytes(head) {
            headers.insert("retry-after", value);
        }
    }
    if flags & 2 != 0 {
        headers.insert("x-request-id", HeaderValue::from_static(CANARY));
    }
    if flags & 4 != 0 {
        if let Ok(value) = HeaderValue::from_bytes(head) {
            headers.insert("retry-after-ms", value);
        }
    }
    Some(Answer {
        status: STATUSES[usize::from(pick) % STATUSES.len()],
        headers,
        body,
        secret: CANARY,
        now: now(),
    })
}

/// A decode target: the answer in `data` through a provider's `decode_answer`; no error it
/// builds may show the request's secret.
pub fn decode_target(data: &[u8], decode: fn(&Answer<'_>) -> Vec<String>) {
    if let Some(answer) = answer(data) {
        assert_no_canary(&decode(&answer));
    }
}

/// A fixed "now" (2026-01-01T00:00:00Z): targets must not depend on the machine's clock.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default()
}

/// Panics (a crash for libFuzzer) when any text shows the canary.
pub fn assert_no_canary(texts: &[String]) {
    for text in texts {
        assert!(!text.contains(CANARY), "the canary secret leaked: {text}");
    }
}
