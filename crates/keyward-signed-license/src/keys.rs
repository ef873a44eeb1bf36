//! Pinned public keys: PEM parsing, size checks, the product/global [`KeySet`].

use std::cell::OnceCell;
use std::fmt;

use aws_lc_rs::digest::{self, Digest};
use aws_lc_rs::signature::{
    self, ParsedPublicKey, RsaParameters, RsaSubjectPublicKey, UnparsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::KeyError;

/// The smallest RSA modulus accepted, in bits.
pub const MIN_RSA_BITS: u32 = 2048;
/// The largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: u32 = 4096;

/// The signature algorithm a key is used with. It comes from configuration, never from a
/// response (the server's product page offers "RSA-SHA256" and "RSA-SHA512").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: what every documented response uses.
    #[default]
    RsaPkcs1Sha256,
    /// RSASSA-PKCS1-v1_5 with SHA-512, for products configured "RSA-SHA512".
    RsaPkcs1Sha512,
}

impl Algorithm {
    fn params(self) -> &'static RsaParameters {
        match self {
            Self::RsaPkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
            Self::RsaPkcs1Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
        }
    }
}

/// Which server key a public key stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyRole {
    /// A per-product key (current or archived after a rotation).
    Product,
    /// The install-wide "global" key.
    Global,
}

/// One pinned RSA public key with an id of your choice. The key is parsed once, when it is
/// loaded (or given another algorithm), not on every verification.
#[derive(Clone)]
pub struct PublicKey {
    id: String,
    pkcs1_der: Vec<u8>,
    bits: u32,
    algorithm: Algorithm,
    /// The key parsed for `algorithm`; `None` only if aws-lc-rs refused to parse what it had
    /// accepted as an RSA key, in which case each verification parses it (as it always did).
    parsed: Option<ParsedPublicKey>,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("id", &self.id)
            .field("bits", &self.bits)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

impl PublicKey {
    /// Parses a PEM key: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`). The key
    /// is used with RSA-SHA256; see [`with_algorithm`](Self::with_algorithm).
    pub fn from_pem(id: impl Into<String>, pem: &str) -> Result<Self, KeyError> {
        Self::from_der(id, &pem_to_der(pem)?)
    }

    /// Parses a DER key, SPKI or PKCS#1. Keys outside 2048–4096 bits are refused.
    pub fn from_der(id: impl Into<String>, der: &[u8]) -> Result<Self, KeyError> {
        let key = RsaSubjectPublicKey::from_der(der).map_err(|_| KeyError::NotRsa)?;
        let pkcs1_der = key.as_ref().to_vec();
        let bits = RsaParameters::public_modulus_len(&pkcs1_der).map_err(|_| KeyError::NotRsa)?;
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(KeyError::Size(bits));
        }
        let algorithm = Algorithm::default();
        Ok(Self {
            id: id.into(),
            parsed: parse(&pkcs1_der, algorithm),
            pkcs1_der,
            bits,
            algorithm,
        })
    }

    /// Uses this key with another algorithm (as configured on the product page).
    #[must_use]
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> Self {
        if algorithm != self.algorithm {
            self.parsed = parse(&self.pkcs1_der, algorithm);
            self.algorithm = algorithm;
        }
        self
    }

    /// The id given when the key was loaded.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> u32 {
        self.bits
    }

    /// The algorithm the key is used with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Whether `signature` is this key's signature over `message`.
    #[cfg(test)]
    pub(crate) fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifies_text(&SignedText::new(message), signature)
    }

    /// [`verifies`](Self::verifies) over a text whose SHA-256 is computed at most once for
    /// every key tried (and then kept: the replay store records it).
    pub(crate) fn verifies_text(&self, text: &SignedText<'_>, signature: &[u8]) -> bool {
        let params = self.algorithm.params();
        // The size was checked on load; the length check keeps a truncated signature out.
        if signature.len() != (self.bits as usize).div_ceil(8) {
            return false;
        }
        match (&self.parsed, self.algorithm) {
            // RSASSA-PKCS1-v1_5 verifies the DigestInfo of SHA-256(message): verifying against
            // the digest computed here is the same check as `verify_sig(message)`, which would
            // hash the message again inside aws-lc.
            (Some(parsed), Algorithm::RsaPkcs1Sha256) => {
                parsed.verify_digest_sig(text.sha256(), signature)
            }
            (Some(parsed), _) => parsed.verify_sig(text.message, signature),
            (None, _) => {
                UnparsedPublicKey::new(params, &self.pkcs1_der).verify(text.message, signature)
            }
        }
        .is_ok()
    }
}

/// A signed text and its SHA-256, computed when first asked for.
pub(crate) struct SignedText<'a> {
    message: &'a [u8],
    sha256: OnceCell<Digest>,
}

impl<'a> SignedText<'a> {
    /// `message`, not hashed yet.
    pub(crate) fn new(message: &'a [u8]) -> Self {
        Self {
            message,
            sha256: OnceCell::new(),
        }
    }

