//! Signed license keys (keygen-api `license.rb` `generate_*_signed_key!`):
//! `key/<base64url dataset>.<base64url signature>` for `ED25519_SIGN`,
//! `RSA_2048_PKCS1_PSS_SIGN_V2`, `RSA_2048_PKCS1_SIGN_V2` and `ECDSA_P256_SIGN`, the signature
//! covering `key/` and the dataset part exactly as written in the key (keygen-go `verifyKey`);
//! `<base64url dataset>.<base64url signature>` for the first RSA schemes `RSA_2048_PKCS1_SIGN`
//! and `RSA_2048_PKCS1_PSS_SIGN`, the signature covering the decoded dataset.
//!
//! The signature is checked under the account's key of the scheme's algorithm
//! ([`SigningAlgorithm`]); the dataset is read only after it verifies. An app can then trust the
//! key's embedded license (id, expiry, policy) offline. The scheme is the caller's (the
//! policy's), never read from the key. `RSA_2048_PKCS1_ENCRYPT` (RSA-encrypted keys) and
//! `RSA_2048_JWT_RS256` (JWTs) are not signed keys of this kind and are not verified here.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use keyward_core::{LicenseError, RawJson, SecretLicenseKey};
use serde_json::Value;

use crate::account_keys::{SigningAlgorithm, VerifyingKeys};
use crate::signatures::refused;

/// A policy's key scheme whose keys are signed `key/<dataset>.<signature>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyScheme {
    /// `ED25519_SIGN`: Ed25519.
    Ed25519Sign,
    /// `RSA_2048_PKCS1_PSS_SIGN_V2`: RSA-PSS, SHA-256, maximum salt.
    Rsa2048Pkcs1PssSignV2,
    /// `RSA_2048_PKCS1_SIGN_V2`: RSA PKCS#1 v1.5, SHA-256.
    Rsa2048Pkcs1SignV2,
    /// `ECDSA_P256_SIGN`: ECDSA P-256, SHA-256, DER signature.
    EcdsaP256Sign,
    /// `RSA_2048_PKCS1_PSS_SIGN` (the first version): RSA-PSS over the dataset, no `key/`.
    Rsa2048Pkcs1PssSign,
    /// `RSA_2048_PKCS1_SIGN` (the first version): RSA PKCS#1 v1.5 over the dataset, no `key/`.
    Rsa2048Pkcs1Sign,
}

impl KeyScheme {
    /// The scheme of a policy's `scheme` name; `None` for one whose keys are not of this form.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "ED25519_SIGN" => Self::Ed25519Sign,
            "RSA_2048_PKCS1_PSS_SIGN_V2" => Self::Rsa2048Pkcs1PssSignV2,
            "RSA_2048_PKCS1_SIGN_V2" => Self::Rsa2048Pkcs1SignV2,
            "ECDSA_P256_SIGN" => Self::EcdsaP256Sign,
            "RSA_2048_PKCS1_PSS_SIGN" => Self::Rsa2048Pkcs1PssSign,
            "RSA_2048_PKCS1_SIGN" => Self::Rsa2048Pkcs1Sign,
            _ => return None,
        })
    }

    /// Its name as Keygen writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Ed25519Sign => "ED25519_SIGN",
            Self::Rsa2048Pkcs1PssSignV2 => "RSA_2048_PKCS1_PSS_SIGN_V2",
            Self::Rsa2048Pkcs1SignV2 => "RSA_2048_PKCS1_SIGN_V2",
            Self::EcdsaP256Sign => "ECDSA_P256_SIGN",
            Self::Rsa2048Pkcs1PssSign => "RSA_2048_PKCS1_PSS_SIGN",
            Self::Rsa2048Pkcs1Sign => "RSA_2048_PKCS1_SIGN",
        }
    }

    /// How its keys are signed.
    pub fn signing(self) -> SigningAlgorithm {
        match self {
            Self::Ed25519Sign => SigningAlgorithm::Ed25519,
            Self::Rsa2048Pkcs1PssSignV2 | Self::Rsa2048Pkcs1PssSign => {
                SigningAlgorithm::RsaPssSha256
            }
            Self::Rsa2048Pkcs1SignV2 | Self::Rsa2048Pkcs1Sign => SigningAlgorithm::RsaSha256,
            Self::EcdsaP256Sign => SigningAlgorithm::EcdsaP256,
        }
    }

    /// Whether its keys sign `key/<dataset>` as written (else the decoded dataset).
    fn signs_key_prefix(self) -> bool {
        !matches!(self, Self::Rsa2048Pkcs1PssSign | Self::Rsa2048Pkcs1Sign)
    }
}

/// Base64url with or without padding (Keygen pads).
const URL_SAFE_ANY_PADDING: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The verified dataset of a signed key.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignedKey {
    /// The dataset as signed (JSON text, as embedded).
    pub raw: RawJson,
    /// The scheme it verified under.
    pub scheme: KeyScheme,
}

impl SignedKey {
    /// The dataset, parsed.
    pub fn dataset(&self) -> Value {
        self.raw.to_value()
    }

    /// Verifies a signed key of `scheme` (the policy's) with the account's key of its
    /// algorithm. Any other form, a bad signature or a dataset that is not UTF-8 is a signature
    /// error; a scheme whose key `keys` lacks is a configuration error.
    pub fn verify(
        key: &SecretLicenseKey,
        keys: &impl VerifyingKeys,
        scheme: KeyScheme,
    ) -> Result<Self, LicenseError> {
        let text = key.expose();
        let prefixed = scheme.signs_key_prefix();
        let form = || refused("not a signed key of its scheme ([key/]<dataset>.<signature>)");
        let (signed, signature) = text.rsplit_once('.').ok_or_else(form)?;
        let encoded = if prefixed {
            signed.strip_prefix("key/").ok_or_else(form)?
        } else {
            signed
        };
        let signature = URL_SAFE_ANY_PADDING
            .decode(signature)
            .map_err(|_| refused("the key's signature is not base64url"))?;
        // Decoded, not read: the first RSA schemes sign the decoded bytes.
        let dataset = URL_SAFE_ANY_PADDING
            .decode(encoded)
            .or_else(|_| general_purpose::STANDARD.decode(encoded))
            .map_err(|_| refused("the key's dataset is not base64url"))?;
        let message = if prefixed {
            signed.as_bytes()
        } else {
            &dataset
        };
        keys.verify_signed(scheme.signing(), message, &signature)?;
        let dataset =
            String::from_utf8(dataset).map_err(|_| refused("the key's dataset is not UTF-8"))?;
        Ok(Self {
            raw: RawJson::from_text(dataset),
            scheme,
        })
    }
}
