//! The algorithm of a check-out and the key that signs it (`abstract_checkout_service.rb`):
//! `<encoding>+<signing>`, the encoding `base64` or `aes-256-gcm` (encrypted), the signing
//! `ed25519`, `rsa-pss-sha256`, `rsa-sha256` or `ecdsa-p256`; without one, the license's key
//! scheme chooses the signing (`license_checkout_service.rb`, `machine_checkout_service.rb`).
//! Keygen's account holds an RSA-2048 and an ECDSA P-256 key beside its Ed25519 one: the
//! emulator makes them on the first check-out that needs them (random, one per emulator).

use std::fmt;
use std::sync::{Arc, OnceLock};

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256,
    RsaEncoding, RsaKeyPair, RsaPssSaltLength, RsaSignatureEncoding,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::state::State;
use crate::shell::Emulator;

/// Ruby's `sign_pss(…, salt_length: :max, mgf1_hash: 'SHA256')`.
const RSA_PSS_SHA256_MAX_SALT: RsaSignatureEncoding =
    RSA_PSS_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);

/// A check-out's signing algorithm (`SIGNING_ALGORITHMS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signing {
    Ed25519,
    RsaPssSha256,
    RsaSha256,
    EcdsaP256,
}

impl Signing {
    fn named(name: &str) -> Option<Self> {
        Some(match name {
            "ed25519" => Self::Ed25519,
            "rsa-pss-sha256" => Self::RsaPssSha256,
            "rsa-sha256" => Self::RsaSha256,
            "ecdsa-p256" => Self::EcdsaP256,
            _ => return None,
        })
    }

    /// Its name in `alg`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Ed25519 => "ed25519",
            Self::RsaPssSha256 => "rsa-pss-sha256",
            Self::RsaSha256 => "rsa-sha256",
            Self::EcdsaP256 => "ecdsa-p256",
        }
    }

    /// The signing a license of `scheme` is checked out with when no algorithm is asked for.
    pub(crate) fn of_scheme(scheme: Option<&str>) -> Self {
        match scheme {
            Some("RSA_2048_PKCS1_PSS_SIGN_V2" | "RSA_2048_PKCS1_PSS_SIGN") => Self::RsaPssSha256,
            Some(
                "RSA_2048_PKCS1_SIGN_V2"
                | "RSA_2048_PKCS1_SIGN"
                | "RSA_2048_PKCS1_ENCRYPT"
                | "RSA_2048_JWT_RS256",
            ) => Self::RsaSha256,
            Some("ECDSA_P256_SIGN") => Self::EcdsaP256,
            _ => Self::Ed25519,
        }
    }
}

/// Whether the check-out is encrypted, and how it is signed, as the `algorithm` asked for
/// says (`None`: none asked, an empty one is none: `encrypt` and the license's scheme
/// ([`Signing::of_scheme`]) decide); `Err` is the 400's detail.
pub(crate) fn asked_algorithm(
    asked: Option<&str>,
) -> Result<Option<(bool, Signing)>, &'static str> {
    let Some(asked) = asked.filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    let (encoding, signing) = asked.split_once('+').unwrap_or((asked, ""));
    let encrypted = match encoding {
        "aes-256-gcm" => true,
        "base64" => false,
        _ => return Err("invalid encoding algorithm"),
    };
    let signing = Signing::named(signing).ok_or("invalid signing algorithm")?;
    Ok(Some((encrypted, signing)))
}

/// The account's RSA and ECDSA keys, made on first use and shared by the state's copies.
#[derive(Clone, Default)]
pub(crate) struct CheckoutKeys {
    rsa: Arc<OnceLock<Option<RsaKeyPair>>>,
    ecdsa: Arc<OnceLock<Option<EcdsaKeyPair>>>,
}

impl fmt::Debug for CheckoutKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CheckoutKeys { .. }")
    }
}

impl Emulator<State> {
    /// The account's RSA-2048 public key, PEM (`-----BEGIN PUBLIC KEY-----`, as Keygen's
    /// account `publicKey`): what verifies check-outs signed `rsa-pss-sha256` (maximum salt
    /// length) or `rsa-sha256`. Empty if the key could not be made.
    pub fn rsa_public_key_pem(&self) -> String {
        self.read(|state| state.checkout_keys.rsa_public_pem())
            .unwrap_or_default()
    }

    /// The account's ECDSA P-256 public key, PEM: what verifies check-outs signed
    /// `ecdsa-p256` (DER signatures over SHA-256). Empty if the key could not be made.
    pub fn ecdsa_public_key_pem(&self) -> String {
        self.read(|state| state.checkout_keys.ecdsa_public_pem())
            .unwrap_or_default()
    }
}

/// `der` as a PEM `PUBLIC KEY` (64 base64 characters a line).
fn public_key_pem(der: &[u8]) -> String {
    let encoded = STANDARD.encode(der);
    let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
    for line in encoded.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).unwrap_or_default());
        pem.push('\n');
    }
    pem.push_str("-----END PUBLIC KEY-----\n");
    pem
}

impl CheckoutKeys {
    fn rsa(&self) -> Option<&RsaKeyPair> {
        self.rsa
            .get_or_init(|| RsaKeyPair::generate(KeySize::Rsa2048).ok())
            .as_ref()
    }

