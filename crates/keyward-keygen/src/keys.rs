//! The account's Ed25519 public key, which verifies everything Keygen signs.

use std::fmt;

use aws_lc_rs::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use keyward_core::LicenseError;

/// An Ed25519 public key: the account's "Ed25519 public key" from the dashboard (64 hex
/// characters, keygen-go's `PublicKey`). Not a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicKey {
    bytes: [u8; 32],
}

impl PublicKey {
    /// Reads 64 hex characters; anything else is a configuration error.
    pub fn from_hex(text: &str) -> Result<Self, LicenseError> {
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                LicenseError::config("the Keygen public key must be 64 hex characters (32 bytes)")
            })?;
        Ok(Self { bytes })
    }

    /// The raw 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self { bytes }
    }

    /// The key as 64 lower-case hex characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }

    /// Whether `signature` is this key's Ed25519 signature of exactly `message`.
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, &self.bytes)
            .verify(message, signature)
            .is_ok()
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.to_hex())
    }
}

/// An Ed25519 signing key, for emulators, tests and demos that play Keygen's part (a real app
/// never holds one). `Debug` never shows it.
pub struct SigningKey {
    pair: Ed25519KeyPair,
}

impl SigningKey {
    /// The key of a 32-byte seed.
    pub fn from_seed(seed: &[u8; 32]) -> Result<Self, LicenseError> {
        Ed25519KeyPair::from_seed_unchecked(seed)
            .map(|pair| Self { pair })
            .map_err(|_| LicenseError::config("the Ed25519 seed was refused"))
    }

    /// A new random key.
    pub fn generate() -> Result<Self, LicenseError> {
        Ed25519KeyPair::generate()
            .map(|pair| Self { pair })
            .map_err(|_| LicenseError::config("no Ed25519 key could be generated"))
    }

    /// Its public key.
    pub fn public_key(&self) -> PublicKey {
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(self.pair.public_key().as_ref());
        PublicKey { bytes }
    }

    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(public: {})", self.public_key().to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_32_bytes_of_hex_are_a_key() {
        let hex_key = "e8601e48b69383ba520245fd07971e983d06d22c4257cfd82304601479cee788";
        assert_eq!(PublicKey::from_hex(hex_key).unwrap().to_hex(), hex_key);
        let signer = SigningKey::from_seed(&[7; 32]).unwrap();
        let public = signer.public_key();
        assert!(public.verifies(b"m", &signer.sign(b"m")));
        assert!(!public.verifies(b"n", &signer.sign(b"m")));
        for bad in ["", "zz", &hex_key[2..], &format!("{hex_key}00")] {
            assert!(PublicKey::from_hex(bad).unwrap_err().is_config(), "{bad}");
        }
    }
}
