//! The state file on disk: one per (provider, key), written atomically with owner-only
//! permissions, read tolerantly (anything wrong is "no state").

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::seal::{MAX_FILE_LEN, Sealer, Unsealed};
use super::state::StoredState;

/// Distinguishes temporary files of concurrent writers within one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// One sealed state file.
pub(crate) struct StateFile {
    dir: PathBuf,
    path: PathBuf,
    sealer: Sealer,
}

impl StateFile {
    pub(crate) fn new(dir: &Path, sealer: Sealer) -> Self {
        let name = format!("{}-{}.state", sealer.provider(), sealer.file_id());
        Self {
            dir: dir.to_path_buf(),
            path: dir.join(name),
            sealer,
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn key_hash(&self) -> &str {
        self.sealer.key_hash()
    }

    pub(crate) fn provider(&self) -> &'static str {
        self.sealer.provider()
    }

    /// The stored state, or why there is none.
    pub(crate) fn load(&self) -> Result<StoredState, Unsealed> {
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Unsealed::Missing),
            Err(_) => return Err(Unsealed::Unreadable),
        };
        let mut bytes = Vec::new();
        file.take(MAX_FILE_LEN + 1)
            .read_to_end(&mut bytes)
            .map_err(|_| Unsealed::Unreadable)?;
        if bytes.len() as u64 > MAX_FILE_LEN {
            return Err(Unsealed::Malformed);
        }
        self.sealer.open(&bytes)
    }

    /// Replaces the file with `state`: a temporary file in the same directory, written and
    /// flushed to disk, then renamed over the old one, so a reader (or a crash) sees the old
    /// file or the new one, never a mix.
    pub(crate) fn save(&self, state: &StoredState) -> io::Result<()> {
        let bytes = self
            .sealer
            .seal(state)
            .map_err(|e| io::Error::other(e.to_string()))?;
        fs::create_dir_all(&self.dir)?;
        let temp = self.dir.join(format!(
            ".{}.{}.{}.tmp",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed),
            self.path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("state"),
        ));
        let written = write_new(&temp, &bytes).and_then(|()| fs::rename(&temp, &self.path));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        sync_dir(&self.dir);
        Ok(())
    }

    /// Removes the file; a missing file is already wiped.
    pub(crate) fn wipe(&self) -> io::Result<()> {
        match fs::remove_file(&self.path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Creates `path` (it must not exist), owner-only on unix, and writes `bytes` to disk.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Makes the rename itself durable where the platform allows; best effort.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}
