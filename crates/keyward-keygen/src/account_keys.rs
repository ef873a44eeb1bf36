//! The account's public keys and the algorithms Keygen signs check-outs and keys with
//! (`abstract_checkout_service.rb` `SIGNING_ALGORITHMS`; the account's keys in `account.rb`).
//!
//! Keygen gives every account three key pairs: Ed25519 (the public key shown as 64 hex
//! characters), RSA-2048 (the account's `publicKey`, a PEM `PUBLIC KEY`) and ECDSA P-256 (a PEM
//! `PUBLIC KEY`). A file or key names its algorithm, and only the key of that algorithm, used
//! exactly as Keygen signs with it, can verify it: `rsa-pss-sha256` is RSA-PSS over SHA-256 with
//! MGF1-SHA-256 and the maximum salt length (Ruby's `salt_length: :max`), `rsa-sha256` is
//! RSASSA-PKCS1-v1_5 over SHA-256, `ecdsa-p256` is ECDSA P-256 over SHA-256 with a DER
//! signature. Verification is aws-lc-rs's.

use std::fmt;

use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_ASN1, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PSS_2048_8192_SHA256,
    RsaParameters, RsaPssSaltLength,
};
use keyward_core::LicenseError;

use crate::client::PROVIDER;
use crate::keys::PublicKey;
use crate::signatures::refused;

/// Ruby's `sign_pss(SHA256, data, salt_length: :max, mgf1_hash: 'SHA256')`.
const RSA_PSS_SHA256_MAX_SALT: RsaParameters =
    RSA_PSS_2048_8192_SHA256.with_pss_salt_length(RsaPssSaltLength::Max);

/// How Keygen signed a check-out or a signed key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// `ed25519`: the account's Ed25519 key (Keygen's default).
    #[default]
    Ed25519,
    /// `rsa-pss-sha256`: the account's RSA key, PSS with the maximum salt length.
    RsaPssSha256,
    /// `rsa-sha256`: the account's RSA key, PKCS#1 v1.5.
    RsaSha256,
    /// `ecdsa-p256`: the account's ECDSA P-256 key, DER signatures.
    EcdsaP256,
}

impl SigningAlgorithm {
    /// The algorithm of a name as Keygen writes it (`rsa-pss-sha256`); `None` for another.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "ed25519" => Self::Ed25519,
            "rsa-pss-sha256" => Self::RsaPssSha256,
            "rsa-sha256" => Self::RsaSha256,
            "ecdsa-p256" => Self::EcdsaP256,
            _ => return None,
        })
    }

    /// Its name as Keygen writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ed25519 => "ed25519",
            Self::RsaPssSha256 => "rsa-pss-sha256",
            Self::RsaSha256 => "rsa-sha256",
            Self::EcdsaP256 => "ecdsa-p256",
        }
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The account's RSA-2048 public key (its `publicKey`): verifies `rsa-pss-sha256` and
/// `rsa-sha256`. Not a secret.
#[derive(Clone)]
pub struct RsaPublicKey {
    pss: ParsedPublicKey,
    pkcs1: ParsedPublicKey,
}

impl RsaPublicKey {
    /// Reads a PEM key as Keygen shows it (`-----BEGIN PUBLIC KEY-----`, or PKCS#1
    /// `-----BEGIN RSA PUBLIC KEY-----`; newlines may be written `\n`); anything else is a
    /// configuration error.
    pub fn from_pem(pem: &str) -> Result<Self, LicenseError> {
        Self::from_der(&pem_der(pem, &["PUBLIC KEY", "RSA PUBLIC KEY"], "RSA")?)
    }

    /// Reads a DER key (SubjectPublicKeyInfo or PKCS#1) of 2048 to 8192 bits.
    pub fn from_der(der: &[u8]) -> Result<Self, LicenseError> {
        let parse = |params: &'static RsaParameters| {
            ParsedPublicKey::new(params, der).map_err(|_| {
                LicenseError::config(
                    "the Keygen RSA public key is not an RSA key of 2048 to 8192 bits",
                )
                .with_provider(PROVIDER)
            })
        };
        Ok(Self {
            pss: parse(&RSA_PSS_SHA256_MAX_SALT)?,
            pkcs1: parse(&RSA_PKCS1_2048_8192_SHA256)?,
        })
    }
}

impl fmt::Debug for RsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RsaPublicKey(..)")
    }
}

/// The account's ECDSA P-256 public key: verifies `ecdsa-p256`. Not a secret.
#[derive(Clone)]
pub struct EcdsaPublicKey {
    key: ParsedPublicKey,
}

impl EcdsaPublicKey {
    /// Reads a PEM key as Keygen keeps it (`-----BEGIN PUBLIC KEY-----`; newlines may be
    /// written `\n`).
    pub fn from_pem(pem: &str) -> Result<Self, LicenseError> {
        Self::from_der(&pem_der(pem, &["PUBLIC KEY"], "ECDSA")?)
    }

    /// Reads a DER key: SubjectPublicKeyInfo, or the uncompressed point.
    pub fn from_der(der: &[u8]) -> Result<Self, LicenseError> {
        let key = ParsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, der).map_err(|_| {
            LicenseError::config("the Keygen ECDSA public key is not a P-256 key")
                .with_provider(PROVIDER)
        })?;
        Ok(Self { key })
    }
}

