//! Signed license keys (scheme `ED25519_SIGN`): `key/<base64url dataset>.<base64url signature>`.
//!
//! The signature covers `key/` and the dataset part exactly as written in the key (keygen-go
//! `verifyKey`); the dataset is read only after it verifies. An app can then trust the key's
//! embedded license (id, expiry, policy) offline.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use keyward_core::{LicenseError, RawJson, SecretLicenseKey};
use serde_json::Value;

use crate::keys::PublicKey;
use crate::signatures::refused;

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
}

impl SignedKey {
    /// The dataset, parsed.
    pub fn dataset(&self) -> Value {
        self.raw.to_value()
    }

    /// Verifies a signed key with the account key. Any other form, a bad signature or a dataset
    /// that is not UTF-8 is a signature error.
    pub fn verify(key: &SecretLicenseKey, public_key: &PublicKey) -> Result<Self, LicenseError> {
        let text = key.expose();
        let signed = text
            .rsplit_once('.')
            .map(|(signed, _)| signed)
            .filter(|s| s.starts_with("key/"))
            .ok_or_else(|| refused("not an ED25519_SIGN key (key/<dataset>.<signature>)"))?;
        let signature = &text[signed.len() + 1..];
        let signature = URL_SAFE_ANY_PADDING
            .decode(signature)
            .map_err(|_| refused("the key's signature is not base64url"))?;
        if !public_key.verifies(signed.as_bytes(), &signature) {
            return Err(refused("the key's signature does not match"));
        }
        let dataset = URL_SAFE_ANY_PADDING
            .decode(&signed["key/".len()..])
            .or_else(|_| general_purpose::STANDARD.decode(&signed["key/".len()..]))
            .map_err(|_| refused("the key's dataset is not base64url"))?;
        let dataset =
            String::from_utf8(dataset).map_err(|_| refused("the key's dataset is not UTF-8"))?;
        Ok(Self {
            raw: RawJson::from_text(dataset),
        })
    }
}
