//! Signed license keys of every signed scheme (keygen-api `license.rb` `generate_*_signed_key!`,
//! the `key/` form and the first RSA schemes' bare form): signed here in Keygen's exact form with generated RSA-2048 and
//! ECDSA P-256 keys, verified with the account's public keys as PEM; a key of another scheme,
//! another account, a changed dataset or a missing key is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256,
    RsaKeyPair, RsaPssSaltLength, RsaSignatureEncoding,
};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use keyward_keygen::{
    AccountKeys, EcdsaPublicKey, KeyScheme, RsaPublicKey, SecretLicenseKey, SignedKey, SigningKey,
};

/// Ruby's `sign_pss(…, salt_length: :max, mgf1_hash: 'SHA256')`.
const PSS_MAX_SALT: RsaSignatureEncoding =
    RSA_PSS_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);

const DATASET: &str = r#"{"license":{"id":"f3d657de-2b50-4adf-867b-ef03dc86a3fe","expiry":null}}"#;

/// An account's private keys, as Keygen holds them.
struct Account {
    ed25519: SigningKey,
    rsa: RsaKeyPair,
    ecdsa: EcdsaKeyPair,
}

impl Account {
    fn generate() -> Self {
        Self {
            ed25519: SigningKey::generate().unwrap(),
            rsa: RsaKeyPair::generate(KeySize::Rsa2048).unwrap(),
            ecdsa: EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).unwrap(),
        }
    }

    /// Its public keys as Keygen shows them: hex, and PEM `PUBLIC KEY`s.
    fn public(&self) -> AccountKeys {
        let pem = |der: PublicKeyX509Der<'_>| {
            let body = STANDARD.encode(der.as_ref());
            format!("-----BEGIN PUBLIC KEY-----\n{body}\n-----END PUBLIC KEY-----\n")
        };
        let rsa = pem(self.rsa.public_key().as_der().unwrap());
        let ecdsa = pem(self.ecdsa.public_key().as_der().unwrap());
        AccountKeys::new()
            .with_ed25519(self.ed25519.public_key())
            .with_rsa(RsaPublicKey::from_pem(&rsa).unwrap())
            .with_ecdsa(EcdsaPublicKey::from_pem(&ecdsa).unwrap())
    }

    /// `key/<base64url dataset>.<base64url signature>`, or for the first RSA schemes
    /// `<base64url dataset>.<base64url signature>` over the dataset, as `license.rb` makes them.
    fn sign(&self, scheme: KeyScheme, dataset: &str) -> String {
        let first = matches!(
            scheme,
            KeyScheme::Rsa2048Pkcs1PssSign | KeyScheme::Rsa2048Pkcs1Sign
        );
        let encoded = URL_SAFE.encode(dataset);
        let signing_data = if first {
            encoded
        } else {
            format!("key/{encoded}")
        };
        let message = if first {
            dataset.as_bytes()
        } else {
            signing_data.as_bytes()
        };
        let rng = SystemRandom::new();
        let rsa = |encoding: &'static RsaSignatureEncoding| {
            let mut signature = vec![0; self.rsa.public_modulus_len()];
            self.rsa
                .sign(encoding, &rng, message, &mut signature)
                .unwrap();
            signature
        };
        let signature = match scheme {
            KeyScheme::Ed25519Sign => self.ed25519.sign(message),
            KeyScheme::Rsa2048Pkcs1PssSignV2 | KeyScheme::Rsa2048Pkcs1PssSign => rsa(&PSS_MAX_SALT),
            KeyScheme::Rsa2048Pkcs1SignV2 | KeyScheme::Rsa2048Pkcs1Sign => rsa(&RSA_PKCS1_SHA256),
            KeyScheme::EcdsaP256Sign => self.ecdsa.sign(&rng, message).unwrap().as_ref().to_vec(),
            _ => unreachable!(),
        };
        format!("{signing_data}.{}", URL_SAFE.encode(signature))
    }
}

const SCHEMES: [KeyScheme; 6] = [
    KeyScheme::Ed25519Sign,
    KeyScheme::Rsa2048Pkcs1PssSignV2,
    KeyScheme::Rsa2048Pkcs1SignV2,
    KeyScheme::EcdsaP256Sign,
    KeyScheme::Rsa2048Pkcs1PssSign,
    KeyScheme::Rsa2048Pkcs1Sign,
];

#[test]
fn keys_of_every_signed_scheme_verify_and_nothing_else_does() {
    let account = Account::generate();
    let keys = account.public();
    let foreign = Account::generate().public();
    for scheme in SCHEMES {
        let signed = SecretLicenseKey::new(account.sign(scheme, DATASET));
        let verified = SignedKey::verify(&signed, &keys, scheme).unwrap();
        assert_eq!(
            verified.dataset(),
            serde_json::from_str::<serde_json::Value>(DATASET).unwrap()
        );
        assert_eq!(verified.scheme, scheme);
        assert_eq!(KeyScheme::from_name(scheme.name()), Some(scheme));
        // Under another scheme's name, or another account's keys: refused.
        for other in SCHEMES.into_iter().filter(|s| *s != scheme) {
            let err = SignedKey::verify(&signed, &keys, other).unwrap_err();
            assert!(err.is_signature(), "{scheme:?} as {other:?}: {err}");
        }
        let err = SignedKey::verify(&signed, &foreign, scheme).unwrap_err();
        assert!(err.is_signature(), "{scheme:?}: {err}");
        // A changed dataset.
        let text = account.sign(scheme, DATASET).replacen("eyJ", "eyK", 1);
        let err = SignedKey::verify(&SecretLicenseKey::new(text), &keys, scheme).unwrap_err();
        assert!(err.is_signature(), "{scheme:?}: {err}");
        // Without the scheme's key: a configuration error, never a verdict.
        let err = SignedKey::verify(&signed, &AccountKeys::new(), scheme).unwrap_err();
        assert!(err.is_config(), "{scheme:?}: {err}");
    }
    // Schemes whose keys are of another form.
    for name in [
        "RSA_2048_PKCS1_ENCRYPT",
        "RSA_2048_JWT_RS256",
        "LEGACY_ENCRYPT",
        "ed25519_sign",
        "",
    ] {
        assert_eq!(KeyScheme::from_name(name), None, "{name}");
    }
}
