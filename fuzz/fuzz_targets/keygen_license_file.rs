//! keygen: license and machine files. Any bytes as a certificate of either kind, with and
//! without a decryption key: never a panic, never the license key in an error. A certificate
//! signed here over any payload, with any of Keygen's signing algorithms (Ed25519, RSA-PSS with
//! the maximum salt, RSA PKCS#1 v1.5, ECDSA P-256): refused only when a byte of it changed.
#![no_main]

use std::sync::OnceLock;

use arbitrary::Arbitrary;
use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RSA_PSS_SHA256,
    RsaKeyPair, RsaPssSaltLength, RsaSignatureEncoding,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use keyward_keygen::{
    AccountKeys, EcdsaPublicKey, LicenseFile, MachineFile, RsaPublicKey, SecretLicenseKey,
    SigningKey,
};
use libfuzzer_sys::fuzz_target;

/// Ruby's `sign_pss(…, salt_length: :max, mgf1_hash: 'SHA256')`.
const PSS_MAX_SALT: RsaSignatureEncoding =
    RSA_PSS_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);

/// The account's private keys (made once: an RSA key takes long to make) and its public keys.
struct Account {
    ed25519: SigningKey,
    rsa: RsaKeyPair,
    ecdsa: EcdsaKeyPair,
    keys: AccountKeys,
}

fn account() -> Option<&'static Account> {
    static ACCOUNT: OnceLock<Option<Account>> = OnceLock::new();
    ACCOUNT
        .get_or_init(|| {
            let ed25519 = SigningKey::from_seed(&[9; 32]).ok()?;
            let rsa = RsaKeyPair::generate(KeySize::Rsa2048).ok()?;
            let ecdsa = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_ASN1_SIGNING).ok()?;
            let rsa_der: PublicKeyX509Der<'_> = rsa.public_key().as_der().ok()?;
            let ecdsa_der: PublicKeyX509Der<'_> = ecdsa.public_key().as_der().ok()?;
            let keys = AccountKeys::new()
                .with_ed25519(ed25519.public_key())
                .with_rsa(RsaPublicKey::from_der(rsa_der.as_ref()).ok()?)
                .with_ecdsa(EcdsaPublicKey::from_der(ecdsa_der.as_ref()).ok()?);
            Some(Account { ed25519, rsa, ecdsa, keys })
        })
        .as_ref()
}

impl Account {
    /// The signature of `message` under signing `which` (of 4), and its name in `alg`.
    fn sign(&self, which: u8, message: &[u8]) -> Option<(Vec<u8>, &'static str)> {
        let rng = SystemRandom::new();
        let rsa = |encoding: &'static RsaSignatureEncoding| {
            let mut signature = vec![0; self.rsa.public_modulus_len()];
            self.rsa.sign(encoding, &rng, message, &mut signature).ok()?;
            Some(signature)
        };
        Some(match which % 4 {
            0 => (self.ed25519.sign(message), "ed25519"),
            1 => (rsa(&PSS_MAX_SALT)?, "rsa-pss-sha256"),
            2 => (rsa(&RSA_PKCS1_SHA256)?, "rsa-sha256"),
            _ => (self.ecdsa.sign(&rng, message).ok()?.as_ref().to_vec(), "ecdsa-p256"),
        })
    }
}

const LICENSE_KEY: &str = "CANARY-KEYGEN-LICENSE-7f3a41";

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    raw: &'a [u8],
    payload: &'a str,
    machine: bool,
    signing: u8,
    flip: Option<u16>,
}

fuzz_target!(|input: Input<'_>| {
    let Some(account) = account() else {
        return;
    };
    let key = &account.keys;
    let license_key = SecretLicenseKey::new(LICENSE_KEY);
    let text = String::from_utf8_lossy(input.raw);
    for result in [
        LicenseFile::verify(&text, key, Some(&license_key)).map(drop),
        LicenseFile::verify(&text, key, None).map(drop),
        MachineFile::verify(&text, key, Some((&license_key, "fp"))).map(drop),
    ] {
        if let Err(e) = result {
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(LICENSE_KEY), "{shown}");
        }
    }

    let (prefix, label) = if input.machine {
        ("machine/", "MACHINE FILE")
    } else {
        ("license/", "LICENSE FILE")
    };
    let enc = STANDARD.encode(input.payload.as_bytes());
    let Some((sig, signing)) = account.sign(input.signing, format!("{prefix}{enc}").as_bytes())
    else {
        return;
    };
    let sig = STANDARD.encode(sig);
    let alg = format!("base64+{signing}");
    let envelope = serde_json::json!({"enc": enc, "sig": sig, "alg": alg}).to_string();
    let mut body = STANDARD.encode(envelope.as_bytes()).into_bytes();
    let flipped = input.flip.map(|at| {
        let i = usize::from(at) % body.len();
        body[i] = if body[i] == b'A' { b'B' } else { b'A' };
    });
    let certificate = format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        String::from_utf8_lossy(&body)
    );
    let verdict = if input.machine {
        MachineFile::verify(&certificate, key, None).map(drop)
    } else {
        LicenseFile::verify(&certificate, key, None).map(drop)
    };
    match (flipped, verdict) {
        // Untouched: it verifies; only a payload that is not a license or machine document fails.
        (None, Err(e)) => assert!(!e.is_signature(), "{e}"),
        // A changed byte of the envelope is never read as genuine.
        (Some(()), Ok(())) => panic!("a changed certificate was accepted"),
        _ => {}
    }
});
