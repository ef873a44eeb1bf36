//! polar's webhook verifier (Standard Webhooks under both of Polar's key derivations): any id,
//! timestamp, signature list and body; never a panic; a signature under either key on a fresh
//! timestamp is accepted (the legacy one, which Polar's server sends), a stale one never; the event parser on every body.
#![no_main]

use arbitrary::Arbitrary;
use keyward_fuzz::now;
use keyward_polar::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};
use libfuzzer_sys::fuzz_target;

/// A `whsec_` secret whose base64 decodes: both derivations apply.
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    id: &'a str,
    offset: i32,
    raw_signature: Option<&'a str>,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let Ok(verifier) = WebhookVerifier::new(SECRET) else {
        return;
    };
    let now = now();
    let timestamp = now.timestamp().saturating_add(i64::from(input.offset));
    let valid = verifier.signature_for(input.id, timestamp, input.body);
    let signature = input.raw_signature.map_or(valid.clone(), str::to_owned);
    let stamp = timestamp.to_string();
    let headers = WebhookHeaders {
        id: input.id,
        timestamp: &stamp,
        signature: &signature,
    };
    let _ = WebhookEvent::parse(input.body);
    let verdict = verifier.check_at(&headers, input.body, now);
    let fresh = input.offset.unsigned_abs() <= 300;
    if fresh && signature.split_whitespace().any(|s| s == valid) {
        assert!(verdict.is_ok(), "a valid delivery was refused: {verdict:?}");
    }
    if verdict.is_ok() {
        assert!(fresh, "a stale delivery was accepted");
    }
    if let Err(e) = verifier.verify_event(&headers, input.body) {
        let _ = format!("{e} {e:?}");
    }
});