    fn ecdsa(&self) -> Option<&EcdsaKeyPair> {
        self.ecdsa
            .get_or_init(|| EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).ok())
            .as_ref()
    }

    fn rsa_public_pem(&self) -> Option<String> {
        let der: PublicKeyX509Der<'_> = self.rsa()?.public_key().as_der().ok()?;
        Some(public_key_pem(der.as_ref()))
    }

    fn ecdsa_public_pem(&self) -> Option<String> {
        let der: PublicKeyX509Der<'_> = self.ecdsa()?.public_key().as_der().ok()?;
        Some(public_key_pem(der.as_ref()))
    }

    /// The signature of `message` under `signing` (Ed25519 under `seed`), base64; `None` when
    /// the key could not be made.
    pub(crate) fn sign(&self, seed: &[u8; 32], signing: Signing, message: &[u8]) -> Option<String> {
        let rsa = |encoding: &'static dyn RsaEncoding| {
            let pair = self.rsa()?;
            let mut signature = vec![0; pair.public_modulus_len()];
            pair.sign(encoding, &SystemRandom::new(), message, &mut signature)
                .ok()?;
            Some(STANDARD.encode(signature))
        };
        match signing {
            Signing::Ed25519 => Some(super::sign::sign(seed, message)),
            Signing::RsaPssSha256 => rsa(&RSA_PSS_SHA256_MAX_SALT),
            Signing::RsaSha256 => rsa(&RSA_PKCS1_SHA256),
            Signing::EcdsaP256 => {
                let pair = self.ecdsa()?;
                let signature = pair.sign(&SystemRandom::new(), message).ok()?;
                Some(STANDARD.encode(signature.as_ref()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_ASN1, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
        UnparsedPublicKey, VerificationAlgorithm,
    };

    use super::*;

    #[test]
    fn the_algorithm_is_the_asked_one_else_the_schemes() {
        for (asked, expected) in [
            (None, Ok(None)),
            (Some(""), Ok(None)),
            (
                Some("base64+rsa-sha256"),
                Ok(Some((false, Signing::RsaSha256))),
            ),
            (
                Some("aes-256-gcm+ecdsa-p256"),
                Ok(Some((true, Signing::EcdsaP256))),
            ),
            (
                Some("base64+rsa-pss-sha256"),
                Ok(Some((false, Signing::RsaPssSha256))),
            ),
            (
                Some("aes-256-gcm+ed25519"),
                Ok(Some((true, Signing::Ed25519))),
            ),
            (Some("foo+ed25519"), Err("invalid encoding algorithm")),
            (Some("base64+foo"), Err("invalid signing algorithm")),
            (Some("base64"), Err("invalid signing algorithm")),
        ] {
            assert_eq!(asked_algorithm(asked), expected, "{asked:?}");
        }
        for (scheme, signing) in [
            (None, Signing::Ed25519),
            (Some("ED25519_SIGN"), Signing::Ed25519),
            (Some("LEGACY_ENCRYPT"), Signing::Ed25519),
            (Some("RSA_2048_PKCS1_PSS_SIGN_V2"), Signing::RsaPssSha256),
            (Some("RSA_2048_PKCS1_PSS_SIGN"), Signing::RsaPssSha256),
            (Some("RSA_2048_JWT_RS256"), Signing::RsaSha256),
            (Some("RSA_2048_PKCS1_ENCRYPT"), Signing::RsaSha256),
            (Some("ECDSA_P256_SIGN"), Signing::EcdsaP256),
        ] {
            assert_eq!(Signing::of_scheme(scheme), signing, "{scheme:?}");
        }
    }

    #[test]
    fn rsa_and_ecdsa_signatures_verify_under_the_accounts_keys() {
        let keys = CheckoutKeys::default();
        let message = b"license/eyJ9";
        let verify = |alg: &'static dyn VerificationAlgorithm, public: &[u8], sig: &str| {
            let sig = STANDARD.decode(sig).unwrap();
            UnparsedPublicKey::new(alg, public).verify(message, &sig)
        };
        // The public keys as the emulator gives them: PEM, SubjectPublicKeyInfo.
        let der = |pem: Option<String>| {
            let pem = pem.unwrap();
            let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"), "{pem}");
            STANDARD.decode(body).unwrap()
        };
        let pss = keys.sign(&[7; 32], Signing::RsaPssSha256, message).unwrap();
        let pkcs1 = keys.sign(&[7; 32], Signing::RsaSha256, message).unwrap();
        let public = &der(keys.rsa_public_pem());
        // Keygen's maximum salt: a verifier that expects it (or detects it) accepts.
        const PSS_MAX: aws_lc_rs::signature::RsaParameters =
            RSA_PSS_2048_8192_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);
        assert!(verify(&PSS_MAX, public, &pss).is_ok());
        assert!(verify(&RSA_PKCS1_2048_8192_SHA256, public, &pkcs1).is_ok());
        assert!(verify(&RSA_PKCS1_2048_8192_SHA256, public, &pss).is_err());
        let ecdsa = keys.sign(&[7; 32], Signing::EcdsaP256, message).unwrap();
        let public = &der(keys.ecdsa_public_pem());
        assert!(verify(&ECDSA_P256_SHA256_ASN1, public, &ecdsa).is_ok());
        assert!(verify(&ECDSA_P256_SHA256_ASN1, public, &pss).is_err());
    }
}
