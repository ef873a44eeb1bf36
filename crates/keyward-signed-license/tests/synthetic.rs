//! Synthetic envelopes: wrong hash, wrong message, truncation, escaping, key sizes, freshness,
//! rollback, key scope and echoes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::sync::Arc;

use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RSA_PKCS1_SHA512};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use common::*;
use keyward_core::{FixedClock, SecretLicenseKey};
use keyward_signed_license::{
    Algorithm, Call, Expected, FileStateStore, KeyError, KeyRole, KeyScope, KeySet, Policy,
    PublicKey, ResponseCode, UnsignedReason, Verifier, VerifyError, offline, verify,
};

const TS: i64 = 1_764_000_000;

fn valid_json(ts: i64) -> String {
    format!(r#"{{"code":200,"message":"Valid license key","timestamp":{ts}}}"#)
}

fn product_only() -> Policy {
    Policy::new()
}

#[test]
fn a_fresh_envelope_from_the_product_key_verifies() {
    let body = envelope(&signing_key("product-2048"), &valid_json(TS), "product");
    let v = verify(body.as_bytes(), &test_keys(), &product_only(), at(TS + 5)).unwrap();
    assert_eq!(v.value().code(), ResponseCode::ValidLicenseKey);
    assert_eq!(v.key_id(), "product-2048");
    assert_eq!(v.key_role(), KeyRole::Product);
}

#[test]
fn sha1_over_the_same_text_is_refused() {
    let body = fixture("synthetic/verify.200.sha1-signed.json");
    let err = verify(body.as_bytes(), &test_keys(), &product_only(), at(TS)).unwrap_err();
    assert_eq!(err, VerifyError::BadSignature { tried: 1 });
}

#[test]
fn sha256_over_the_decoded_json_is_refused() {
    let json = valid_json(TS);
    let b64 = STANDARD.encode(&json);
    let sig = sign_with(
        &signing_key("product-2048"),
        &RSA_PKCS1_SHA256,
        json.as_bytes(),
    );
    let body = serde_json::json!({"response_base64": b64, "signature": sig}).to_string();
    let err = verify(body.as_bytes(), &test_keys(), &product_only(), at(TS)).unwrap_err();
    assert!(matches!(err, VerifyError::BadSignature { .. }));
}

#[test]
fn a_truncated_signature_is_refused() {
    let b64 = STANDARD.encode(valid_json(TS));
    let sig = sign_with(
        &signing_key("product-2048"),
        &RSA_PKCS1_SHA256,
        b64.as_bytes(),
    );
    let raw = STANDARD.decode(&sig).unwrap();
    let short = STANDARD.encode(&raw[..raw.len() - 1]);
    let body = serde_json::json!({"response_base64": b64, "signature": short}).to_string();
    let err = verify(body.as_bytes(), &test_keys(), &product_only(), at(TS)).unwrap_err();
    assert!(matches!(err, VerifyError::BadSignature { .. }));
}

#[test]
fn escaped_slashes_in_the_outer_strings_are_unescaped_before_verifying() {
    // Find a payload whose base64 and signature contain '/', then escape it as Laravel does.
    let key = signing_key("product-2048");
    let (body, ts) = (0..200)
        .map(|i| {
            let ts = TS + i;
            let json = format!(r#"{{"code":200,"message":"Valid license key","url":"https:\/\/x.test\/?a=b>","timestamp":{ts}}}"#);
            (envelope(&key, &json, "product"), ts)
        })
        .find(|(b, _)| b.contains('/'))
        .unwrap();
    let escaped = body.replace('/', "\\/");
    assert_ne!(escaped, body);
    let v = verify(escaped.as_bytes(), &test_keys(), &product_only(), at(ts)).unwrap();
    assert_eq!(v.value().code(), ResponseCode::ValidLicenseKey);
}

#[test]
fn a_4096_bit_key_verifies_and_a_1024_bit_key_is_refused() {
    let body = envelope(&signing_key("product-4096"), &valid_json(TS), "product");
    let key = test_public_key("product-4096");
    assert_eq!(key.bits(), 4096);
    verify(body.as_bytes(), &KeySet::new(key), &product_only(), at(TS)).unwrap();
    let weak = PublicKey::from_pem("weak", &fixture("test-keys/weak-1024.pub.pem")).unwrap_err();
    assert_eq!(weak, KeyError::Size(1024));
}

#[test]
fn pkcs1_pem_and_spki_pem_are_the_same_key() {
    let pkcs1 = public_key("p1", "test-keys/product-2048.pkcs1.pub.pem");
    let body = envelope(&signing_key("product-2048"), &valid_json(TS), "product");
    verify(
        body.as_bytes(),
        &KeySet::new(pkcs1),
        &product_only(),
        at(TS),
    )
    .unwrap();
    assert_eq!(
        PublicKey::from_pem("x", "not a key").unwrap_err(),
        KeyError::NotPem
    );
    let private = fixture("test-keys/product-2048.TEST-ONLY.pkcs8.pem");
    assert_eq!(
        PublicKey::from_pem("x", &private).unwrap_err(),
        KeyError::Label
    );
}

#[test]
fn sha512_only_when_configured() {
    let b64 = STANDARD.encode(valid_json(TS));
    let sig = sign_with(
        &signing_key("product-2048"),
        &RSA_PKCS1_SHA512,
        b64.as_bytes(),
    );
    let body = serde_json::json!({"response_base64": b64, "signature": sig}).to_string();
    assert!(verify(body.as_bytes(), &test_keys(), &product_only(), at(TS)).is_err());
    let keys =
        KeySet::new(test_public_key("product-2048").with_algorithm(Algorithm::RsaPkcs1Sha512));
    verify(body.as_bytes(), &keys, &product_only(), at(TS)).unwrap();
}

#[test]
fn stale_and_future_timestamps_are_refused() {
    let body = envelope(&signing_key("product-2048"), &valid_json(TS), "product");
    let keys = test_keys();
    let policy = product_only();
    assert_eq!(
        verify(body.as_bytes(), &keys, &policy, at(TS + 301)).unwrap_err(),
        VerifyError::Stale { age_secs: 301 }
    );
    verify(body.as_bytes(), &keys, &policy, at(TS + 300)).unwrap();
    assert_eq!(
        verify(body.as_bytes(), &keys, &policy, at(TS - 61)).unwrap_err(),
        VerifyError::FromFuture { ahead_secs: 61 }
    );
    verify(body.as_bytes(), &keys, &policy, at(TS - 60)).unwrap();
}

#[test]
fn a_rollback_to_an_older_timestamp_is_refused() {
    let key = signing_key("product-2048");
    let clock = Arc::new(FixedClock::new(at(TS + 10)));
    let verifier = Verifier::new(test_keys(), Policy::new()).with_clock(clock);
    let license = SecretLicenseKey::new("LK-0001-canary");
    let call = Call {
        operation: "verify",
        license_call: true,
        replay_guard: true,
        expected: Expected {
            license_key: Some(&license),
            identifier: Some("host-a"),
            product_id: None,
        },
    };
    let newer = envelope(&key, &valid_json(TS + 5), "product");
    let older = envelope(&key, &valid_json(TS), "product");
    verifier.check(newer.as_bytes(), &call).unwrap();
    // The identical answer again is harmless; an older one is a rollback.
    verifier.check(newer.as_bytes(), &call).unwrap();
    assert_eq!(
        verifier.check(older.as_bytes(), &call).unwrap_err(),
        VerifyError::Replay {
            timestamp: TS,
            newest: TS + 5
        }
    );
    // Same second, different content: answers of one second cannot be ordered, so it is
    // accepted (a refused activation and a successful one can share a second).
    let other = envelope(
        &key,
        r#"{"code":210,"message":"Invalid license key","timestamp":1764000005}"#,
        "product",
    );
    verifier.check(other.as_bytes(), &call).unwrap();
    // The older answer stays refused after it.
    assert!(matches!(
        verifier.check(older.as_bytes(), &call),
        Err(VerifyError::Replay { .. })
    ));
    // Another identifier is another slot.
    let call_b = Call {
        expected: Expected {
            identifier: Some("host-b"),
            ..call.expected
        },
        ..call
    };
    verifier.check(older.as_bytes(), &call_b).unwrap();
}

#[test]
fn the_file_store_keeps_the_newest_timestamp_across_restarts() {
    let dir = std::env::temp_dir().join(format!("signed-license-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let _ = std::fs::remove_file(&path);
    let key = signing_key("product-2048");
    let license = SecretLicenseKey::new("LK-FILE-STORE-canary-9");
    let call = Call {
        operation: "verify",
        license_call: true,
        replay_guard: true,
        expected: Expected {
            license_key: Some(&license),
            identifier: Some("h"),
            product_id: None,
        },
    };
    let clock = Arc::new(FixedClock::new(at(TS + 10)));
    let first = Verifier::new(test_keys(), Policy::new())
        .with_clock(clock.clone())
        .with_store(Arc::new(FileStateStore::open(&path).unwrap()));
    first
        .check(
            envelope(&key, &valid_json(TS + 5), "product").as_bytes(),
            &call,
        )
        .unwrap();
    drop(first);
    let stored = std::fs::read_to_string(&path).unwrap();
    assert!(
        !stored.contains("canary"),
        "the store must not hold the license key"
    );
    let second = Verifier::new(test_keys(), Policy::new())
        .with_clock(clock)
        .with_store(Arc::new(FileStateStore::open(&path).unwrap()));
    let err = second
        .check(envelope(&key, &valid_json(TS), "product").as_bytes(), &call)
        .unwrap_err();
    assert!(matches!(err, VerifyError::Replay { .. }));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_global_key_signature_is_refused_under_the_product_only_policy() {
    let body = envelope(&signing_key("global-2048"), &valid_json(TS), "global");
    let keys = test_keys();
    assert_eq!(
        verify(body.as_bytes(), &keys, &product_only(), at(TS)).unwrap_err(),
        VerifyError::GlobalKeyRefused
    );
    let v = verify(
        body.as_bytes(),
        &keys,
        &product_only().key_scope(KeyScope::ProductOrGlobal),
        at(TS),
    )
    .unwrap();
    assert_eq!(v.key_role(), KeyRole::Global);
}

#[test]
fn the_unsigned_hint_cannot_add_a_key() {
    // Signed by a key that is not configured, labelled "global": still refused.
    let body = envelope(&signing_key("archived-2048"), &valid_json(TS), "global");
    let policy = product_only().key_scope(KeyScope::ProductOrGlobal);
    assert!(matches!(
        verify(body.as_bytes(), &test_keys(), &policy, at(TS)),
        Err(VerifyError::BadSignature { tried: 2 })
    ));
    // An archived product key (rotation) is accepted once configured.
    let keys = test_keys().with_archived_product_key(test_public_key("archived-2048"));
    verify(body.as_bytes(), &keys, &product_only(), at(TS)).unwrap();
}

#[test]
fn a_payload_echoing_another_license_key_is_refused() {
    let json = format!(
        r#"{{"code":500,"message":"Active license key found","licenseKey":{{"id":1,"license_key":"OTHER-KEY","meta_data":[],"expires_at":false}},"product":{{"id":1}},"timestamp":{TS}}}"#
    );
    let body = envelope(&signing_key("product-2048"), &json, "product");
    let verifier =
        Verifier::new(test_keys(), Policy::new()).with_clock(Arc::new(FixedClock::new(at(TS))));
    let mine = SecretLicenseKey::new("MY-KEY");
    let call = |product_id| Call {
        operation: "get-license-key-details",
        license_call: true,
        replay_guard: true,
        expected: Expected {
            license_key: Some(&mine),
            identifier: Some("h"),
            product_id,
        },
    };
    assert_eq!(
        verifier.check(body.as_bytes(), &call(None)).unwrap_err(),
        VerifyError::EchoMismatch("license_key")
    );
    let other = SecretLicenseKey::new("OTHER-KEY");
    let ok = Call {
        expected: Expected {
            license_key: Some(&other),
            ..call(Some(1)).expected
        },
        ..call(None)
    };
    verifier.check(body.as_bytes(), &ok).unwrap();
    let wrong_product = Call {
        expected: Expected {
            product_id: Some(2),
            ..ok.expected
        },
        ..ok
    };
    assert!(matches!(
        verifier.check(body.as_bytes(), &wrong_product),
        Err(VerifyError::EchoMismatch(_))
    ));
}

#[test]
fn unsigned_and_malformed_envelopes() {
    let b64 = STANDARD.encode(valid_json(TS));
    let keys = test_keys();
    let p = product_only();
    let with_sig = |sig: serde_json::Value| {
        serde_json::json!({"response_base64": b64, "signature": sig}).to_string()
    };
    let check = |body: String| verify(body.as_bytes(), &keys, &p, at(TS)).unwrap_err();
    assert_eq!(
        check(with_sig("".into())),
        VerifyError::Unsigned(UnsignedReason::Empty)
    );
    assert_eq!(
        check(with_sig("!!not base64!!".into())),
        VerifyError::Unsigned(UnsignedReason::NotBase64)
    );
    assert_eq!(
        check(with_sig(serde_json::Value::Null)),
        VerifyError::Unsigned(UnsignedReason::NotBase64)
    );
    assert_eq!(
        check(serde_json::json!({"response_base64": b64}).to_string()),
        VerifyError::Unsigned(UnsignedReason::Missing)
    );
    assert_eq!(
        check("<html>502 Bad Gateway</html>".into()),
        VerifyError::NotJson
    );
    assert_eq!(check("{}".into()), VerifyError::MissingPayload);
    // Signed text that is not a JSON object: refused after the signature check.
    let body = {
        let b64 = STANDARD.encode("[1,2]");
        let sig = sign_with(
            &signing_key("product-2048"),
            &RSA_PKCS1_SHA256,
            b64.as_bytes(),
        );
        serde_json::json!({"response_base64": b64, "signature": sig}).to_string()
    };
    assert!(matches!(check(body), VerifyError::MalformedPayload(_)));
    let le: keyward_core::LicenseError = VerifyError::Unsigned(UnsignedReason::Empty).into();
    assert!(le.is_signature());
}

#[test]
fn the_plain_copy_is_never_read() {
    let b64 =
        STANDARD.encode(r#"{"code":210,"message":"Invalid license key","timestamp":1764000000}"#);
    let sig = sign_with(
        &signing_key("product-2048"),
        &RSA_PKCS1_SHA256,
        b64.as_bytes(),
    );
    let body = serde_json::json!({
        "response": {"code": 200, "message": "Valid license key", "timestamp": TS},
        "response_base64": b64, "private_key_used": "product", "signature": sig
    })
    .to_string();
    let v = verify(body.as_bytes(), &test_keys(), &product_only(), at(TS)).unwrap();
    assert_eq!(v.value().code(), ResponseCode::InvalidLicenseKey);
    assert_eq!(v.plain_copy_matches(), Some(false));
}

#[test]
fn a_saved_envelope_reverifies_offline_within_its_grace_and_flags_a_set_back_clock() {
    let key = signing_key("product-2048");
    let clock = Arc::new(FixedClock::new(at(TS + 1)));
    let verifier = Verifier::new(test_keys(), Policy::new()).with_clock(clock.clone());
    let license = SecretLicenseKey::new("LK-OFFLINE");
    let call = Call {
        operation: "verify",
        license_call: true,
        replay_guard: true,
        expected: Expected {
            license_key: Some(&license),
            identifier: Some("h"),
            product_id: None,
        },
    };
    let live = verifier
        .check(envelope(&key, &valid_json(TS), "product").as_bytes(), &call)
        .unwrap();
    let dir = std::env::temp_dir().join(format!("signed-license-offline-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("license.json");
    offline::save(&path, live.envelope()).unwrap();

    clock.set(at(TS + 3 * 86_400));
    let check = verifier.check_saved(&path, Duration::days(7)).unwrap();
    assert_eq!(check.verified.value().code(), ResponseCode::ValidLicenseKey);
    assert!(!check.clock_tampered);
    assert_eq!(check.age, Duration::days(3));

    clock.set(at(TS + 8 * 86_400));
    assert!(matches!(
        verifier.check_saved(&path, Duration::days(7)),
        Err(VerifyError::Stale { .. })
    ));

    clock.set(at(TS - 86_400));
    let check = verifier.check_saved(&path, Duration::days(7)).unwrap();
    assert!(check.clock_tampered, "reported, not refused");

    // A saved file edited on disk no longer verifies.
    let text = std::fs::read_to_string(&path).unwrap();
    let mut env: serde_json::Value = serde_json::from_str(&text).unwrap();
    env["response_base64"] = STANDARD.encode(valid_json(TS + 86_400 * 365)).into();
    std::fs::write(&path, env.to_string()).unwrap();
    assert!(matches!(
        verifier.check_saved(&path, Duration::days(7)),
        Err(VerifyError::BadSignature { .. })
    ));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn debug_output_shows_no_key_material() {
    let keys = test_keys();
    let shown = format!("{keys:?}");
    assert!(shown.contains("product-2048") && shown.contains("2048"));
    assert!(!shown.contains("MII"));
}

#[test]
fn no_input_panics() {
    let good = envelope(&signing_key("product-2048"), &valid_json(TS), "product");
    let keys = test_keys();
    let policy = product_only().key_scope(KeyScope::ProductOrGlobal);
    let mut inputs: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"{\"response_base64\":1,\"signature\":2}".to_vec(),
        "{\"response_base64\":\"\u{0}\",\"signature\":\"AAAA\"}"
            .as_bytes()
            .to_vec(),
        vec![b'['; 10_000],
    ];
    // Deterministic byte flips and truncations of a good envelope.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..300 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let mut bytes = good.clone().into_bytes();
        let at = (seed >> 33) as usize % bytes.len();
        if seed.is_multiple_of(3) {
            bytes.truncate(at);
        } else {
            bytes[at] ^= (seed >> 8) as u8 | 1;
        }
        inputs.push(bytes);
    }
    for input in inputs {
        let _ = verify(&input, &keys, &policy, at(TS));
    }
    // Signed payloads with odd codes and timestamps are refused cleanly, never a panic.
    for json in [
        r#"{"code":-1,"timestamp":1}"#,
        r#"{"code":"4x","timestamp":1}"#,
        r#"{"code":99999999999,"timestamp":1}"#,
        r#"{"code":200,"timestamp":1.5}"#,
        r#"{"code":200,"timestamp":-9223372036854775808}"#,
        r#"{"code":200}"#,
    ] {
        let body = envelope(&signing_key("product-2048"), json, "product");
        assert!(
            verify(body.as_bytes(), &keys, &policy, at(TS)).is_err(),
            "{json}"
        );
    }
}

#[test]
fn a_corrupt_state_file_is_an_error_and_is_never_replaced() {
    let path = std::env::temp_dir().join(format!(
        "signed-license-corrupt-{}.json",
        std::process::id()
    ));
    std::fs::write(&path, "not json").unwrap();
    assert!(FileStateStore::open(&path).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "not json");
    std::fs::remove_file(&path).unwrap();
}
