//! creem's `creem-signature` check: any body and signature text; never a panic; the exact
//! signature is accepted, anything else refused; the event parser on every body.
#![no_main]

use keyward_creem::webhooks::{WebhookEvent, WebhookSecret};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &[u8])| {
    let (signature, body) = input;
    let Ok(secret) = WebhookSecret::new("whsec_test_secret_123") else {
        return;
    };
    let valid = secret.sign(body);
    assert!(secret.verify(body, &valid).is_ok(), "the exact signature was refused");
    let verdict = secret.verify(body, signature);
    if verdict.is_ok() {
        assert!(signature.trim().eq_ignore_ascii_case(&valid), "a wrong signature was accepted");
    }
    let _ = WebhookEvent::parse(body);
    if let Err(e) = secret.verify_event(body, signature) {
        let _ = format!("{e} {e:?}");
    }
});
