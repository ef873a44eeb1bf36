//! Rollback protection: the newest accepted timestamp per (license key, identifier, operation),
//! kept in a pluggable [`StateStore`].

use std::collections::HashMap;
use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use aws_lc_rs::digest::{SHA256, digest};
use keyward_core::SecretLicenseKey;
use serde::{Deserialize, Serialize};

use crate::payload::Verified;

/// What was last accepted in one slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The signed timestamp, Unix seconds.
    pub timestamp: i64,
    /// Hex SHA-256 of the signed `response_base64` text.
    pub digest: String,
}

/// Where accepted timestamps are kept. Slots are opaque hex digests: no license key is stored.
pub trait StateStore: Send + Sync + Debug {
    /// The last accepted entry of a slot.
    fn load(&self, slot: &str) -> Result<Option<Seen>, String>;
    /// Records an accepted entry.
    fn store(&self, slot: &str, seen: Seen) -> Result<(), String>;
    /// The newest timestamp accepted in any slot (for clock-tampering checks).
    fn newest(&self) -> Result<Option<i64>, String>;
}

/// The slot of a (license key, identifier, operation) triple: a hex SHA-256, so the store never
/// holds a license key.
pub fn slot(license_key: &SecretLicenseKey, identifier: &str, operation: &str) -> String {
    let mut input = Vec::new();
    for part in [license_key.expose(), identifier, operation] {
        input.extend_from_slice(&(part.len() as u64).to_be_bytes());
        input.extend_from_slice(part.as_bytes());
    }
    lower_hex(digest(&SHA256, &input).as_ref())
}

/// Hex SHA-256 of a signed text.
pub(crate) fn text_digest(text: &str) -> String {
    lower_hex(digest(&SHA256, text.as_bytes()).as_ref())
}

/// [`text_digest`] of a verified answer: the SHA-256 its signature check computed, or computed
/// now (a key used with another algorithm).
pub(crate) fn verified_digest<T>(verified: &Verified<T>) -> String {
    match &verified.text_sha256 {
        Some(sha256) => lower_hex(sha256.as_ref()),
        None => text_digest(&verified.envelope().response_base64),
    }
}

/// Lowercase hex, as `hex::encode` writes it (one allocation, no per-character iterator).
fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// The newest timestamp a slot had accepted when a request was sent: its answer is judged
/// against this mark, never against answers to requests that were in flight alongside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Watermark(pub Option<i64>);

/// Whether an answer signed at `timestamp` is a replay (a rollback), given the `mark` of its
/// slot when its request was sent.
///
/// The server handled the request after every answer accepted before it was sent, so an honest
/// answer is never older than the mark. Answers to concurrent requests cannot be ordered: one
/// that finishes later with an earlier second (two calls straddling a second boundary) is not a
/// replay. Signed timestamps have one-second resolution, so an answer of the mark's own second
/// is accepted (a refused activation, a deactivation and the activation again can share one).
pub fn is_replay(mark: Watermark, timestamp: i64) -> bool {
    mark.0.is_some_and(|newest| timestamp < newest)
}

/// What a slot keeps after accepting `seen`: the newer of the two, so a late answer with an
/// older second never lowers the mark. `None`: the slot stays as it is (it holds a newer entry,
/// or this very one, which is then not written again).
pub(crate) fn newer(last: Option<Seen>, seen: Seen) -> Option<Seen> {
    match last {
        Some(last) if last.timestamp > seen.timestamp || last == seen => None,
        _ => Some(seen),
    }
}

/// A store in memory: forgets everything when the process ends.
#[derive(Debug, Default)]
pub struct MemoryStateStore {
    slots: Mutex<HashMap<String, Seen>>,
}

impl MemoryStateStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Seen>> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl StateStore for MemoryStateStore {
    fn load(&self, slot: &str) -> Result<Option<Seen>, String> {
        Ok(self.lock().get(slot).cloned())
    }

    fn store(&self, slot: &str, seen: Seen) -> Result<(), String> {
        self.lock().insert(slot.to_owned(), seen);
        Ok(())
    }

    fn newest(&self) -> Result<Option<i64>, String> {
        Ok(self.lock().values().map(|s| s.timestamp).max())
    }
}

/// A store in one JSON file, rewritten atomically (temporary file + rename) on every change, so
/// a rollback cannot be made by restarting the application.
#[derive(Debug)]
pub struct FileStateStore {
    path: PathBuf,
    memory: MemoryStateStore,
}

impl FileStateStore {
    /// Opens (or starts) the store at `path`. A missing file is an empty store; a file that is
    /// not a store is an error (it is never silently replaced).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, String> {
        let path = path.as_ref().to_path_buf();
        let slots = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| format!("{} is not a state file: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => HashMap::new(),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        Ok(Self {
            path,
            memory: MemoryStateStore {
                slots: Mutex::new(slots),
            },
        })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn write(&self, slots: &HashMap<String, Seen>) -> Result<(), String> {
        let bytes = serde_json::to_vec(slots).map_err(|e| e.to_string())?;
        let mut tmp = self.path.clone().into_os_string();
        tmp.push(".tmp");
        std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write state: {e}"))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| format!("cannot replace state: {e}"))
    }
}

impl StateStore for FileStateStore {
    fn load(&self, slot: &str) -> Result<Option<Seen>, String> {
        self.memory.load(slot)
    }

    fn store(&self, slot: &str, seen: Seen) -> Result<(), String> {
        // One lock over the change and the write, so the file never lags behind memory.
        let mut slots = self.memory.lock();
        slots.insert(slot.to_owned(), seen);
        self.write(&slots)
    }

    fn newest(&self) -> Result<Option<i64>, String> {
        self.memory.newest()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(timestamp: i64, digest: &str) -> Seen {
        Seen {
            timestamp,
            digest: digest.to_owned(),
        }
    }

    #[test]
    fn a_slot_keeps_the_newer_entry_and_is_not_rewritten_with_the_same_one() {
        let cases = [
            (None, seen(5, "a"), Some(seen(5, "a"))),
            (Some(seen(4, "a")), seen(5, "b"), Some(seen(5, "b"))),
            (Some(seen(5, "a")), seen(5, "b"), Some(seen(5, "b"))),
            (Some(seen(5, "a")), seen(5, "a"), None),
            (Some(seen(6, "a")), seen(5, "b"), None),
        ];
        for (last, new, kept) in cases {
            assert_eq!(
                newer(last.clone(), new.clone()),
                kept,
                "{last:?} then {new:?}"
            );
        }
    }

    #[test]
    fn lower_hex_writes_what_hex_encode_writes() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(lower_hex(&bytes), hex::encode(&bytes));
        assert_eq!(text_digest("abc").len(), 64);
        assert_eq!(
            text_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
