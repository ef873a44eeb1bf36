//! keygen: webhooks, signed as responses are but over the endpoint. Any body and headers: never
//! a panic; a body signed for the endpoint is read or refused as malformed, never as forged;
//! any other signature or endpoint is refused.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use chrono::Utc;
use http::{HeaderMap, HeaderValue};
use keyward_keygen::SigningKey;
use keyward_keygen::signatures::{SignedRequest, sign};
use keyward_keygen::webhooks::{WebhookEndpoint, verify_and_parse};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    body: &'a [u8],
    path: &'a str,
    genuine: bool,
    signature: &'a str,
}

fuzz_target!(|input: Input<'_>| {
    let Ok(key) = SigningKey::from_seed(&[3; 32]) else {
        return;
    };
    let Ok(endpoint) = WebhookEndpoint::new("https://example.com/keygen/hooks") else {
        return;
    };
    let now = Utc::now();
    let path = if input.genuine {
        "/keygen/hooks"
    } else {
        input.path
    };
    let parts = sign(
        &key,
        "account",
        &SignedRequest::new("post", path, "example.com"),
        now,
        input.body,
    );
    let mut headers = HeaderMap::new();
    let signature = if input.genuine {
        parts.signature.as_str()
    } else {
        input.signature
    };
    for (name, value) in [
        ("keygen-signature", signature),
        ("date", &parts.date),
        ("digest", &parts.digest),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    let verdict = verify_and_parse(
        &key.public_key(),
        &endpoint,
        &headers,
        input.body,
        now,
        Duration::from_secs(300),
    );
    match verdict {
        Err(e) if input.genuine => assert!(!e.is_signature(), "{e}"),
        Ok(_) if !input.genuine => assert!(path == "/keygen/hooks" && signature == parts.signature),
        _ => {}
    }
});
