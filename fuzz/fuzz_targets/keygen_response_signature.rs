//! keygen: response signatures (`Keygen-Signature` over request target, host, date, digest).
//! Any request, body, date and one change to what was signed: never a panic; accepted exactly
//! when nothing changed and the signed date is within the drift; no error shows the body.
#![no_main]

use std::time::Duration;

use arbitrary::Arbitrary;
use chrono::{TimeDelta, Utc};
use keyward_keygen::SigningKey;
use keyward_keygen::signatures::{SignatureHeaders, SignedRequest, sign, verify};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Change<'a> {
    None,
    Body(u16),
    Target(&'a str),
    Host(&'a str),
    Digest,
    Signature(u8),
    Missing,
    Header(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    method: bool,
    target: &'a str,
    host: &'a str,
    offset_secs: i16,
    body: &'a [u8],
    change: Change<'a>,
}

fuzz_target!(|input: Input<'_>| {
    let Ok(key) = SigningKey::from_seed(&[7; 32]) else {
        return;
    };
    let method = if input.method { "post" } else { "get" };
    let signed = SignedRequest::new(method, input.target, input.host);
    let now = Utc::now();
    let at = now + TimeDelta::seconds(i64::from(input.offset_secs));
    let parts = sign(&key, "account", &signed, at, input.body);
    let mut body = input.body.to_vec();
    let mut request = signed.clone();
    let mut signature = parts.signature.clone();
    let mut digest = parts.digest.clone();
    let changed = match input.change {
        Change::None => false,
        Change::Body(at) if !body.is_empty() => {
            let i = usize::from(at) % body.len();
            body[i] ^= 1;
            true
        }
        Change::Body(_) => {
            body.push(b' ');
            true
        }
        Change::Target(t) => {
            request = SignedRequest::new(method, t, input.host);
            request != signed
        }
        Change::Host(h) => {
            request = SignedRequest::new(method, input.target, h);
            request != signed
        }
        Change::Digest => {
            digest.push('=');
            true
        }
        Change::Signature(at) => {
            let mut bytes = signature.into_bytes();
            let start = bytes.iter().position(|b| *b == b'=').unwrap_or(0) + 30;
            let i = start + usize::from(at) % 40;
            if let Some(b) = bytes.get_mut(i) {
                *b = if *b == b'A' { b'B' } else { b'A' };
            }
            signature = String::from_utf8(bytes).unwrap_or_default();
            signature != parts.signature
        }
        Change::Missing => {
            signature.clear();
            true
        }
        Change::Header(text) => {
            signature = text.to_owned();
            signature != parts.signature
        }
    };
    let headers = SignatureHeaders {
        signature: Some(signature.as_str()),
        date: Some(parts.date.as_str()),
        digest: Some(digest.as_str()),
    };
    let verdict = verify(
        &key.public_key(),
        &request,
        headers,
        &body,
        now,
        Duration::from_secs(300),
    );
    let fresh = input.offset_secs.unsigned_abs() <= 298;
    let stale = input.offset_secs.unsigned_abs() >= 302;
    if changed || stale {
        assert!(verdict.is_err(), "{:?} accepted", input.change);
    } else if fresh {
        assert!(verdict.is_ok(), "{verdict:?}");
    }
    if let Err(e) = verdict {
        assert!(e.is_signature(), "{e}");
    }
});
