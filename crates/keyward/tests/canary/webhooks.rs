//! Both webhook verifiers, and the facade's event readers over them, with canary secrets and
//! the canary license key in the delivered body: good and bad signatures, stale and replayed
//! deliveries, every verifier, event and rejection shown. And DevPayr's injectable secret, the
//! other shared secret a client verifies and decrypts with.

use std::sync::Arc;

use chrono::DateTime;
use keyward::events::{DodoEvents, LemonSqueezyEvents, Webhooks};
use keyward_core::FixedClock;
use keyward_dodo::webhooks::{WebhookHeaders, WebhookVerifier};
use keyward_lemonsqueezy::webhooks::{WebhookSecret, sign, verify_and_parse, verify_signature};

use crate::check::{
    DODO_WEBHOOK_SECRET, INJECTABLE_SECRET, LEMON_WEBHOOK_SECRET, LICENSE_KEY, Shown,
};

const NOW: i64 = 1_781_172_030;

fn fixture(provider: &str, name: &str, key: &str) -> Vec<u8> {
    let path = format!(
        "{}/../../fixtures/{provider}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(text.contains(key), "{path} holds {key}");
    text.replace(key, LICENSE_KEY).into_bytes()
}

fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        let value = http::HeaderValue::from_str(value).unwrap_or_else(|e| panic!("{e}"));
        map.insert(*name, value);
    }
    map
}

fn clock(secs: i64) -> Arc<FixedClock> {
    let at = DateTime::from_timestamp(secs, 0).unwrap_or_else(|| panic!("{secs}"));
    Arc::new(FixedClock::new(at))
}

/// Returns the number of deliveries checked.
pub(crate) async fn all(shown: &Shown) -> usize {
    dodo(shown).await + lemon(shown).await + injectables(shown) + stores(shown).await
}

/// The receivers' builders, and the Redis delivery store's with a canary password in its URL:
/// its `Debug`, and its error when nothing listens there.
async fn stores(shown: &Shown) -> usize {
    shown.debug(
        "dodo events builder",
        &DodoEvents::builder(DODO_WEBHOOK_SECRET),
    );
    let lemon = LemonSqueezyEvents::builder(LEMON_WEBHOOK_SECRET);
    shown.debug("lemonsqueezy events builder", &lemon);
    #[cfg(feature = "redis")]
    {
        let url = format!("redis://:{LEMON_WEBHOOK_SECRET}@127.0.0.1:1/");
        let store = keyward::events::RedisDeliveryStore::builder(&url);
        shown.debug("redis store builder", &store);
        shown.result("redis store connect", &store.connect().await);
    }
    4
}

fn injectables(shown: &Shown) -> usize {
    use keyward_devpayr::crypto::{decrypt, sign, verify_signature};
    let secret =
        keyward_devpayr::InjectableSecret::new(INJECTABLE_SECRET).unwrap_or_else(|e| panic!("{e}"));
    shown.debug("devpayr injectable secret", &secret);
    let ciphertext = "aXYxMjM0NTY3ODkwMTIzNDU2Ojpib2R5";
    let signature = sign(ciphertext, &secret);
    let bad = signature.replace(|c: char| c.is_ascii_digit(), "0");
    for (i, signature) in [signature.as_str(), &bad, "not hex", INJECTABLE_SECRET]
        .iter()
        .enumerate()
    {
        let checked = verify_signature(ciphertext, signature, &secret);
        shown.result(&format!("devpayr injectable signature {i}"), &checked);
    }
    for (i, text) in [ciphertext, "not base64 ~~", INJECTABLE_SECRET]
        .iter()
        .enumerate()
    {
        shown.result(&format!("devpayr decrypt {i}"), &decrypt(text, &secret));
    }
    7
}

