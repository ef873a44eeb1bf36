//! Outside timestamps at the edges of time, and the replay rule under concurrent honest callers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use chrono::Duration;
use common::*;
use license_core::FixedClock;
use signed_license::{KeyScope, Policy, Verifier, VerifyError, offline};

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
