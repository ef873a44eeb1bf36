//! Keygen's genuine signed artefacts (fixtures/keygen, provenance in its README): two license
//! files (AES-256-GCM + Ed25519) and an `ED25519_SIGN` key, verified and read; any change to
//! them is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use chrono::{TimeZone, Utc};
use keyward_keygen::{
    FileStanding, KeyScheme, LicenseFile, PublicKey, SecretLicenseKey, SignedKey,
};
use serde_json::Value;

const PUBLIC_KEY: &str = "e8601e48b69383ba520245fd07971e983d06d22c4257cfd82304601479cee788";

fn key() -> PublicKey {
    PublicKey::from_hex(PUBLIC_KEY).unwrap()
}

fn check_vector(file: &str, license_key: &str, decrypted: &str) {
    let certificate = common::fixture(file);
    let expected: Value = serde_json::from_str(&common::fixture(decrypted)).unwrap();
    let license_key = SecretLicenseKey::new(license_key);
    let verified = LicenseFile::verify(&certificate, &key(), Some(&license_key)).unwrap();
    assert_eq!(
        verified.raw.to_value(),
        expected,
        "the payload is the one Keygen encrypted"
    );
    assert_eq!(verified.data.raw.to_value(), expected["data"]);
    assert_eq!(verified.data.id, expected["data"]["id"].as_str().unwrap());
    assert_eq!(verified.meta.ttl, expected["meta"]["ttl"].as_u64());
    let issued = verified.meta.issued.unwrap();
    let expiry = verified.meta.expiry.unwrap();
    assert_eq!(verified.standing(issued), FileStanding::Current);
    assert_eq!(verified.standing(expiry), FileStanding::Expired);
    assert_eq!(
        verified.standing(issued - chrono::Duration::seconds(1)),
        FileStanding::ClockBehind
    );

    // The wrong license key cannot decrypt it; no key is an input error, not a verdict.
    let wrong = SecretLicenseKey::new("988214-879010-F1185E-B37E91-E53AF5-V4");
    assert!(
        LicenseFile::verify(&certificate, &key(), Some(&wrong))
            .unwrap_err()
            .is_signature()
    );
    assert!(
        LicenseFile::verify(&certificate, &key(), None)
            .unwrap_err()
            .is_invalid_input()
    );
    // Another account's key refuses it before anything is decrypted.
    let other = PublicKey::from_bytes([9; 32]);
    assert!(
        LicenseFile::verify(&certificate, &other, Some(&license_key))
            .unwrap_err()
            .is_signature()
    );
    // One changed character anywhere in the body is refused.
    let lines: Vec<&str> = certificate.lines().collect();
    for line in [1, lines.len() / 2, lines.len() - 2] {
        let mut tampered: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        let mut chars: Vec<char> = tampered[line].chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        tampered[line] = chars.into_iter().collect();
        let tampered = tampered.join("\n");
        let err = LicenseFile::verify(&tampered, &key(), Some(&license_key)).unwrap_err();
        assert!(err.is_signature(), "line {line}: {err}");
    }
    // A license file is not a machine file.
    let as_machine = certificate.replace("LICENSE FILE", "MACHINE FILE");
    assert!(
        keyward_keygen::MachineFile::verify(&as_machine, &key(), Some((&license_key, "fp")))
            .unwrap_err()
            .is_signature()
    );
}

#[test]
fn the_example_license_file_of_keygen_rust_example_head_verifies_and_decrypts() {
    check_vector(
        "keygen-testvector-license-HEAD.lic",
        "988214-879010-F1185E-B37E91-E53AF5-V3",
        "keygen-testvector-license-HEAD.decrypted.json",
    );
}

#[test]
fn the_license_file_of_keygen_rust_example_3798e1e_verifies_and_decrypts() {
    check_vector(
        "keygen-testvector-license-3798e1e.lic",
        "33362C-D254BA-F54C3C-DAAE48-C71975-V3",
        "keygen-testvector-license-3798e1e.decrypted.json",
    );
}

const SIGNED_KEY: &str = "key/eyJhY2NvdW50Ijp7ImlkIjoiMWZkZGNlYzgtOGRkMy00ZDhkLTliMTYtMjE1Y2FjMGY5YjUyIn0sInByb2R1Y3QiOnsiaWQiOiIxZjA4NmVjOS1hOTQzLTQ2ZWEtOWRhNC1lNjJjMjE4MGMyZjQifSwicG9saWN5Ijp7ImlkIjoiMjlkOWQ4ZDMtYmYxZC00NGQxLWExYjktODIwNDQwZDQyMmZmIiwiZHVyYXRpb24iOm51bGx9LCJ1c2VyIjpudWxsLCJsaWNlbnNlIjp7ImlkIjoiZjNkNjU3ZGUtMmI1MC00YWRmLTg2N2ItZWYwM2RjODZhM2ZlIiwiY3JlYXRlZCI6IjIwMjEtMTAtMTRUMTU6MjA6MzIuNjcwWiIsImV4cGlyeSI6IjIwMjEtMTAtMTVUMDA6MDA6MDAuMDAwWiJ9fQ==.Z_fDBaVqmBxHWkzi_TCPWGOrE0rItN_xEFdc8TtR0ahB-Gx84S6r4pXPuTxeIREtLCVJt3lcFy_WuCNeCOFRAA==";

const ED25519_SIGN: KeyScheme = KeyScheme::Ed25519Sign;

#[test]
fn the_ed25519_sign_key_of_the_java_example_verifies() {
    let verified =
        SignedKey::verify(&SecretLicenseKey::new(SIGNED_KEY), &key(), ED25519_SIGN).unwrap();
    let dataset = verified.dataset();
    assert_eq!(
        dataset["license"]["id"],
        "f3d657de-2b50-4adf-867b-ef03dc86a3fe"
    );
    assert_eq!(dataset["license"]["expiry"], "2021-10-15T00:00:00.000Z");
    assert_eq!(
        keyward_core_ts(&dataset["license"]["created"]),
        Utc.with_ymd_and_hms(2021, 10, 14, 15, 20, 32).unwrap()
            + chrono::Duration::milliseconds(670)
    );
    // A changed dataset, a changed signature, another key, another form: refused.
    let tampered = SIGNED_KEY.replacen("eyJhY2NvdW50", "eyJhY2NvdW51", 1);
    let flipped = SIGNED_KEY.replacen("Z_fD", "Z_fE", 1);
    for bad in [
        tampered.as_str(),
        flipped.as_str(),
        "key/abc",
        "988214-879010",
        "",
    ] {
        let err = SignedKey::verify(&SecretLicenseKey::new(bad), &key(), ED25519_SIGN).unwrap_err();
        assert!(err.is_signature(), "{bad}: {err}");
    }
    let other = PublicKey::from_bytes([9; 32]);
    assert!(SignedKey::verify(&SecretLicenseKey::new(SIGNED_KEY), &other, ED25519_SIGN).is_err());
}

fn keyward_core_ts(value: &Value) -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc)
}
