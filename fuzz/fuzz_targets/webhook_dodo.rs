//! dodo's Standard Webhooks verifier: any headers (raw bytes through the header map, or id and
//! timestamp with a valid, corrupted or garbage signature list) and any body; never a panic, a
//! valid signature on a fresh timestamp is accepted, anything else refused; the event parser on
//! every body.
#![no_main]

use arbitrary::Arbitrary;
use keyward_dodo::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};
use http::{HeaderMap, HeaderValue};
use keyward_fuzz::now;
use libfuzzer_sys::fuzz_target;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Arbitrary, Debug)]
enum Signature<'a> {
    Valid,
    ValidAmong(&'a str, &'a str),
    Flipped(u8),
    Raw(&'a [u8]),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    id: &'a str,
    offset: i32,
    raw_timestamp: Option<&'a [u8]>,
    signature: Signature<'a>,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let Ok(verifier) = WebhookVerifier::new(SECRET) else {
        return;
    };
    let now = now();
    let timestamp = now.timestamp().saturating_add(i64::from(input.offset));
    let valid = verifier.signature_for(input.id, timestamp, input.body);
    let signature = match input.signature {
        Signature::Valid => valid.clone().into_bytes(),
        Signature::ValidAmong(a, b) => format!("{a} {valid} {b}").into_bytes(),
        Signature::Flipped(at) => {
            let mut s = valid.clone().into_bytes();
            let i = 3 + usize::from(at) % (s.len() - 3);
            s[i] = if s[i] == b'A' { b'B' } else { b'A' };
            s
        }
        Signature::Raw(raw) => raw.to_vec(),
    };
    let stamp = match input.raw_timestamp {
        Some(raw) => raw.to_vec(),
        None => timestamp.to_string().into_bytes(),
    };
    let mut map = HeaderMap::new();
    for (name, value) in [
        ("webhook-id", input.id.as_bytes()),
        ("webhook-timestamp", stamp.as_slice()),
        ("webhook-signature", signature.as_slice()),
    ] {
        if let Ok(value) = HeaderValue::from_bytes(value) {
            map.insert(name, value);
        }
    }
    let _ = WebhookEvent::parse(input.body);
    let Ok(headers) = WebhookHeaders::read(&map) else {
        return;
    };
    let verdict = verifier.check_at(&headers, input.body, now);
    let fresh = input.offset.unsigned_abs() <= 300;
    let exact =
        headers.id == input.id && headers.timestamp.as_bytes() == timestamp.to_string().as_bytes();
    let contains_valid = headers.signature.split_whitespace().any(|s| s == valid);
    if fresh && exact && contains_valid {
        assert!(verdict.is_ok(), "a valid delivery was refused: {verdict:?}");
    }
    if verdict.is_ok() {
        assert!(fresh, "a stale delivery was accepted");
    }
    let clocked = verifier.with_clock(std::sync::Arc::new(keyward_core::FixedClock::new(now)));
    if let Err(e) = clocked.verify_event(&headers, input.body) {
        let _ = format!("{e} {e:?}");
    }
});
