//! End to end, offline: a Dodo and a Lemon Squeezy emulator POST signed webhooks to a small HTTP
//! handler on loopback, which turns them into `LicenseEvent`s through the facade's
//! verify-and-parse call and answers with the status it would give the provider.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(all(feature = "dodo", feature = "lemonsqueezy"))]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use keyward::events::{
    DodoEvents, EventKind, EventRejection, LemonSqueezyEvents, LicenseEvent, Webhooks,
};
use keyward::{FixedClock, LicenseStatus, Provider};
use keyward_core::SecretLicenseKey;
use keyward_dodo::DeliverLicenseKey;
use keyward_emulator::dodo::{DodoEmulator, EntitlementSeed, GrantSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use keyward_emulator::{DeliveryState, Emulator, SendsWebhooks, WebhookDelivery, WebhookTarget};
use keyward_test_support::read_request_with_body;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;

const DODO_SECRET: &str = "whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=";
const OTHER_DODO_SECRET: &str = "whsec_b3RoZXItc2VjcmV0LW9mLWFub3RoZXItZW5kcG9pbnQ=";
const LEMON_SECRET: &str = "lemon-test-signing-secret";
const WAIT: Duration = Duration::from_secs(10);

type Verify = Box<
    dyn Fn(http::HeaderMap, Vec<u8>) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync,
>;
type Outcome = Result<LicenseEvent, EventRejection>;

/// The user's webhook handler: answers 500 to its first `fail_first` requests (as a handler
/// whose database is down would), then verifies and keeps every outcome.
struct Handler {
    verify: Verify,
    fail_first: AtomicUsize,
    outcomes: Mutex<Vec<Outcome>>,
}

impl Handler {
    async fn handle(&self, headers: http::HeaderMap, body: Vec<u8>) -> u16 {
        let failing = self
            .fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        if failing.is_ok() {
            return 500;
        }
        let outcome = (self.verify)(headers, body).await;
        let status = match &outcome {
            Ok(_) => 200,
            Err(rejection) => rejection.http_status(),
        };
        self.outcomes.lock().unwrap().push(outcome);
        status
    }

    fn events(&self) -> Vec<LicenseEvent> {
        let outcomes = self.outcomes.lock().unwrap();
        outcomes
            .iter()
            .map(|o| o.as_ref().unwrap().clone())
            .collect()
    }
}

/// Serves `handler` over HTTP/1.1 on a loopback port; returns the URL.
async fn serve(handler: Arc<Handler>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let handler = Arc::clone(&handler);
            tokio::spawn(async move {
                let Some((headers, body)) = read_request(&mut stream).await else {
                    return;
                };
                let status = handler.handle(headers, body).await;
                let answer = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

/// Reads one request: its headers and its body (by `content-length`).
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(http::HeaderMap, Vec<u8>)> {
    let (head, body) = read_request_with_body(stream, &mut Vec::new()).await?;
    let mut headers = http::HeaderMap::new();
    for line in head.lines().skip(1).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers.append(
            http::HeaderName::from_bytes(name.trim().as_bytes()).ok()?,
            http::HeaderValue::from_str(value.trim()).ok()?,
        );
    }
    Some((headers, body))
}

/// A handler whose verify-and-parse call is `verify`.
fn handler(verify: Verify, fail_first: usize) -> Arc<Handler> {
    Arc::new(Handler {
        verify,
        fail_first: AtomicUsize::new(fail_first),
        outcomes: Mutex::new(Vec::new()),
    })
}

fn dodo_handler(secret: &str, now: DateTime<Utc>, fail_first: usize) -> Arc<Handler> {
    let events = DodoEvents::builder(secret)
        .clock(Arc::new(FixedClock::new(now)))
        .build()
        .unwrap();
    handler(verify_and_acknowledge(events), fail_first)
}

/// Verifies, and acknowledges what the handler keeps.
fn verify_and_acknowledge<W: Webhooks + Clone + 'static>(events: W) -> Verify {
    Box::new(move |headers, body| {
        let events = events.clone();
        Box::pin(async move {
            let outcome = events.verify(&headers, &body).await;
            if let Ok(event) = &outcome {
                events.acknowledge(event).await.unwrap();
            }
            outcome
        })
    })
}

fn lemon_handler(secret: &str, fail_first: usize) -> Arc<Handler> {
    let events = LemonSqueezyEvents::new(secret).unwrap();
    handler(verify_and_acknowledge(events), fail_first)
}

fn target(url: String, secret: &str) -> WebhookTarget {
    WebhookTarget::new(url, secret)
        .attempts(3)
        .backoff(Duration::from_millis(20))
}

fn statuses(delivery: &WebhookDelivery) -> Vec<Option<u16>> {
    delivery.attempts.iter().map(|a| a.status).collect()
}

/// Waits for `count` deliveries, checks each arrived and the first after a retry (the handler
/// answered 500 first), and returns them with the handler's events.
async fn delivered_after_a_retry<P: SendsWebhooks>(
    emulator: &Emulator<P>,
    handler: &Handler,
    count: usize,
) -> (Vec<WebhookDelivery>, Vec<LicenseEvent>) {
    let deliveries = emulator.wait_for_webhooks(count, WAIT).await;
    assert_eq!(deliveries.len(), count);
    assert!(
        deliveries
            .iter()
            .all(|d| d.state == DeliveryState::Delivered)
    );
    assert_eq!(statuses(&deliveries[0]), [Some(500), Some(200)], "retried");
    (deliveries, handler.events())
}

fn kinds(events: &[LicenseEvent]) -> Vec<(EventKind, &str)> {
    events
        .iter()
        .map(|e| (e.kind, e.event_type.as_str()))
        .collect()
}

fn key(event: &LicenseEvent) -> Option<&str> {
    event.license.as_ref()?.key.as_ref().map(|k| k.expose())
}

#[tokio::test]
async fn dodo_grant_events_reach_the_handler_as_license_events_after_a_retry() {
    let now: DateTime<Utc> = "2026-06-11T10:00:00Z".parse().unwrap();
    let handler = dodo_handler(DODO_SECRET, now + chrono::Duration::seconds(30), 1);
    let dodo = DodoEmulator::start().await;
    dodo.set_now(now);
    dodo.set_webhooks(target(serve(Arc::clone(&handler)).await, DODO_SECRET))
        .unwrap();
    let entitlement =
        dodo.add_entitlement(EntitlementSeed::new("Pro").manual().activation_limit(3));
    let grant = dodo
        .add_grant(GrantSeed::new(&entitlement, "cus_ada"))
        .unwrap();
    let api = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .api_key(dodo.api_key())
        .build()
        .unwrap();
    let delivered = DeliverLicenseKey::new(SecretLicenseKey::new("ENT-E2E-0001"));
    api.grants()
        .deliver_license_key(&grant, &delivered)
        .await
        .unwrap();
    api.entitlements()
        .revoke_grant(&entitlement, &grant)
        .await
        .unwrap();

    let (deliveries, events) = delivered_after_a_retry(&dodo, &handler, 4).await;
    assert_eq!(
        kinds(&events),
        [
            (EventKind::Created, "entitlement_grant.created"),
            (EventKind::Created, "license_key.created"),
            (EventKind::Delivered, "entitlement_grant.delivered"),
            (EventKind::Revoked, "entitlement_grant.revoked"),
        ]
    );
    assert!(events.iter().all(|e| e.provider == Provider::Dodo));
    assert!(events.iter().all(|e| e.occurred_at == Some(now)));
    assert!(
        events
            .iter()
            .all(|e| e.customer_id.as_deref() == Some("cus_ada"))
    );
    assert_eq!(events[0].grant_id.as_deref(), Some(grant.as_str()));
    assert!(events[0].license.is_none(), "a pending grant has no key");
    assert_eq!(key(&events[1]), Some("ENT-E2E-0001"));
    assert_eq!(key(&events[2]), Some("ENT-E2E-0001"));
    let delivered = events[2].license.as_ref().unwrap();
    assert_eq!(delivered.status, LicenseStatus::Active);
    assert_eq!(delivered.activation_limit, Some(3));
    assert_eq!(events[3].grant_id.as_deref(), Some(grant.as_str()));
    assert_eq!(
        events[3].license.as_ref().unwrap().status,
        LicenseStatus::Disabled
    );
    let ids: Vec<&str> = deliveries.iter().map(|d| d.id.as_str()).collect();
    let delivery_ids: Vec<&str> = events.iter().map(|e| e.delivery_id.as_str()).collect();
    assert_eq!(delivery_ids, ids, "webhook-id is the delivery id");
}

#[tokio::test]
async fn a_failed_dodo_grant_reaches_the_handler_with_its_error() {
    let now: DateTime<Utc> = "2026-06-11T10:00:00Z".parse().unwrap();
    let handler = dodo_handler(DODO_SECRET, now, 0);
    let dodo = DodoEmulator::start().await;
    dodo.set_now(now);
    dodo.set_webhooks(target(serve(Arc::clone(&handler)).await, DODO_SECRET))
        .unwrap();
    let entitlement = dodo.add_entitlement(EntitlementSeed::new("Pro").manual());
    let grant = dodo
        .add_grant(GrantSeed::new(&entitlement, "cus_ada"))
        .unwrap();
    dodo.fail_grant(&grant, "DELIVERY_FAILED", "The key could not be issued")
        .unwrap();

    let deliveries = dodo.wait_for_webhooks(2, Duration::from_secs(10)).await;
    assert_eq!(deliveries.len(), 2);
    let events = handler.events();
    assert_eq!(
        kinds(&events),
        [
            (EventKind::Created, "entitlement_grant.created"),
            (EventKind::Failed, "entitlement_grant.failed"),
        ]
    );
    let failed = &events[1];
    assert_eq!(failed.grant_id.as_deref(), Some(grant.as_str()));
    assert_eq!(failed.error_code.as_deref(), Some("DELIVERY_FAILED"));
    assert_eq!(
        failed.reason.as_deref(),
        Some("The key could not be issued")
    );
    assert!(failed.license.is_none(), "a failed grant has no key");
}

#[tokio::test]
async fn lemonsqueezy_key_events_reach_the_handler_as_license_events_after_a_retry() {
    let handler = lemon_handler(LEMON_SECRET, 1);
    let lemon = LemonSqueezyEmulator::start().await;
    lemon
        .set_webhooks(target(serve(Arc::clone(&handler)).await, LEMON_SECRET))
        .unwrap();
    let id = lemon.add_license(LicenseSeed::new("LEMON-E2E-0001").activation_limit(2));
    let api = keyward_lemonsqueezy::Client::builder()
        .base_url(lemon.uri())
        .api_key(lemon.api_key())
        .build()
        .unwrap();
    let answer = api
        .licenses()
        .activate(&SecretLicenseKey::new("LEMON-E2E-0001"), "laptop")
        .await
        .unwrap();
    assert!(answer.instance_id().is_some());
    lemon.set_disabled(id, true);

    let (_, events) = delivered_after_a_retry(&lemon, &handler, 3).await;
    assert_eq!(
        kinds(&events),
        [
            (EventKind::Created, "license_key_created"),
            (EventKind::Updated, "license_key_updated"),
            (EventKind::Suspended, "license_key_updated"),
        ]
    );
    for event in &events {
        assert_eq!(event.provider, Provider::LemonSqueezy);
        assert_eq!(key(event), Some("LEMON-E2E-0001"));
        assert_eq!(event.license.as_ref().unwrap().id, id.to_string());
    }
    let status = |i: usize| events[i].license.as_ref().unwrap().status.clone();
    assert_eq!(status(0), LicenseStatus::Inactive);
    assert_eq!(status(1), LicenseStatus::Active);
    assert_eq!(status(2), LicenseStatus::Disabled);
    assert_eq!(events[1].license.as_ref().unwrap().activations, Some(1));
}

#[tokio::test]
async fn a_wrong_secret_is_a_typed_signature_rejection_and_the_provider_retries() {
    let now: DateTime<Utc> = "2026-06-11T10:00:00Z".parse().unwrap();
    let dodo_receiver = dodo_handler(OTHER_DODO_SECRET, now, 0);
    let dodo = DodoEmulator::start().await;
    dodo.set_now(now);
    dodo.set_webhooks(target(serve(Arc::clone(&dodo_receiver)).await, DODO_SECRET))
        .unwrap();
    let entitlement = dodo.add_entitlement(EntitlementSeed::new("Pro").manual());
    dodo.add_grant(GrantSeed::new(&entitlement, "cus_ada"))
        .unwrap();

    let lemon_receiver = lemon_handler("another-signing-secret", 0);
    let lemon = LemonSqueezyEmulator::start().await;
    lemon
        .set_webhooks(target(
            serve(Arc::clone(&lemon_receiver)).await,
            LEMON_SECRET,
        ))
        .unwrap();
    lemon.add_license(LicenseSeed::new("LEMON-E2E-0002"));

    for (deliveries, receiver) in [
        (dodo.wait_for_webhooks(1, WAIT).await, &dodo_receiver),
        (lemon.wait_for_webhooks(1, WAIT).await, &lemon_receiver),
    ] {
        assert_eq!(deliveries[0].state, DeliveryState::GaveUp);
        assert_eq!(statuses(&deliveries[0]), [Some(401); 3], "401 is retried");
        let outcomes = receiver.outcomes.lock().unwrap();
        assert_eq!(outcomes.len(), 3);
        for outcome in outcomes.iter() {
            assert!(
                matches!(outcome, Err(EventRejection::BadSignature)),
                "{outcome:?}"
            );
        }
    }
}