impl fmt::Debug for EcdsaPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EcdsaPublicKey(..)")
    }
}

/// The DER inside one PEM block whose label is one of `labels`. Newlines written `\n` (a PEM
/// kept on one line, as in a `.env` file) are read as newlines: no PEM holds a backslash.
fn pem_der(text: &str, labels: &[&str], kind: &str) -> Result<Vec<u8>, LicenseError> {
    let block = pem::parse(text.trim().replace("\\n", "\n")).map_err(|_| {
        LicenseError::config(format!("the Keygen {kind} public key is not PEM"))
            .with_provider(PROVIDER)
    })?;
    if !labels.contains(&block.tag()) {
        return Err(LicenseError::config(format!(
            "the Keygen {kind} public key must be a PEM `{}`",
            labels.join("` or `")
        ))
        .with_provider(PROVIDER));
    }
    Ok(block.into_contents())
}

/// The account's public keys a file or signed key is verified with: each algorithm needs its
/// key, and one that is not given refuses what it signed (a configuration error naming it).
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct AccountKeys {
    ed25519: Option<PublicKey>,
    rsa: Option<RsaPublicKey>,
    ecdsa: Option<EcdsaPublicKey>,
}

impl AccountKeys {
    /// No key yet: nothing verifies.
    pub fn new() -> Self {
        Self::default()
    }

    /// With the Ed25519 key (verifies `ed25519`).
    pub fn with_ed25519(mut self, key: PublicKey) -> Self {
        self.ed25519 = Some(key);
        self
    }

    /// With the RSA key (verifies `rsa-pss-sha256` and `rsa-sha256`).
    pub fn with_rsa(mut self, key: RsaPublicKey) -> Self {
        self.rsa = Some(key);
        self
    }

    /// With the ECDSA P-256 key (verifies `ecdsa-p256`).
    pub fn with_ecdsa(mut self, key: EcdsaPublicKey) -> Self {
        self.ecdsa = Some(key);
        self
    }

    /// The Ed25519 key, when given.
    pub fn ed25519(&self) -> Option<&PublicKey> {
        self.ed25519.as_ref()
    }

    /// Whether no key is given.
    pub fn is_empty(&self) -> bool {
        self.ed25519.is_none() && self.rsa.is_none() && self.ecdsa.is_none()
    }

    /// Whether the key `algorithm` needs is given.
    pub fn supports(&self, algorithm: SigningAlgorithm) -> bool {
        match algorithm {
            SigningAlgorithm::Ed25519 => self.ed25519.is_some(),
            SigningAlgorithm::RsaPssSha256 | SigningAlgorithm::RsaSha256 => self.rsa.is_some(),
            SigningAlgorithm::EcdsaP256 => self.ecdsa.is_some(),
        }
    }
}

/// What verifies Keygen's signatures: the account's [`AccountKeys`], or its Ed25519
/// [`PublicKey`] alone (then anything signed another way is a configuration error).
pub trait VerifyingKeys: sealed::Sealed {
    /// Checks that `signature` is the `algorithm` signature of exactly `message` under the
    /// account's key: a signature error when it is not, a configuration error when the key
    /// `algorithm` needs was not given.
    fn verify_signed(
        &self,
        algorithm: SigningAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), LicenseError>;
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::AccountKeys {}
    impl Sealed for super::PublicKey {}
}

impl VerifyingKeys for PublicKey {
    fn verify_signed(
        &self,
        algorithm: SigningAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), LicenseError> {
        AccountKeys::from(self).verify_signed(algorithm, message, signature)
    }
}

impl VerifyingKeys for AccountKeys {
    fn verify_signed(
        &self,
        algorithm: SigningAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), LicenseError> {
        let missing = |key: &str, with: &str| {
            LicenseError::config(format!(
                "signed {algorithm}: the account's {key} public key is needed (AccountKeys::{with})"
            ))
            .with_provider(PROVIDER)
        };
        let verified = match algorithm {
            SigningAlgorithm::Ed25519 => self
                .ed25519
                .as_ref()
                .ok_or_else(|| missing("Ed25519", "with_ed25519"))?
                .verifies(message, signature),
            SigningAlgorithm::RsaPssSha256 | SigningAlgorithm::RsaSha256 => {
                let rsa = self
                    .rsa
                    .as_ref()
                    .ok_or_else(|| missing("RSA", "with_rsa"))?;
                let key = match algorithm {
                    SigningAlgorithm::RsaPssSha256 => &rsa.pss,
                    _ => &rsa.pkcs1,
                };
                key.verify_sig(message, signature).is_ok()
            }
            SigningAlgorithm::EcdsaP256 => self
                .ecdsa
                .as_ref()
                .ok_or_else(|| missing("ECDSA", "with_ecdsa"))?
                .key
                .verify_sig(message, signature)
                .is_ok(),
        };
        if verified {
            Ok(())
        } else {
            Err(refused(&format!(
                "the {algorithm} signature does not match the account's key"
            )))
        }
    }
}

impl From<PublicKey> for AccountKeys {
    fn from(key: PublicKey) -> Self {
        Self::new().with_ed25519(key)
    }
}

impl From<&PublicKey> for AccountKeys {
    fn from(key: &PublicKey) -> Self {
        Self::new().with_ed25519(key.clone())
    }
}
