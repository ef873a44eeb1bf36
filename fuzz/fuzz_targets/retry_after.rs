//! keyward-http's `Retry-After` / `retry-after-ms` parsing (seconds, fractions, HTTP dates) at
//! any "now": never a panic, and a delay is only ever a readable `Duration`.
#![no_main]

use arbitrary::Arbitrary;
use chrono::DateTime;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    now: i64,
    retry_after: Option<&'a [u8]>,
    retry_after_ms: Option<&'a [u8]>,
}

fuzz_target!(|input: Input<'_>| {
    let Some(now) = DateTime::from_timestamp(input.now % 253_402_300_799, 0) else {
        return;
    };
    let mut headers = HeaderMap::new();
    for (name, value) in [
        ("retry-after", input.retry_after),
        ("retry-after-ms", input.retry_after_ms),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_bytes(v).ok()) {
            headers.insert(name, value);
        }
    }
    let _ = keyward_http::retry_after(&headers, now);
});
