//! lemonsqueezy's webhook signature check (`X-Signature`: hex HMAC-SHA256 of the body): any
//! header and body; never a panic; the valid signature (any case, surrounding spaces) is
//! accepted, any other refused; the event parser on every body.
#![no_main]

use arbitrary::Arbitrary;
use keyward_lemonsqueezy::webhooks::{
    WebhookEvent, WebhookSecret, sign, verify_and_parse, verify_signature,
};
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
enum Signature<'a> {
    Valid,
    Upper,
    Padded,
    Flipped(u8),
    Text(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    signature: Signature<'a>,
    body: &'a [u8],
}

fuzz_target!(|input: Input<'_>| {
    let Ok(secret) = WebhookSecret::new("ls-webhook-secret-CANARY") else {
        return;
    };
    let valid = sign(&secret, input.body);
    let header = match input.signature {
        Signature::Valid => valid.clone(),
        Signature::Upper => valid.to_ascii_uppercase(),
        Signature::Padded => format!("  {valid}\t"),
        Signature::Flipped(at) => {
            let mut s = valid.clone().into_bytes();
            let i = usize::from(at) % s.len();
            s[i] = if s[i] == b'0' { b'1' } else { b'0' };
            String::from_utf8(s).unwrap_or_default()
        }
        Signature::Text(t) => t.to_owned(),
    };
    let verdict = verify_signature(&secret, input.body, &header);
    let is_valid = header.trim().eq_ignore_ascii_case(&valid);
    assert_eq!(
        verdict.is_ok(),
        is_valid,
        "{header:?} vs {valid:?}: {verdict:?}"
    );
    if let Err(e) = verify_and_parse(&secret, input.body, &header) {
        let text = format!("{e} {e:?}");
        assert!(!text.contains("ls-webhook-secret-CANARY"), "{text}");
    }
    let _ = WebhookEvent::parse_unverified(input.body);
});
