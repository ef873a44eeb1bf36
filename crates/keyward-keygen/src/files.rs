//! License files and machine files: Keygen's signed (and optionally encrypted) offline proof
//! (`app/services/abstract_checkout_service.rb`).
//!
//! A certificate is `-----BEGIN LICENSE FILE-----`, the base64 of `{"enc", "sig", "alg"}`, and
//! `-----END LICENSE FILE-----` (`MACHINE FILE` for machine files). `alg` is
//! `<encoding>+<signing>`: `base64` or `aes-256-gcm`, then `ed25519`, `rsa-pss-sha256`,
//! `rsa-sha256` or `ecdsa-p256` ([`SigningAlgorithm`]). `sig` is the base64 signature, under the
//! account's key of that algorithm, of `license/` (or `machine/`) followed by `enc`, exactly as
//! sent; `enc` is the
//! base64 payload, or `ciphertext.iv.tag` (each base64) under AES-256-GCM keyed with the SHA-256
//! of the license key (plus the machine's fingerprint for a machine file).
//!
//! The signature is checked over the exact `enc` text first; only then is `enc` decrypted and
//! read. A file names its own algorithm, but only the account's key of that algorithm verifies
//! it, so choosing another gains nothing; an algorithm whose key was not given is refused.
//! (`alg` itself is outside the signature, as Keygen made the format: naming the other encoding
//! only makes the signed `enc` fail to decode or decrypt.)
//! Threat model: an attacker who can edit, swap or restore files on the user's disk but
//! does not hold the account's private key cannot make a file verify with other contents, and
//! cannot move a machine file to another machine when it is encrypted (its key needs the
//! fingerprint). A restored older file still verifies: its signed `expiry` is what bounds it,
//! checked against a clock the caller supplies ([`FileStanding`]).

use std::fmt;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use keyward_core::{AttachRaw, LicenseError, RawJson, SecretLicenseKey};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::account_keys::{SigningAlgorithm, VerifyingKeys};
use crate::client::PROVIDER;
use crate::models::{License, Machine};
use crate::signatures::refused;

/// Where a verified file stands at a given time: a pure function of its signed times and `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileStanding {
    /// Issued in the past and not expired (or never expiring).
    Current,
    /// Its signed expiry has passed.
    Expired,
    /// Issued after `now`: the clock is behind the server's (set back, or unsynchronised).
    ClockBehind,
}

/// The signed times of a file (`meta` of its payload).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct FileMeta {
    /// When Keygen issued it.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub issued: Option<DateTime<Utc>>,
    /// When it expires; `None` for a file checked out with `ttl: null`.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub expiry: Option<DateTime<Utc>>,
    /// Its time to live, in seconds.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub ttl: Option<u64>,
}

impl FileMeta {
    /// Where the file stands at `now`.
    pub fn standing(&self, now: DateTime<Utc>) -> FileStanding {
        match (self.issued, self.expiry) {
            (Some(issued), _) if issued > now => FileStanding::ClockBehind,
            (_, Some(expiry)) if expiry <= now => FileStanding::Expired,
            _ => FileStanding::Current,
        }
    }
}

/// The verified, decrypted payload of a file: the resource, what was included, the signed times.
/// `Debug` shows the included resources by type and id only (an included license holds its key).
#[derive(Clone, Deserialize)]
#[non_exhaustive]
pub struct FilePayload<T> {
    /// The license or machine.
    pub data: T,
    /// Included resources (`entitlements`, `product`, `policy`, `license`, …), as sent.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub included: Vec<Value>,
    /// The signed times.
    #[serde(default)]
    pub meta: FileMeta,
    /// The whole decrypted payload, as signed.
    #[serde(skip)]
    pub raw: RawJson,
    /// Whether the file came encrypted (`aes-256-gcm+…`).
    #[serde(skip)]
    pub encrypted: bool,
    /// How it was signed (and verified).
    #[serde(skip)]
    pub algorithm: SigningAlgorithm,
}

impl<T: fmt::Debug> fmt::Debug for FilePayload<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let included: Vec<String> = self
            .included
            .iter()
            .map(|v| {
                let field = |name: &str| v.get(name).and_then(Value::as_str).unwrap_or("?");
                format!("{}/{}", field("type"), field("id"))
            })
            .collect();
        f.debug_struct("FilePayload")
            .field("data", &self.data)
            .field("included", &included)
            .field("meta", &self.meta)
            .field("raw", &self.raw)
            .field("encrypted", &self.encrypted)
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

impl<T> FilePayload<T> {
    /// Where the file stands at `now` (see [`FileMeta::standing`]).
    pub fn standing(&self, now: DateTime<Utc>) -> FileStanding {
        self.meta.standing(now)
    }

    /// The included resources of one `type` (`"entitlements"`).
    pub fn included_of(&self, resource_type: &str) -> impl Iterator<Item = &Value> {
        self.included
            .iter()
            .filter(move |v| v.get("type").and_then(Value::as_str) == Some(resource_type))
    }
}

/// A verified license file.
pub type LicenseFile = FilePayload<License>;

/// A verified machine file.
pub type MachineFile = FilePayload<Machine>;

impl LicenseFile {
    /// Verifies a license file certificate with the account's key of its algorithm, decrypts it
    /// with the license key when it is encrypted, and reads it. Anything that does not verify
    /// is a signature error; an algorithm whose key `keys` lacks is a configuration error; an
    /// encrypted file without `license_key` is an input error.
    pub fn verify(
        certificate: &str,
        keys: &impl VerifyingKeys,
        license_key: Option<&SecretLicenseKey>,
    ) -> Result<Self, LicenseError> {
        let secret = license_key.map(|k| k.expose().to_owned());
        open(certificate, Kind::License, keys, secret.as_deref())
    }
}

