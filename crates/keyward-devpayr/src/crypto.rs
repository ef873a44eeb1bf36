//! Injectable cryptography in the server's format.
//!
//! Ciphertext: `base64( IV[16 raw bytes] ‖ "::" ‖ base64(AES-256-CBC/PKCS#7(plaintext)) )` with
//! key = SHA-256(secret). The `devpayr-crypto` helper format `base64(base64(IV) "::" base64(ct))`
//! is accepted too. Signature: hex HMAC-SHA256 of the ciphertext string as delivered, keyed with
//! the secret.

use std::fmt;

use aws_lc_rs::cipher::{AES_256, DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::hmac;
use aws_lc_rs::iv::FixedLength;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyward_core::LicenseError;
use secrecy::{ExposeSecret, SecretString};

const IV_LEN: usize = 16;
const SEPARATOR: &[u8] = b"::";

/// The shared secret of a project's injectables. `Debug` never shows it.
#[derive(Clone)]
pub struct InjectableSecret(SecretString);

impl InjectableSecret {
    /// Wraps the secret; an empty one is a configuration error.
    pub fn new(secret: impl Into<String>) -> Result<Self, LicenseError> {
        let secret: String = secret.into();
        if secret.is_empty() {
            return Err(LicenseError::config("the injectable secret is empty"));
        }
        Ok(Self(SecretString::from(secret)))
    }

    fn bytes(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}

impl fmt::Debug for InjectableSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InjectableSecret({})", keyward_core::REDACTED)
    }
}

/// Checks `signature` (hex HMAC-SHA256 of `ciphertext`, keyed with the secret) in constant time.
/// A malformed or wrong signature is a signature error.
pub fn verify_signature(
    ciphertext: &str,
    signature: &str,
    secret: &InjectableSecret,
) -> Result<(), LicenseError> {
    let tag = hex::decode(signature.trim())
        .map_err(|_| LicenseError::signature("the injectable signature is not hex"))?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.bytes());
    hmac::verify(&key, ciphertext.as_bytes(), &tag)
        .map_err(|_| LicenseError::signature("the injectable signature does not match"))
}

/// The hex HMAC-SHA256 signature DevPayr puts on `ciphertext`.
pub fn sign(ciphertext: &str, secret: &InjectableSecret) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.bytes());
    hex::encode(hmac::sign(&key, ciphertext.as_bytes()).as_ref())
}

/// Decrypts a ciphertext. It does not check the signature: prefer
/// [`Injectable::verify_and_decrypt`](crate::models::Injectable::verify_and_decrypt). A malformed
/// ciphertext, a wrong key or bad padding is a signature error (the content cannot be trusted).
pub fn decrypt(ciphertext: &str, secret: &InjectableSecret) -> Result<Vec<u8>, LicenseError> {
    let bad = |what: &str| LicenseError::signature(format!("the injectable ciphertext {what}"));
    let outer = STANDARD
        .decode(ciphertext.trim())
        .map_err(|_| bad("is not base64"))?;
    let (iv, body_b64) = split(&outer).ok_or_else(|| bad("has no `::` separator"))?;
    let mut body = STANDARD
        .decode(body_b64)
        .map_err(|_| bad("has a body that is not base64"))?;
    let key_bytes = digest(&SHA256, secret.bytes());
    let key = UnboundCipherKey::new(&AES_256, key_bytes.as_ref())
        .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
        .map_err(|_| bad("cannot be decrypted"))?;
    let plain = key
        .decrypt(&mut body, DecryptionContext::Iv128(FixedLength::from(iv)))
        .map_err(|_| bad("does not decrypt (wrong secret or bad padding)"))?;
    Ok(plain.to_vec())
}

/// Splits the decoded ciphertext into the IV and the base64 body: a raw 16-byte IV followed by
/// `::` (the server format; a raw IV may itself contain `::`, so the position is checked first),
/// else `base64(IV)::body` (the helper-package format).
fn split(outer: &[u8]) -> Option<([u8; IV_LEN], &[u8])> {
    if outer.get(IV_LEN..IV_LEN + SEPARATOR.len()) == Some(SEPARATOR) {
        let iv: [u8; IV_LEN] = outer.get(..IV_LEN)?.try_into().ok()?;
        return Some((iv, outer.get(IV_LEN + SEPARATOR.len()..)?));
    }
    let at = outer
        .windows(SEPARATOR.len())
        .position(|w| w == SEPARATOR)?;
    let iv = STANDARD.decode(outer.get(..at)?).ok()?;
    let iv: [u8; IV_LEN] = iv.as_slice().try_into().ok()?;
    Some((iv, outer.get(at + SEPARATOR.len()..)?))
}

/// The hex SHA-256 of a plaintext, as in the `content_hash` field.
pub fn content_hash(plaintext: &[u8]) -> String {
    hex::encode(digest(&SHA256, plaintext).as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let secret = InjectableSecret::new("canary-secret-value").unwrap();
        assert!(!format!("{secret:?}").contains("canary"));
        assert!(InjectableSecret::new("").unwrap_err().is_config());
    }

    #[test]
    fn garbage_is_a_signature_error_not_a_panic() {
        let secret = InjectableSecret::new("s3cret-s3cret").unwrap();
        for input in ["", "!!!", "QUJD", "AAECAwQFBgcICQoLDA0ODzo6", "OjpBQUFB"] {
            assert!(
                decrypt(input, &secret).unwrap_err().is_signature(),
                "{input}"
            );
        }
        assert!(
            verify_signature("x", "zz", &secret)
                .unwrap_err()
                .is_signature()
        );
    }
}
