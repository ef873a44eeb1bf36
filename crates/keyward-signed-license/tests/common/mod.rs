//! Test helpers: fixtures, TEST-ONLY signing keys, envelopes.
#![allow(dead_code, unreachable_pub)]

pub mod wire;

use std::path::PathBuf;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaEncoding, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use keyward_signed_license::{KeySet, PublicKey};

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/signed-license")
}

pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixtures_dir().join(name)).unwrap()
}

pub fn public_key(id: &str, file: &str) -> PublicKey {
    PublicKey::from_pem(id, &fixture(file)).unwrap()
}

pub fn demo_key() -> PublicKey {
    public_key("docs-demo", "docs-demo-signing-key.pub.pem")
}

/// A TEST-ONLY private key from `fixtures/signed-license/test-keys/`.
pub fn signing_key(name: &str) -> RsaKeyPair {
    let pem = fixture(&format!("test-keys/{name}.TEST-ONLY.pkcs8.pem"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    RsaKeyPair::from_pkcs8(&STANDARD.decode(body).unwrap()).unwrap()
}

pub fn test_public_key(name: &str) -> PublicKey {
    public_key(name, &format!("test-keys/{name}.pub.pem"))
}

/// The product test key set: `product-2048` current, `global-2048` global.
pub fn test_keys() -> KeySet {
    KeySet::new(test_public_key("product-2048")).with_global_key(test_public_key("global-2048"))
}

pub fn sign_with(key: &RsaKeyPair, alg: &'static dyn RsaEncoding, message: &[u8]) -> String {
    let mut sig = vec![0; key.public_modulus_len()];
    key.sign(alg, &SystemRandom::new(), message, &mut sig)
        .unwrap();
    STANDARD.encode(sig)
}

/// An envelope as the server builds it: base64 of the JSON text, signed over the base64 text.
pub fn envelope(key: &RsaKeyPair, json: &str, hint: &str) -> String {
    let b64 = STANDARD.encode(json.as_bytes());
    let sig = sign_with(key, &RSA_PKCS1_SHA256, b64.as_bytes());
    serde_json::json!({
        "response": serde_json::from_str::<serde_json::Value>(json).unwrap(),
        "response_base64": b64,
        "private_key_used": hint,
        "signature": sig,
    })
    .to_string()
}

pub fn at(ts: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(ts, 0).unwrap()
}

/// The fixture index entries: (file, signature_check, code, decoded timestamp).
pub fn index() -> Vec<(String, String, u32, i64, String)> {
    let index: serde_json::Value = serde_json::from_str(&fixture("index.json")).unwrap();
    index["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let decoded: serde_json::Value =
                serde_json::from_str(f["decoded_response_base64"].as_str().unwrap()).unwrap();
            let code = match &decoded["code"] {
                serde_json::Value::String(s) => s.parse().unwrap(),
                n => n.as_u64().unwrap() as u32,
            };
            (
                f["file"].as_str().unwrap().to_owned(),
                f["signature_check"].as_str().unwrap().to_owned(),
                code,
                decoded["timestamp"].as_i64().unwrap(),
                f["http_status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// A fixture body ready to serve, with its timestamp and HTTP status: documented `valid` ones
/// verbatim (docs demo key), the others re-signed with the TEST-ONLY `product-2048` key.
pub fn served(file: &str) -> (String, i64, u16) {
    let index: serde_json::Value = serde_json::from_str(&fixture("index.json")).unwrap();
    let entry = index["fixtures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("no fixture {file}"));
    let decoded = entry["decoded_response_base64"].as_str().unwrap();
    let ts = serde_json::from_str::<serde_json::Value>(decoded).unwrap()["timestamp"]
        .as_i64()
        .unwrap();
    let status: u16 = entry["http_status"].as_str().unwrap()[..3].parse().unwrap();
    let body = if entry["signature_check"] == "valid" {
        fixture(file)
    } else {
        let hint = entry["private_key_used"].as_str().unwrap();
        envelope(&signing_key("product-2048"), decoded, hint)
    };
    (body, ts, status)
}

/// Keys for served fixtures: the docs demo key (current) and the test key (archived).
pub fn served_keys() -> KeySet {
    KeySet::new(demo_key()).with_archived_product_key(test_public_key("product-2048"))
}
