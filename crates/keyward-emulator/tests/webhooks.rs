//! Emulator webhooks: what each state change sends, signed headers, retries on non-2xx and on
//! connection errors, giving up, and a request handler that never waits for the receiver.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyward_emulator::dodo::{DodoEmulator, EntitlementSeed, GrantSeed, LicenseSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::{DeliveryState, WebhookDelivery, WebhookError, WebhookTarget};
use serde_json::{Value, json};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const DODO_SECRET: &str = "whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=";
const LEMON_SECRET: &str = "lemon-canary-secret-5d1e";
const WAIT: Duration = Duration::from_secs(10);

fn fast(url: String, secret: &str) -> WebhookTarget {
    WebhookTarget::new(url, secret)
        .attempts(3)
        .backoff(Duration::from_millis(20))
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, key);
    aws_lc_rs::hmac::sign(&key, message).as_ref().to_vec()
}

fn header<'a>(request: &'a Request, name: &str) -> &'a str {
    request.headers.get(name).unwrap().to_str().unwrap()
}

/// Checks a Standard Webhooks signature as a receiver would.
fn assert_dodo_signed(request: &Request) {
    let key = STANDARD
        .decode(DODO_SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let mut signed = format!(
        "{}.{}.",
        header(request, "webhook-id"),
        header(request, "webhook-timestamp")
    )
    .into_bytes();
    signed.extend_from_slice(&request.body);
    let expected = format!("v1,{}", STANDARD.encode(hmac(&key, &signed)));
    assert_eq!(header(request, "webhook-signature"), expected);
}

/// `POST /license_keys` (an import), expected to answer 201.
async fn create_key(dodo: &DodoEmulator, key: &str) {
    let created = reqwest::Client::new()
        .post(format!("{}/license_keys", dodo.uri()))
        .bearer_auth(dodo.api_key())
        .json(&json!({"key": key, "customer_id": "cus_1", "product_id": "pdt_1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
}

/// The `data.key` of each delivery's body, as JSON text.
fn delivered_keys(deliveries: &[WebhookDelivery]) -> Vec<String> {
    deliveries
        .iter()
        .map(|d| serde_json::from_slice::<Value>(&d.body).unwrap()["data"]["key"].to_string())
        .collect()
}

async fn receiver(first_status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(first_status))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn dodo_grant_life_sends_created_delivered_and_revoked_and_retries_a_500() {
    let hooks = receiver(500).await;
    let dodo = DodoEmulator::start().await;
    dodo.set_now("2026-06-11T10:00:00Z".parse().unwrap());
    dodo.set_webhooks(fast(format!("{}/hooks", hooks.uri()), DODO_SECRET))
        .unwrap();
    let entitlement =
        dodo.add_entitlement(EntitlementSeed::new("Pro").manual().activation_limit(2));
    let grant = dodo
        .add_grant(GrantSeed::new(&entitlement, "cus_ada"))
        .unwrap();
    let client = reqwest::Client::new();
    let delivered = client
        .post(format!("{}/grants/{grant}/license-key", dodo.uri()))
        .bearer_auth(dodo.api_key())
        .json(&json!({"key": "ENT-7F3K-9QXM-2WZR"}))
        .send()
        .await
        .unwrap();
    assert_eq!(delivered.status(), 200);
    let revoked = client
        .delete(format!(
            "{}/entitlements/{entitlement}/grants/{grant}",
            dodo.uri()
        ))
        .bearer_auth(dodo.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 200);

    let deliveries = dodo.wait_for_webhooks(4, WAIT).await;
    let kinds: Vec<&str> = deliveries.iter().map(|d| d.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "entitlement_grant.created",
            "license_key.created",
            "entitlement_grant.delivered",
            "entitlement_grant.revoked"
        ]
    );
    assert!(
        deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Delivered)
    );
    let first: Vec<Option<u16>> = deliveries[0].attempts.iter().map(|a| a.status).collect();
    assert_eq!(first, [Some(500), Some(200)], "a 500 is retried");
    assert_eq!(deliveries[0].attempts[0].at.timestamp(), 1_781_172_000);

    let received = hooks.received_requests().await.unwrap();
    assert_eq!(received.len(), 5);
    for request in &received {
        assert_eq!(request.url.path(), "/hooks");
        assert_eq!(header(request, "content-type"), "application/json");
        assert_eq!(header(request, "webhook-timestamp"), "1781172000");
        assert_dodo_signed(request);
    }
    assert_eq!(
        header(&received[0], "webhook-id"),
        header(&received[1], "webhook-id"),
        "a retry keeps the message id"
    );
    let bodies: Vec<Value> = received[1..]
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies[0]["data"]["status"], "Pending");
    assert_eq!(bodies[0]["business_id"], "bus_emulator");
    assert_eq!(bodies[0]["timestamp"], "2026-06-11T10:00:00.000000Z");
    assert_eq!(bodies[1]["data"]["payload_type"], "LicenseKey");
    assert_eq!(bodies[1]["data"]["key"], "ENT-7F3K-9QXM-2WZR");
    assert_eq!(bodies[2]["data"]["status"], "Delivered");
    assert_eq!(bodies[2]["data"]["license_key"]["activations_limit"], 2);
    assert_eq!(bodies[3]["data"]["status"], "Revoked");
    assert_eq!(bodies[3]["data"]["license_key"]["status"], "disabled");
}

#[tokio::test]
async fn dodo_sends_license_key_created_for_api_and_seeded_keys_only_while_a_target_is_set() {
    let hooks = receiver(200).await;
    let dodo = DodoEmulator::start().await;
    dodo.add_license(LicenseSeed::new("BEFORE-TARGET"));
    dodo.set_webhooks(fast(hooks.uri(), DODO_SECRET)).unwrap();
    dodo.add_license(LicenseSeed::new("SEEDED-KEY"));
    dodo.add_license(LicenseSeed::new("SEEDED-KEY"));
    create_key(&dodo, "API-KEY").await;
    let deliveries = dodo.wait_for_webhooks(2, WAIT).await;
    let keys = delivered_keys(&deliveries);
    assert_eq!(
        keys,
        ["\"SEEDED-KEY\"", "\"API-KEY\""],
        "no event for a known key"
    );
    dodo.stop_webhooks();
    dodo.add_license(LicenseSeed::new("AFTER-STOP"));
    assert_eq!(dodo.webhook_deliveries().len(), 2);
}

#[tokio::test]
async fn a_reset_keeps_the_target_and_sends_only_changes_made_after_it() {
    let hooks = receiver(200).await;
    let dodo = DodoEmulator::start().await;
    dodo.mark_seed();
    dodo.set_webhooks(fast(hooks.uri(), DODO_SECRET)).unwrap();
    create_key(&dodo, "BEFORE-RESET").await;
    dodo.wait_for_webhooks(1, WAIT).await;
    dodo.reset();
    create_key(&dodo, "AFTER-RESET").await;
    let deliveries = dodo.wait_for_webhooks(2, WAIT).await;
    let keys = delivered_keys(&deliveries);
    assert_eq!(keys, ["\"BEFORE-RESET\"", "\"AFTER-RESET\""]);
}

#[tokio::test]
async fn lemonsqueezy_sends_created_and_updated_signed_with_x_signature() {
    let hooks = receiver(200).await;
    let lemon = LemonSqueezyEmulator::start().await;
    lemon.set_webhooks(fast(hooks.uri(), LEMON_SECRET)).unwrap();
    let id = lemon.add_license(LemonSeed::new("LEMON-KEY-0001").activation_limit(2));
    let activated = reqwest::Client::new()
        .post(format!("{}/v1/licenses/activate", lemon.uri()))
        .form(&[
            ("license_key", "LEMON-KEY-0001"),
            ("instance_name", "laptop"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(activated.status(), 200);
    lemon.set_disabled(id, true);
    lemon.set_disabled(id, false);

    let deliveries = lemon.wait_for_webhooks(4, WAIT).await;
    assert_eq!(deliveries.len(), 4);
    let received = hooks.received_requests().await.unwrap();
    let names: Vec<&str> = received.iter().map(|r| header(r, "x-event-name")).collect();
    assert_eq!(
        names,
        [
            "license_key_created",
            "license_key_updated",
            "license_key_updated",
            "license_key_updated"
        ]
    );
    let statuses = ["inactive", "active", "disabled", "active"];
    for (request, status) in received.iter().zip(statuses) {
        let signature = hex::encode(hmac(LEMON_SECRET.as_bytes(), &request.body));
        assert_eq!(header(request, "x-signature"), signature);
        let text = std::str::from_utf8(&request.body).unwrap();
        assert!(text.contains(r"http:\/\/127.0.0.1"), "PHP-escaped: {text}");
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        assert_eq!(body["meta"]["event_name"], header(request, "x-event-name"));
        assert_eq!(body["data"]["type"], "license-keys");
        assert_eq!(body["data"]["id"], id.to_string());
        assert_eq!(body["data"]["attributes"]["status"], status);
    }
    let created: Value = serde_json::from_slice(&received[0].body).unwrap();
    assert_eq!(
        created["data"]["attributes"]["instances_count"],
        Value::Null
    );
    let updated: Value = serde_json::from_slice(&received[1].body).unwrap();
    assert_eq!(updated["data"]["attributes"]["instances_count"], 1);
}

#[tokio::test]
async fn an_unreachable_receiver_is_retried_then_given_up_without_blocking_requests() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", closed.local_addr().unwrap());
    drop(closed);
    let dodo = DodoEmulator::start().await;
    dodo.set_webhooks(
        WebhookTarget::new(url, DODO_SECRET)
            .attempts(2)
            .backoff(Duration::from_millis(10)),
    )
    .unwrap();
    dodo.add_license(LicenseSeed::new("NOBODY-LISTENS"));
    let deliveries = dodo.wait_for_webhooks(1, WAIT).await;
    assert_eq!(deliveries[0].state, DeliveryState::GaveUp);
    assert_eq!(deliveries[0].attempts.len(), 2);
    assert!(deliveries[0].attempts.iter().all(|a| a.status.is_none()));
    assert!(
        deliveries[0].attempts[0]
            .error
            .as_deref()
            .unwrap()
            .contains("connect")
    );

    // A receiver that takes seconds to answer does not slow the emulator's answers.
    let slow = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(2)))
        .mount(&slow)
        .await;
    dodo.set_webhooks(WebhookTarget::new(slow.uri(), DODO_SECRET))
        .unwrap();
    let started = Instant::now();
    create_key(&dodo, "FAST").await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let deliveries = dodo.wait_for_webhooks(2, WAIT).await;
    assert_eq!(deliveries[1].state, DeliveryState::Delivered);
}

#[tokio::test]
async fn targets_are_checked_and_never_show_the_secret() {
    let dodo = DodoEmulator::start().await;
    assert_eq!(
        dodo.set_webhooks(WebhookTarget::new("http://127.0.0.1:9/", "not base64 !")),
        Err(WebhookError::Secret("is not `whsec_` followed by base64"))
    );
    assert_eq!(
        dodo.set_webhooks(WebhookTarget::new("ftp://127.0.0.1/", DODO_SECRET)),
        Err(WebhookError::Url)
    );
    let lemon = LemonSqueezyEmulator::start().await;
    assert!(
        lemon
            .set_webhooks(WebhookTarget::new("http://127.0.0.1:9/", ""))
            .is_err()
    );
    let target = WebhookTarget::new("http://127.0.0.1:9/", LEMON_SECRET);
    assert!(!format!("{target:?}").contains(LEMON_SECRET));
    lemon.set_webhooks(target.attempts(1)).unwrap();
    lemon.add_license(LemonSeed::new("CANARY-LICENSE-KEY-7f3a"));
    let deliveries = lemon.wait_for_webhooks(1, WAIT).await;
    let debug = format!("{deliveries:?} {lemon:?}");
    assert!(!debug.contains(LEMON_SECRET), "{debug}");
    assert!(!debug.contains("CANARY-LICENSE-KEY-7f3a"), "{debug}");
}
