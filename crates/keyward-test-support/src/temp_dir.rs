//! A fresh directory for one test, removed when dropped.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A fresh, empty directory under the system's temporary directory, named
/// `<prefix>-<process id>-<counter>-<nanoseconds>`; it and everything in it are removed when
/// the value is dropped.
///
/// ```
/// # fn test() -> std::io::Result<()> {
/// let dir = keyward_test_support::TempDir::new("doc")?;
/// std::fs::write(dir.join("state.json"), b"{}")?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates the directory; fails if it cannot be created (or, unlikely, already exists).
    pub fn new(prefix: &str) -> io::Result<Self> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir)?;
        Ok(Self(dir))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path of `name` inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The path of `name` inside the directory, as a string (for command-line arguments).
    pub fn join_string(&self, name: &str) -> String {
        self.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::TempDir;

    #[test]
    fn each_is_fresh_and_goes_away_on_drop() {
        let first = TempDir::new("keyward-test-support").unwrap();
        let second = TempDir::new("keyward-test-support").unwrap();
        assert_ne!(first.path(), second.path());
        assert!(first.path().is_dir());
        assert_eq!(std::fs::read_dir(first.path()).unwrap().count(), 0);
        std::fs::write(first.join("inner.txt"), b"x").unwrap();
        assert_eq!(
            first.join_string("inner.txt"),
            first.path().join("inner.txt").to_string_lossy()
        );
        let kept = first.path().to_path_buf();
        drop(first);
        assert!(!kept.exists(), "removed with its contents");
        assert!(second.path().is_dir(), "the other stays");
    }
}