async fn dodo(shown: &Shown) -> usize {
    let body = fixture(
        "dodo",
        "webhook.entitlement_grant.delivered.json",
        "ENT-7F3K-9QXM-2WZR",
    );
    let verifier = WebhookVerifier::new(DODO_WEBHOOK_SECRET)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_clock(clock(NOW));
    shown.debug("dodo webhook verifier", &verifier);
    shown.result(
        "dodo bad secret",
        &WebhookVerifier::new(&DODO_WEBHOOK_SECRET[6..]),
    );
    let signature = verifier.signature_for("msg_1", NOW - 5, &body);
    let sent = (NOW - 5).to_string();
    let good = headers(&[
        ("webhook-id", "msg_1"),
        ("webhook-timestamp", &sent),
        ("webhook-signature", &signature),
    ]);
    let bad_signature = signature.replace(|c: char| c.is_ascii_digit(), "0");
    let stale = (NOW - 100_000).to_string();
    let deliveries = [
        good.clone(),
        headers(&[
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", &sent),
            ("webhook-signature", &bad_signature),
        ]),
        headers(&[
            ("webhook-id", "msg_1"),
            ("webhook-timestamp", &stale),
            ("webhook-signature", &signature),
        ]),
        headers(&[("webhook-id", "msg_1")]),
    ];
    for (i, delivery) in deliveries.iter().enumerate() {
        let read = WebhookHeaders::from_header_map(delivery);
        shown.result(&format!("dodo webhook headers {i}"), &read);
        if let Ok(read) = &read {
            shown.result(&format!("dodo verify {i}"), &verifier.verify(read, &body));
            let tampered = [&body[..], b" "].concat();
            shown.result(
                &format!("dodo tampered {i}"),
                &verifier.verify(read, &tampered),
            );
        }
    }
    shown.result(
        "dodo event",
        &keyward_dodo::webhooks::WebhookEvent::parse(&body),
    );

    let events = DodoEvents::builder(DODO_WEBHOOK_SECRET)
        .clock(clock(NOW))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    shown.debug("dodo events", &events);
    let event = events.verify(&good, &body).await;
    assert!(event.is_ok(), "a good delivery is taken: {:?}", event.err());
    shown.result("dodo delivery", &event);
    if let Ok(event) = &event {
        shown.result("dodo acknowledge", &events.acknowledge(event).await);
    }
    shown.result("dodo replay", &events.verify(&good, &body).await);
    for (i, delivery) in deliveries.iter().enumerate().skip(1) {
        shown.result(
            &format!("dodo delivery {i}"),
            &events.verify(delivery, &body).await,
        );
    }
    deliveries.len() * 3 + 2 + deliveries.len() + 1
}

async fn lemon(shown: &Shown) -> usize {
    let body = fixture(
        "lemonsqueezy",
        "webhooks.license_key_created.json",
        "7A5472DB-C5B9-459E-9F6D-FAE467F0B28E",
    );
    let secret = WebhookSecret::new(LEMON_WEBHOOK_SECRET).unwrap_or_else(|e| panic!("{e}"));
    shown.debug("lemonsqueezy webhook secret", &secret);
    let signature = sign(&secret, &body);
    let bad = signature.replace(|c: char| c.is_ascii_digit(), "0");
    for (i, signature) in [signature.as_str(), &bad, "", "zz"].iter().enumerate() {
        let checked = verify_signature(&secret, &body, signature);
        shown.result(&format!("lemonsqueezy signature {i}"), &checked);
        let parsed = verify_and_parse(&secret, &body, signature);
        shown.result(&format!("lemonsqueezy parse {i}"), &parsed);
    }
    let events = LemonSqueezyEvents::builder(LEMON_WEBHOOK_SECRET)
        .clock(clock(NOW))
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    shown.debug("lemonsqueezy events", &events);
    let good = headers(&[("x-signature", &signature)]);
    let event = events.verify(&good, &body).await;
    assert!(event.is_ok(), "a good delivery is taken: {:?}", event.err());
    shown.result("lemonsqueezy delivery", &event);
    if let Ok(event) = &event {
        shown.result("lemonsqueezy acknowledge", &events.acknowledge(event).await);
    }
    shown.result("lemonsqueezy replay", &events.verify(&good, &body).await);
    let forged = headers(&[("x-signature", &bad)]);
    shown.result("lemonsqueezy forged", &events.verify(&forged, &body).await);
    let missing = http::HeaderMap::new();
    shown.result(
        "lemonsqueezy unsigned",
        &events.verify(&missing, &body).await,
    );
    12
}
