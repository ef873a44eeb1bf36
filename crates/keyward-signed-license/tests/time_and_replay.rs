//! Outside timestamps at the edges of time, and the replay rule under concurrent honest callers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::Duration;
use common::*;
use keyward_core::{FixedClock, SecretLicenseKey};
use keyward_signed_license::{
    Call, Expected, KeyScope, Policy, Verifier, VerifyError, Watermark, is_replay, offline,
};

const TS: i64 = 1_764_000_000;

fn valid_json(ts: i64) -> String {
    format!(r#"{{"code":200,"message":"Valid license key","timestamp":{ts}}}"#)
}

#[test]
fn a_timestamp_at_the_edge_of_time_never_panics_offline() {
    let key = signing_key("product-2048");
    let keys = test_keys();
    for ts in [
        TS + 9_300_000_000_000_000,
        i64::MAX,
        i64::MIN,
        TS - 9_300_000_000_000_000,
        -1,
        0,
    ] {
        let body = envelope(&key, &valid_json(ts), "product");
        let result = offline::verify_offline(
            body.as_bytes(),
            &keys,
            KeyScope::ProductOnly,
            Duration::days(7),
            Duration::seconds(60),
            at(TS),
            None,
        );
        match result {
            // Far ahead of the clock: reported as a set-back clock, never a panic.
            Ok(check) => {
                assert!(ts > TS, "{ts}");
                assert!(check.clock_tampered, "{ts}");
                assert!(check.age < Duration::zero(), "{ts}");
            }
            Err(e) => assert!(matches!(e, VerifyError::Stale { .. }), "{ts}: {e}"),
        }
    }
}

#[test]
fn check_saved_survives_a_far_future_envelope() {
    let key = signing_key("product-2048");
    let dir = std::env::temp_dir().join(format!("signed-license-edge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("far-future.json");
    let body = envelope(&key, &valid_json(TS + 9_300_000_000_000_000), "product");
    std::fs::write(&path, body).unwrap();
    let verifier =
        Verifier::new(test_keys(), Policy::new()).with_clock(Arc::new(FixedClock::new(at(TS))));
    let check = verifier.check_saved(&path, Duration::days(7)).unwrap();
    assert!(check.clock_tampered);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_replay_rule_as_a_table() {
    // (newest accepted when the request was sent, the answer's timestamp, replay?)
    let table = [
        (None, TS, false),
        (Some(TS), TS, false),
        (Some(TS), TS + 1, false),
        (Some(TS + 1), TS, true),
        (Some(TS + 300), TS, true),
        (Some(i64::MAX), i64::MIN, true),
        (Some(i64::MIN), i64::MAX, false),
    ];
    for (mark, timestamp, replay) in table {
        assert_eq!(
            is_replay(Watermark(mark), timestamp),
            replay,
            "{mark:?} {timestamp}"
        );
    }
}

fn guarded(license: &SecretLicenseKey) -> Call<'_> {
    Call {
        operation: "verify",
        license_call: true,
        replay_guard: true,
        expected: Expected {
            license_key: Some(license),
            identifier: Some("host"),
            product_id: None,
        },
    }
}

/// Two calls in flight together straddle a second boundary and finish out of order: both are
/// honest. A call sent after the newer answer was accepted and answered with the older one is a
/// rollback.
#[test]
fn concurrent_answers_finishing_out_of_order_are_not_replays() {
    let key = signing_key("product-2048");
    let verifier =
        Verifier::new(test_keys(), Policy::new()).with_clock(Arc::new(FixedClock::new(at(TS + 2))));
    let license = SecretLicenseKey::new("LK-CONCURRENT-1");
    let call = guarded(&license);
    let earlier = envelope(&key, &valid_json(TS), "product");
    let later = envelope(&key, &valid_json(TS + 1), "product");

    let sent_a = verifier.watermark(&call).unwrap();
    let sent_b = verifier.watermark(&call).unwrap();
    verifier
        .check_answer(later.as_bytes(), &call, sent_b)
        .unwrap();
    verifier
        .check_answer(earlier.as_bytes(), &call, sent_a)
        .unwrap();

    // The late, older answer did not lower the mark.
    let sent_c = verifier.watermark(&call).unwrap();
    assert_eq!(sent_c, Watermark(Some(TS + 1)));
    assert_eq!(
        verifier
            .check_answer(earlier.as_bytes(), &call, sent_c)
            .unwrap_err(),
        VerifyError::Replay {
            timestamp: TS,
            newest: TS + 1
        }
    );
}

/// A server whose answers carry the second of their arrival, each delayed differently so that
/// they finish out of order.
struct Straddling {
    key: aws_lc_rs::signature::RsaKeyPair,
    arrivals: AtomicUsize,
}

impl wiremock::Respond for Straddling {
    fn respond(&self, _: &wiremock::Request) -> wiremock::ResponseTemplate {
        let n = self.arrivals.fetch_add(1, Ordering::SeqCst);
        let json = valid_json(TS + i64::try_from(n / 25).unwrap());
        wiremock::ResponseTemplate::new(200)
            .set_body_raw(envelope(&self.key, &json, "product"), "application/json")
            .set_delay(std::time::Duration::from_millis(
                u64::try_from((n * 7) % 23).unwrap(),
            ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_verifies_straddling_seconds_are_never_refused_as_replays() {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(Straddling {
            key: signing_key("product-2048"),
            arrivals: AtomicUsize::new(0),
        })
        .mount(&server)
        .await;
    let client = common::wire::client(&server, test_keys(), TS);
    let license = SecretLicenseKey::new("LK-STRADDLE-1");
    let tasks: Vec<_> = (0..400)
        .map(|_| {
            let client = client.clone();
            let license = license.clone();
            tokio::spawn(async move { client.verify(&license, "host").await })
        })
        .collect();
    let mut refused = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            Ok(reply) => assert!(reply.is_done()),
            Err(e) => refused.push(e.to_string()),
        }
    }
    assert!(
        refused.is_empty(),
        "{} refused: {:?}",
        refused.len(),
        refused.first()
    );
    // Afterwards, an answer older than those accepted is a rollback.
    server.reset().await;
    let old = envelope(&signing_key("product-2048"), &valid_json(TS), "product");
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_raw(old, "application/json"))
        .mount(&server)
        .await;
    let err = client.verify(&license, "host").await.unwrap_err();
    assert!(
        err.is_signature() && err.to_string().contains("replayed"),
        "{err}"
    );
}

/// A server answering every POST with `reply`.
async fn serving(reply: wiremock::ResponseTemplate) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(reply)
        .mount(&server)
        .await;
    server
}

async fn activate_on(server: &wiremock::MockServer) -> keyward_core::LicenseError {
    common::wire::client(server, test_keys(), TS)
        .activate(&SecretLicenseKey::new("LK-APPLIED-1"), "box")
        .await
        .unwrap_err()
}

/// An activation answered 2xx with a body that is no envelope happened: the error says so. A
/// verified refusal proves it did not.
#[tokio::test]
async fn an_activation_answered_2xx_with_an_unreadable_body_may_have_been_applied() {
    for body in [
        &b""[..],
        b"<html>OK</html>",
        br#"{"response_base64":7}"#,
        b"\xff\xfe",
    ] {
        let server = serving(wiremock::ResponseTemplate::new(200).set_body_bytes(body)).await;
        let err = activate_on(&server).await;
        assert!(err.may_have_been_applied(), "{err}");
    }
    let refusal = format!(r#"{{"code":100,"message":"Invalid API key","timestamp":{TS}}}"#);
    let body = envelope(&signing_key("product-2048"), &refusal, "product");
    let server =
        serving(wiremock::ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let err = activate_on(&server).await;
    assert!(
        err.is_unauthorized() && !err.may_have_been_applied(),
        "{err}"
    );
}