impl MachineFile {
    /// Verifies a machine file certificate with the account's key of its algorithm, decrypts
    /// it with the license key and the machine's fingerprint when it is encrypted, and reads it.
    pub fn verify(
        certificate: &str,
        keys: &impl VerifyingKeys,
        decryption: Option<(&SecretLicenseKey, &str)>,
    ) -> Result<Self, LicenseError> {
        let secret = decryption.map(|(k, fingerprint)| format!("{}{fingerprint}", k.expose()));
        open(certificate, Kind::Machine, keys, secret.as_deref())
    }

    /// The license included in the file (checked out with `include=license`).
    pub fn license(&self) -> Option<License> {
        let mut license: License =
            serde_json::from_value(self.included_of("licenses").next()?.clone()).ok()?;
        license.attach_raw(RawJson::from_value(
            self.included_of("licenses").next()?.clone(),
        ));
        Some(license)
    }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    License,
    Machine,
}

impl Kind {
    fn label(self) -> &'static str {
        match self {
            Self::License => "LICENSE FILE",
            Self::Machine => "MACHINE FILE",
        }
    }

    fn prefix(self) -> &'static str {
        match self {
            Self::License => "license/",
            Self::Machine => "machine/",
        }
    }
}

#[derive(Deserialize)]
struct Envelope {
    enc: String,
    sig: String,
    alg: String,
}

fn open<T: DeserializeOwned + AttachRaw>(
    certificate: &str,
    kind: Kind,
    keys: &impl VerifyingKeys,
    secret: Option<&str>,
) -> Result<FilePayload<T>, LicenseError> {
    let envelope = envelope(certificate, kind)?;
    let (encoding, signing) = envelope.alg.split_once('+').unwrap_or_default();
    let encrypted = match encoding {
        "base64" => false,
        "aes-256-gcm" => true,
        _ => return Err(refused("the file's encoding is not base64 or aes-256-gcm")),
    };
    let algorithm = SigningAlgorithm::from_name(signing).ok_or_else(|| {
        refused("the file's signing is not ed25519, rsa-pss-sha256, rsa-sha256 or ecdsa-p256")
    })?;
    let signature = STANDARD
        .decode(envelope.sig.as_bytes())
        .map_err(|_| refused("the file's signature is not base64"))?;
    let signed = format!("{}{}", kind.prefix(), envelope.enc);
    keys.verify_signed(algorithm, signed.as_bytes(), &signature)?;
    let plaintext = if encrypted {
        let secret = secret.ok_or_else(|| {
            LicenseError::invalid_input(
                "the file is encrypted: give the license key (and the fingerprint for a machine file)",
            )
            .with_provider(PROVIDER)
        })?;
        decrypt(&envelope.enc, secret)?
    } else {
        STANDARD
            .decode(envelope.enc.as_bytes())
            .map_err(|_| refused("the file's payload is not base64"))?
    };
    let text = String::from_utf8(plaintext).map_err(|_| {
        LicenseError::decode("the file's payload is not UTF-8").with_provider(PROVIDER)
    })?;
    let mut payload: FilePayload<T> =
        keyward_core::decode_json(text.as_bytes(), keyward_core::mask_uuids)
            .map_err(|e| e.with_provider(PROVIDER))?;
    let raw = RawJson::from_text(text);
    payload.data.attach_raw(raw.at("/data"));
    payload.raw = raw;
    payload.encrypted = encrypted;
    payload.algorithm = algorithm;
    Ok(payload)
}

/// The `{enc, sig, alg}` envelope between the header and footer lines.
fn envelope(certificate: &str, kind: Kind) -> Result<Envelope, LicenseError> {
    let begin = format!("-----BEGIN {}-----", kind.label());
    let end = format!("-----END {}-----", kind.label());
    let body = certificate
        .trim()
        .strip_prefix(&begin)
        .and_then(|rest| rest.trim_end().strip_suffix(&end))
        .ok_or_else(|| {
            refused(&format!(
                "not a {}: the header or footer is missing",
                kind.label().to_lowercase()
            ))
        })?;
    let body: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let json = STANDARD
        .decode(body.as_bytes())
        .map_err(|_| refused("the file is not base64 between its header and footer"))?;
    serde_json::from_slice(&json).map_err(|_| refused("the file does not hold {enc, sig, alg}"))
}

/// AES-256-GCM under SHA-256(`secret`): `enc` is `ciphertext.iv.tag`, each base64.
fn decrypt(enc: &str, secret: &str) -> Result<Vec<u8>, LicenseError> {
    let mut parts = enc.split('.');
    let (Some(ciphertext), Some(iv), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(refused("the encrypted payload is not ciphertext.iv.tag"));
    };
    let decode = |part: &str| {
        STANDARD
            .decode(part.as_bytes())
            .map_err(|_| refused("the encrypted payload is not base64"))
    };
    let mut sealed = decode(ciphertext)?;
    sealed.extend_from_slice(&decode(tag)?);
    let nonce = Nonce::try_assume_unique_for_key(&decode(iv)?)
        .map_err(|_| refused("the encrypted payload's IV is not 12 bytes"))?;
    let key_bytes = digest(&SHA256, secret.as_bytes());
    let key = UnboundKey::new(&AES_256_GCM, key_bytes.as_ref())
        .map(LessSafeKey::new)
        .map_err(|_| refused("the decryption key cannot be built"))?;
    let plaintext = key
        .open_in_place(nonce, Aad::empty(), &mut sealed)
        .map_err(|_| {
            refused("the file cannot be decrypted with this license key (and fingerprint)")
        })?;
    Ok(plaintext.to_vec())
}
