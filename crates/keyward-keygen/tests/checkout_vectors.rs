//! License files signed `rsa-pss-sha256`, `rsa-sha256` and `ecdsa-p256` by OpenSSL in Keygen's
//! exact parameters (fixtures/keygen/README.md: the library Keygen's Ruby signs through, PSS with
//! the maximum salt and MGF1-SHA-256, ECDSA DER), verified with the account's keys as Keygen
//! gives them (PEM); a relabelled, tampered or foreign-key file, an unknown algorithm or a
//! missing key is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use keyward_keygen::{
    AccountKeys, Client, EcdsaPublicKey, LicenseError, LicenseFile, MachineFile, PublicKey,
    RsaPublicKey, SigningAlgorithm,
};
use serde_json::Value;

const SIGNINGS: [(&str, SigningAlgorithm); 3] = [
    ("rsa-pss-sha256", SigningAlgorithm::RsaPssSha256),
    ("rsa-sha256", SigningAlgorithm::RsaSha256),
    ("ecdsa-p256", SigningAlgorithm::EcdsaP256),
];

fn certificate(signing: &str) -> String {
    common::fixture(&format!("keygen-openssl-license-{signing}.lic"))
}

fn rsa() -> RsaPublicKey {
    RsaPublicKey::from_pem(&common::fixture("keygen-openssl-rsa.pub.pem")).unwrap()
}

fn ecdsa() -> EcdsaPublicKey {
    EcdsaPublicKey::from_pem(&common::fixture("keygen-openssl-ecdsa.pub.pem")).unwrap()
}

fn keys() -> AccountKeys {
    AccountKeys::new()
        .with_ed25519(PublicKey::from_bytes([9; 32]))
        .with_rsa(rsa())
        .with_ecdsa(ecdsa())
}

/// The certificate with its `{enc, sig, alg}` envelope changed by `edit`.
fn rewrite(certificate: &str, edit: impl FnOnce(&mut Value)) -> String {
    let body: String = certificate
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let mut envelope: Value = serde_json::from_slice(&STANDARD.decode(body).unwrap()).unwrap();
    edit(&mut envelope);
    let body = STANDARD.encode(envelope.to_string());
    format!("-----BEGIN LICENSE FILE-----\n{body}\n-----END LICENSE FILE-----\n")
}

fn spki_pem(der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
}

/// Another account's keys, of every kind.
fn foreign() -> AccountKeys {
    let rsa = RsaKeyPair::generate(KeySize::Rsa2048).unwrap();
    let rsa: PublicKeyX509Der<'_> = rsa.public_key().as_der().unwrap();
    let ecdsa = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).unwrap();
    let ecdsa: PublicKeyX509Der<'_> = ecdsa.public_key().as_der().unwrap();
    AccountKeys::new()
        .with_rsa(RsaPublicKey::from_pem(&spki_pem(rsa.as_ref())).unwrap())
        .with_ecdsa(EcdsaPublicKey::from_der(ecdsa.as_ref()).unwrap())
}

#[test]
fn openssl_signed_files_verify_under_the_accounts_keys() {
    let expected: Value = serde_json::from_str(&common::fixture(
        "keygen-testvector-license-HEAD.decrypted.json",
    ))
    .unwrap();
    let pkcs1 = RsaPublicKey::from_pem(&common::fixture("keygen-openssl-rsa.pkcs1.pem")).unwrap();
    for (name, algorithm) in SIGNINGS {
        let file = LicenseFile::verify(&certificate(name), &keys(), None).unwrap();
        assert_eq!(file.algorithm, algorithm, "{name}");
        assert_eq!(file.algorithm.name(), name);
        assert!(!file.encrypted);
        assert_eq!(file.raw.to_value(), expected, "{name}");
        assert_eq!(file.data.id, expected["data"]["id"].as_str().unwrap());
        // The PKCS#1 form of the same RSA key verifies the same.
        if name.starts_with("rsa") {
            let keys = AccountKeys::new().with_rsa(pkcs1.clone());
            assert!(LicenseFile::verify(&certificate(name), &keys, None).is_ok());
        }
    }
}

