//! The state file's seal: HMAC-SHA256 keyed by the app secret and the machine fingerprint, over
//! the exact bytes written.

use std::fmt;

use aws_lc_rs::hmac;
use keyward_core::{LicenseError, SecretLicenseKey};
use subtle::ConstantTimeEq;

use super::Fingerprint;
use super::state::StoredState;

/// What the file starts with: format name and version, then the seal in hex, then a newline.
const MAGIC: &str = "licensing-guard-state-v1 ";
/// A state file is a few hundred bytes; anything far larger is not ours.
pub(crate) const MAX_FILE_LEN: u64 = 64 * 1024;

/// The app's secret for sealing state files: compiled into or configured for the app, never
/// shown. `Debug` prints `AppSecret([redacted])`.
#[derive(Clone)]
pub struct AppSecret(Vec<u8>);

impl AppSecret {
    /// Wraps a secret of at least 16 bytes (shorter is a configuration error).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, LicenseError> {
        let secret = secret.as_ref();
        if secret.len() < 16 {
            return Err(LicenseError::config(
                "the guard's app secret must be at least 16 bytes",
            ));
        }
        Ok(Self(secret.to_vec()))
    }
}

impl fmt::Debug for AppSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AppSecret({})", keyward_core::REDACTED)
    }
}

/// Why a state file was not used. Every one of these is "no state".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsealed {
    /// There is no file.
    Missing,
    /// The file could not be read.
    Unreadable,
    /// Not a state file of this format (truncated, empty, garbage, too large).
    Malformed,
    /// The seal does not match: edited, or written on another machine or by another app.
    BadSeal,
    /// Sealed by us, but for another provider or key.
    Foreign,
    /// Its signed lease does not verify with the provider's keys.
    BadLease,
}

impl fmt::Display for Unsealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Missing => "no state file",
            Self::Unreadable => "the state file could not be read",
            Self::Malformed => "the state file is truncated or not a state file",
            Self::BadSeal => {
                "the state file's seal does not match (edited or from another machine)"
            }
            Self::Foreign => "the state file belongs to another provider or key",
            Self::BadLease => "the state file's signed lease does not verify",
        })
    }
}

/// Seals and opens state files for one app secret, fingerprint, provider and key.
pub(crate) struct Sealer {
    key: hmac::Key,
    key_hash: String,
    file_id: String,
    provider: &'static str,
}

impl Sealer {
    pub(crate) fn new(
        secret: &AppSecret,
        fingerprint: &Fingerprint,
        provider: &'static str,
        license_key: &SecretLicenseKey,
    ) -> Self {
        let master = hmac::Key::new(hmac::HMAC_SHA256, &secret.0);
        let mut seal_input = b"seal\0".to_vec();
        seal_input.extend_from_slice(fingerprint.seal_input());
        let derived = hmac::sign(&master, &seal_input);
        let mut key_input = format!("license-key\0{provider}\0").into_bytes();
        key_input.extend_from_slice(license_key.expose().as_bytes());
        let key_hash = hex::encode(hmac::sign(&master, &key_input).as_ref());
        // The file name depends on the machine too, so machines sharing a home directory (a
        // roaming profile, NFS) keep one file each instead of overwriting each other's.
        let mut file_input = b"file\0".to_vec();
        file_input.extend_from_slice(fingerprint.seal_input());
        file_input.extend_from_slice(key_hash.as_bytes());
        let file_id = hex::encode(&hmac::sign(&master, &file_input).as_ref()[..16]);
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, derived.as_ref()),
            key_hash,
            file_id,
            provider,
        }
    }

    /// The keyed hash of the license key (hex): names the file, never reveals the key.
    pub(crate) fn key_hash(&self) -> &str {
        &self.key_hash
    }

    /// Names the file: keyed by the app secret, the machine and the license key; reveals none.
    pub(crate) fn file_id(&self) -> &str {
        &self.file_id
    }

    pub(crate) fn provider(&self) -> &'static str {
        self.provider
    }

    /// The file's bytes for `state`.
    pub(crate) fn seal(&self, state: &StoredState) -> Result<Vec<u8>, LicenseError> {
        let body = serde_json::to_vec(state)
            .map_err(|e| LicenseError::decode(format!("the state could not be encoded: {e}")))?;
        let tag = hmac::sign(&self.key, &signed_bytes(&body));
        let mut out = format!("{MAGIC}{}\n", hex::encode(tag.as_ref())).into_bytes();
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// The state in `bytes`, if they are a sealed state of this app, machine, provider and key.
    pub(crate) fn open(&self, bytes: &[u8]) -> Result<StoredState, Unsealed> {
        let newline = bytes
            .iter()
            .position(|b| *b == b'\n')
            .ok_or(Unsealed::Malformed)?;
        let (header, body) = (&bytes[..newline], &bytes[newline + 1..]);
        let tag = std::str::from_utf8(header)
            .ok()
            .and_then(|h| h.strip_prefix(MAGIC))
            .and_then(|t| hex::decode(t).ok())
            .filter(|t| t.len() == 32)
            .ok_or(Unsealed::Malformed)?;
        hmac::verify(&self.key, &signed_bytes(body), &tag).map_err(|_| Unsealed::BadSeal)?;
        let state: StoredState = serde_json::from_slice(body).map_err(|_| Unsealed::Malformed)?;
        let ours = state.provider == self.provider
            && bool::from(state.key_hash.as_bytes().ct_eq(self.key_hash.as_bytes()));
        if !ours {
            return Err(Unsealed::Foreign);
        }
        if state.checked_at > state.latest_seen_at {
            return Err(Unsealed::Malformed);
        }
        Ok(state)
    }
}

/// The MAC covers the format line too, so a body cannot be replayed under another version.
fn signed_bytes(body: &[u8]) -> Vec<u8> {
    let mut out = MAGIC.as_bytes().to_vec();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn sealer(machine: &str, key: &str) -> Sealer {
        let secret = AppSecret::new("0123456789abcdef-app-secret").unwrap();
        let fp = Fingerprint::from_id(machine, "app").unwrap();
        Sealer::new(&secret, &fp, "dodo", &SecretLicenseKey::new(key))
    }

    fn state(s: &Sealer) -> StoredState {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        StoredState::new("dodo", s.key_hash(), at)
    }

    #[test]
    fn round_trip_and_every_refusal() {
        let s = sealer("machine-a", "KEY-ONE-0001");
        let bytes = s.seal(&state(&s)).unwrap();
        assert_eq!(s.open(&bytes).unwrap(), state(&s));

        let other_machine = sealer("machine-b", "KEY-ONE-0001");
        assert_eq!(other_machine.open(&bytes), Err(Unsealed::BadSeal));
        let other_key = sealer("machine-a", "KEY-TWO-0002");
        assert_eq!(other_key.open(&bytes), Err(Unsealed::Foreign));

        let mut edited = bytes.clone();
        let last = edited.len() - 2;
        edited[last] ^= 1;
        assert_eq!(s.open(&edited), Err(Unsealed::BadSeal));
        for cut in [0, 10, MAGIC.len() + 20, bytes.len() - 1] {
            assert!(s.open(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        assert_eq!(s.open(b"\n{}"), Err(Unsealed::Malformed));
    }

    #[test]
    fn secrets_are_checked_and_never_shown() {
        assert!(AppSecret::new("short").unwrap_err().is_config());
        let secret = AppSecret::new("CANARY-app-secret-0001").unwrap();
        assert_eq!(format!("{secret:?}"), "AppSecret([redacted])");
    }
}
