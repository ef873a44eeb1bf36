//! The Keygen emulator's check-outs over HTTP, signed as asked (`abstract_checkout_service.rb`):
//! the certificate's `sig` verifies over `license/<enc>` (or `machine/<enc>`) under the
//! account's key for its `alg`, the one the license's key scheme names when none is asked for.

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ED25519, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
    RsaParameters, RsaPssSaltLength, UnparsedPublicKey, VerificationAlgorithm,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use keyward_emulator::keygen::{ACCOUNT_ID, KeygenEmulator, LicenseSeed, MachineSeed};
use serde_json::{Value, json};

/// Keygen signs `rsa-pss-sha256` with the maximum salt length.
const PSS_MAX_SALT: RsaParameters =
    RSA_PSS_2048_8192_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);

/// A check-out: the path, its `meta`, the `alg` it answers, what verifies it, under which key.
type Case<'a> = (
    &'a str,
    Value,
    &'a str,
    &'static dyn VerificationAlgorithm,
    &'a [u8],
);

/// The status and body of `POST <path>/actions/check-out` with `meta`, as the admin.
async fn check_out(emulator: &KeygenEmulator, path: &str, meta: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v1/accounts/{ACCOUNT_ID}/{path}/actions/check-out",
            emulator.uri()
        ))
        .bearer_auth(emulator.api_key())
        .header("content-type", "application/vnd.api+json")
        .body(json!({ "meta": meta }).to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

/// The certificate's envelope (`enc`, `sig`, `alg`).
fn envelope(body: &Value) -> Value {
    let certificate = body["data"]["attributes"]["certificate"].as_str().unwrap();
    let encoded: String = certificate
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    serde_json::from_slice(&STANDARD.decode(encoded).unwrap()).unwrap()
}

fn pem_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

fn verifies(
    alg: &'static dyn VerificationAlgorithm,
    key: &[u8],
    prefix: &str,
    doc: &Value,
) -> bool {
    let signed = format!("{prefix}/{}", doc["enc"].as_str().unwrap());
    let sig = STANDARD.decode(doc["sig"].as_str().unwrap()).unwrap();
    UnparsedPublicKey::new(alg, key)
        .verify(signed.as_bytes(), &sig)
        .is_ok()
}

#[tokio::test]
async fn check_outs_are_signed_with_the_asked_algorithm_or_the_schemes() {
    let emulator = KeygenEmulator::start().await;
    let license = emulator.add_license(LicenseSeed::new("CHECKOUT-RSA-0001"));
    let signed = emulator
        .add_license(LicenseSeed::new("CHECKOUT-PSS-0002").scheme("RSA_2048_PKCS1_PSS_SIGN_V2"));
    let machine = emulator
        .add_machine(&license, MachineSeed::new("AA:BB:CC"))
        .unwrap();
    let rsa = pem_der(&emulator.rsa_public_key_pem());
    let ecdsa = pem_der(&emulator.ecdsa_public_key_pem());
    let ed25519 = hex::decode(emulator.public_key_hex()).unwrap();

    let licenses = format!("licenses/{license}");
    let machines = format!("machines/{machine}");
    let scheme_signed = format!("licenses/{signed}");
    let cases: [Case<'_>; 5] = [
        (
            &licenses,
            json!({"algorithm": "base64+rsa-sha256"}),
            "base64+rsa-sha256",
            &RSA_PKCS1_2048_8192_SHA256,
            &rsa,
        ),
        (
            &licenses,
            json!({"algorithm": "aes-256-gcm+rsa-pss-sha256"}),
            "aes-256-gcm+rsa-pss-sha256",
            &PSS_MAX_SALT,
            &rsa,
        ),
        (
            &machines,
            json!({"algorithm": "base64+ecdsa-p256"}),
            "base64+ecdsa-p256",
            &ECDSA_P256_SHA256_ASN1,
            &ecdsa,
        ),
        // No algorithm: Ed25519 for a license without a scheme, the scheme's otherwise.
        (&licenses, json!({}), "base64+ed25519", &ED25519, &ed25519),
        (
            &scheme_signed,
            json!({"encrypt": true}),
            "aes-256-gcm+rsa-pss-sha256",
            &PSS_MAX_SALT,
            &rsa,
        ),
    ];
    for (path, meta, alg, verifier, key) in cases {
        let (status, body) = check_out(&emulator, path, meta).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"]["attributes"]["algorithm"], alg);
        let doc = envelope(&body);
        assert_eq!(doc["alg"], alg);
        // Encrypted: `ciphertext.iv.tag`.
        let parts = doc["enc"].as_str().unwrap().split('.').count();
        assert_eq!(parts == 3, alg.starts_with("aes"), "{doc}");
        let (prefix, other) = match path.split('/').next() {
            Some("machines") => ("machine", "license"),
            _ => ("license", "machine"),
        };
        assert!(verifies(verifier, key, prefix, &doc), "{alg}");
        assert!(!verifies(verifier, key, other, &doc), "{alg}");
    }

    for (algorithm, detail) in [
        ("foo+ed25519", "invalid encoding algorithm"),
        ("base64+rsa-sha512", "invalid signing algorithm"),
    ] {
        let (status, body) =
            check_out(&emulator, &licenses, json!({ "algorithm": algorithm })).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["errors"][0]["code"], "CHECKOUT_ALGORITHM_INVALID");
        assert_eq!(body["errors"][0]["detail"], detail);
        assert_eq!(body["errors"][0]["source"]["parameter"], "algorithm");
    }
}