#[test]
fn what_is_not_the_accounts_exact_signature_is_refused() {
    let is_signature = |e: &LicenseError| e.is_signature();
    let is_config = |e: &LicenseError| e.is_config();
    let pss = certificate("rsa-pss-sha256");
    let pkcs1 = certificate("rsa-sha256");
    let ecdsa_file = certificate("ecdsa-p256");
    let relabel = |cert: &str, alg: &str| rewrite(cert, |e| e["alg"] = alg.into());
    let retouch = |cert: &str| {
        rewrite(cert, |e| {
            let enc = e["enc"].as_str().unwrap().replacen('e', "f", 1);
            e["enc"] = enc.into();
        })
    };
    let ed25519_only = AccountKeys::from(PublicKey::from_bytes([9; 32]));
    type Check = fn(&LicenseError) -> bool;
    let cases: Vec<(&str, String, AccountKeys, Check)> = vec![
        // Another account's key of the right kind.
        ("foreign rsa-pss", pss.clone(), foreign(), is_signature),
        ("foreign rsa", pkcs1.clone(), foreign(), is_signature),
        ("foreign ecdsa", ecdsa_file.clone(), foreign(), is_signature),
        // The same signature under another algorithm's name.
        (
            "pss as pkcs1",
            relabel(&pss, "base64+rsa-sha256"),
            keys(),
            is_signature,
        ),
        (
            "pkcs1 as pss",
            relabel(&pkcs1, "base64+rsa-pss-sha256"),
            keys(),
            is_signature,
        ),
        (
            "ecdsa as rsa",
            relabel(&ecdsa_file, "base64+rsa-sha256"),
            keys(),
            is_signature,
        ),
        (
            "rsa as ed25519",
            relabel(&pkcs1, "base64+ed25519"),
            keys(),
            is_signature,
        ),
        // Algorithms Keygen does not sign with.
        (
            "sha512",
            relabel(&pkcs1, "base64+rsa-sha512"),
            keys(),
            is_signature,
        ),
        (
            "ed448",
            relabel(&pkcs1, "base64+ed448"),
            keys(),
            is_signature,
        ),
        (
            "no signing",
            relabel(&pkcs1, "base64"),
            keys(),
            is_signature,
        ),
        (
            "rot13",
            relabel(&pkcs1, "rot13+rsa-sha256"),
            keys(),
            is_signature,
        ),
        ("empty", relabel(&pkcs1, ""), keys(), is_signature),
        (
            "upper case",
            relabel(&pkcs1, "base64+RSA-SHA256"),
            keys(),
            is_signature,
        ),
        // One changed character of the signed payload.
        ("tampered pss", retouch(&pss), keys(), is_signature),
        ("tampered rsa", retouch(&pkcs1), keys(), is_signature),
        ("tampered ecdsa", retouch(&ecdsa_file), keys(), is_signature),
        // A key that was not given: a configuration error naming it, never a verdict.
        ("no rsa key", pss.clone(), ed25519_only.clone(), is_config),
        ("no ecdsa key", ecdsa_file.clone(), ed25519_only, is_config),
        ("no key", pkcs1.clone(), AccountKeys::new(), is_config),
    ];
    for (name, certificate, keys, expected) in cases {
        let err = LicenseFile::verify(&certificate, &keys, None).unwrap_err();
        assert!(expected(&err), "{name}: {err:?}");
    }
    // `alg` is outside the signature (Keygen's format): a plain file named encrypted verifies,
    // and then cannot be decrypted.
    let sealed = relabel(&pss, "aes-256-gcm+rsa-pss-sha256");
    let license_key = keyward_keygen::SecretLicenseKey::new("ANY-KEY");
    let err = LicenseFile::verify(&sealed, &keys(), Some(&license_key)).unwrap_err();
    assert!(err.is_signature(), "{err}");
    // The Ed25519 key alone (as before) names the key to add.
    let err = LicenseFile::verify(&pss, &PublicKey::from_bytes([9; 32]), None).unwrap_err();
    assert!(err.is_config() && err.message().contains("RSA"), "{err}");
    // A license file is not a machine file, whatever its algorithm.
    let as_machine = pss.replace("LICENSE FILE", "MACHINE FILE");
    assert!(
        MachineFile::verify(&as_machine, &keys(), None)
            .unwrap_err()
            .is_signature()
    );
}

#[test]
fn keys_that_are_not_the_accounts_kind_are_configuration_errors() {
    let rsa_pem = common::fixture("keygen-openssl-rsa.pub.pem");
    let ecdsa_pem = common::fixture("keygen-openssl-ecdsa.pub.pem");
    let private = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    for bad in [ecdsa_pem.as_str(), "", "nope", private, &rsa_pem[..100]] {
        assert!(
            RsaPublicKey::from_pem(bad).unwrap_err().is_config(),
            "{bad}"
        );
    }
    for bad in [rsa_pem.as_str(), "", "nope", private] {
        assert!(
            EcdsaPublicKey::from_pem(bad).unwrap_err().is_config(),
            "{bad}"
        );
    }
    assert!(RsaPublicKey::from_der(b"\x30\x00").unwrap_err().is_config());
    let build = |rsa: &str, ecdsa: &str| {
        Client::builder()
            .base_url("http://127.0.0.1:9")
            .rsa_public_key(rsa)
            .ecdsa_public_key(ecdsa)
            .build()
    };
    assert!(build(&ecdsa_pem, &ecdsa_pem).unwrap_err().is_config());
    assert!(build(&rsa_pem, &rsa_pem).unwrap_err().is_config());
    let client = build(&rsa_pem, &ecdsa_pem).unwrap();
    let keys = client.account_keys();
    assert!(
        keys.supports(SigningAlgorithm::RsaPssSha256) && keys.supports(SigningAlgorithm::EcdsaP256)
    );
    assert!(!keys.supports(SigningAlgorithm::Ed25519) && client.public_key().is_none());
    assert!(!client.verifies_responses());
    assert!(LicenseFile::verify(&certificate("rsa-sha256"), keys, None).is_ok());
    // From the environment: a PEM on one line with `\n`, or with its newlines.
    let from_env = |rsa: String| {
        let ecdsa_pem = ecdsa_pem.clone();
        Client::builder()
            .from_env_with(move |name| match name {
                "KEYGEN_TOKEN" => Some("prod-token".into()),
                "KEYGEN_BASE_URL" => Some("http://127.0.0.1:9".into()),
                "KEYGEN_RSA_PUBLIC_KEY" => Some(rsa.clone()),
                "KEYGEN_ECDSA_PUBLIC_KEY" => Some(ecdsa_pem.clone()),
                _ => None,
            })
            .unwrap()
            .build()
    };
    let client = from_env(rsa_pem.replace('\n', "\\n")).unwrap();
    for (name, _) in SIGNINGS {
        assert!(LicenseFile::verify(&certificate(name), client.account_keys(), None).is_ok());
    }
    assert!(from_env(ecdsa_pem.clone()).unwrap_err().is_config());
}