    /// SHA-256 of the text (computed once).
    pub(crate) fn sha256(&self) -> &Digest {
        self.sha256
            .get_or_init(|| digest::digest(&digest::SHA256, self.message))
    }

    /// The SHA-256, if a verification computed it.
    pub(crate) fn into_sha256(self) -> Option<Digest> {
        self.sha256.into_inner()
    }
}

/// The key parsed for `algorithm` (aws-lc-rs binds the digest to the parsed key).
fn parse(pkcs1_der: &[u8], algorithm: Algorithm) -> Option<ParsedPublicKey> {
    ParsedPublicKey::new(algorithm.params(), pkcs1_der).ok()
}

/// Decodes the base64 between the first PEM armour lines.
fn pem_to_der(pem: &str) -> Result<Vec<u8>, KeyError> {
    let mut inside = false;
    let mut label_ok = false;
    let mut body = String::new();
    for line in pem.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("-----BEGIN ") {
            inside = true;
            label_ok = matches!(rest, "PUBLIC KEY-----" | "RSA PUBLIC KEY-----");
            continue;
        }
        if line.starts_with("-----END ") {
            break;
        }
        if inside {
            body.push_str(line);
        }
    }
    if !inside {
        return Err(KeyError::NotPem);
    }
    if !label_ok {
        return Err(KeyError::Label);
    }
    STANDARD
        .decode(body.as_bytes())
        .map_err(|_| KeyError::NotPem)
}

/// The keys responses are verified with: product keys (the current one first, then archived ones
/// kept for a rotation's grace period) and an optional install-wide global key.
#[derive(Debug, Clone)]
pub struct KeySet {
    product: Vec<PublicKey>,
    global: Option<PublicKey>,
}

impl KeySet {
    /// A set with the current product key.
    pub fn new(product: PublicKey) -> Self {
        Self {
            product: vec![product],
            global: None,
        }
    }

    /// Adds an archived product key (still trusted after a rotation).
    #[must_use]
    pub fn with_archived_product_key(mut self, key: PublicKey) -> Self {
        self.product.push(key);
        self
    }

    /// Sets the global key.
    #[must_use]
    pub fn with_global_key(mut self, key: PublicKey) -> Self {
        self.global = Some(key);
        self
    }

    /// The product keys, current first.
    pub fn product_keys(&self) -> &[PublicKey] {
        &self.product
    }

    /// The global key, if configured.
    pub fn global_key(&self) -> Option<&PublicKey> {
        self.global.as_ref()
    }

    /// The keys to try, in order: `prefer_global` (from the unsigned `private_key_used` hint)
    /// only moves the global key to the front; `allow_global` decides whether it is tried at all.
    pub(crate) fn candidates(
        &self,
        allow_global: bool,
        prefer_global: bool,
    ) -> Vec<(&PublicKey, KeyRole)> {
        let products = self.product.iter().map(|k| (k, KeyRole::Product));
        let global = self
            .global
            .iter()
            .filter(|_| allow_global)
            .map(|k| (k, KeyRole::Global));
        if prefer_global {
            global.chain(products).collect()
        } else {
            products.chain(global).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_KEY: &str =
        include_str!("../../../fixtures/signed-license/docs-demo-signing-key.pub.pem");
    const ENVELOPE: &str = include_str!("../../../fixtures/signed-license/verify.201.json");

    fn message_and_signature() -> (String, Vec<u8>) {
        let envelope: serde_json::Value = serde_json::from_str(ENVELOPE).unwrap();
        let message = envelope["response_base64"].as_str().unwrap().to_owned();
        let signature = STANDARD
            .decode(envelope["signature"].as_str().unwrap())
            .unwrap();
        (message, signature)
    }

    #[test]
    fn a_key_parsed_once_verifies_again_and_follows_its_algorithm() {
        let key = PublicKey::from_pem("docs-demo", DEMO_KEY).unwrap();
        assert!(key.parsed.is_some());
        let (message, signature) = message_and_signature();
        for _ in 0..2 {
            assert!(key.verifies(message.as_bytes(), &signature));
        }
        assert!(!key.verifies(b"another message", &signature));
        let sha512 = key.clone().with_algorithm(Algorithm::RsaPkcs1Sha512);
        assert!(!sha512.verifies(message.as_bytes(), &signature));
        let back = sha512.with_algorithm(Algorithm::RsaPkcs1Sha256);
        assert!(back.verifies(message.as_bytes(), &signature));
    }

    #[test]
    fn the_unparsed_fallback_verifies_the_same() {
        let mut key = PublicKey::from_pem("docs-demo", DEMO_KEY).unwrap();
        key.parsed = None;
        let (message, signature) = message_and_signature();
        assert!(key.verifies(message.as_bytes(), &signature));
        assert!(!key.verifies(b"another message", &signature));
    }
}
