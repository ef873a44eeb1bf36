//! All 59 documented example envelopes, with the docs' demo key and the clock at their date.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::*;
use keyward_signed_license::{
    KeyScope, KeySet, Policy, ResponseCode, UnsignedReason, VerifyError, verify,
};

#[test]
fn the_59_examples_classify_exactly_as_documented() {
    let keys = KeySet::new(demo_key()).with_global_key(demo_key());
    let policy = Policy::new().key_scope(KeyScope::ProductOrGlobal);
    let (mut valid, mut bad, mut unsigned) = (0, 0, 0);
    let entries = index();
    assert_eq!(entries.len(), 59);
    for (file, status, code, ts, _) in entries {
        let body = fixture(&file);
        let result = verify(body.as_bytes(), &keys, &policy, at(ts + 30));
        match status.as_str() {
            "valid" => {
                let verified = result.unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(verified.value().code().as_u32(), code, "{file}");
                assert_eq!(verified.timestamp(), ts, "{file}");
                let written = serde_json::to_string(verified.envelope()).unwrap();
                assert_eq!(verified.envelope_json().unwrap(), written, "{file}");
                valid += 1;
            }
            "tampered-payload" | "other-key-unverifiable" => {
                assert!(
                    matches!(result, Err(VerifyError::BadSignature { .. })),
                    "{file}: {result:?}"
                );
                bad += 1;
            }
            "unsigned-sentinel" => {
                assert_eq!(
                    result.unwrap_err(),
                    VerifyError::Unsigned(UnsignedReason::PrivateKeyNotSet),
                    "{file}"
                );
                unsigned += 1;
            }
            other => panic!("unknown status {other}"),
        }
    }
    assert_eq!((valid, bad, unsigned), (43, 4, 12));
}

#[test]
fn string_code_and_empty_list_and_escaped_slash_decode() {
    let keys = KeySet::new(demo_key());
    let policy = Policy::new().key_scope(KeyScope::ProductOnly);
    let v = verify(
        fixture("deactivate.400.json").as_bytes(),
        &keys,
        &policy,
        at(1_709_000_050),
    )
    .unwrap();
    assert_eq!(v.value().code(), ResponseCode::LicenseKeyDeactivated);
    let v = verify(
        fixture("send-telemetry-data.830.json").as_bytes(),
        &keys,
        &policy,
        at(1_708_999_150),
    )
    .unwrap();
    assert_eq!(v.value().fields()["errors"], serde_json::json!([]));
    let v = verify(
        fixture("get-license-key-details.202.json").as_bytes(),
        &keys,
        &policy,
        at(1_709_000_150),
    )
    .unwrap();
    assert_eq!(
        v.value().message(),
        "No activation found for this license key/identifier combination"
    );
    assert!(v.value().json().contains("key\\/identifier"));
    assert_eq!(v.plain_copy_matches(), Some(true));
}

#[test]
fn signed_401_and_403_bodies_verify() {
    let keys = KeySet::new(demo_key());
    let policy = Policy::new().key_scope(KeyScope::ProductOrGlobal);
    for (file, _, code, ts, status) in index() {
        if status.starts_with("401") || status.starts_with("403") {
            let v = verify(fixture(&file).as_bytes(), &keys, &policy, at(ts)).unwrap();
            assert!(v.value().code().is_access_error(), "{file} {code}");
        }
    }
}

#[test]
fn the_dates_matter_without_an_injected_clock_they_are_stale() {
    let keys = KeySet::new(demo_key());
    let err = verify(
        fixture("activate.300.json").as_bytes(),
        &keys,
        &Policy::new(),
        at(1_764_000_000),
    )
    .unwrap_err();
    assert!(matches!(err, VerifyError::Stale { .. }));
}
