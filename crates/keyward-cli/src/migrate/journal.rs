//! The migration journal: an append-only JSON Lines file, one record per license handled, each
//! flushed to disk (`fsync`) before the next license is touched. An interruption at any point
//! loses at most the line being written; that torn line is cut off when the journal is opened
//! again. It holds ids and outcomes, never a key.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use keyward_core::LicenseError;
use serde::{Deserialize, Serialize};

/// What happened to one license.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Done {
    /// Created at the target.
    Created,
    /// The target already had the key (Dodo's 409): nothing created.
    Exists,
    /// The target refused the key; reported, not retried.
    Refused,
}

/// One line of the journal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The source provider.
    pub from: String,
    /// The target provider.
    pub to: String,
    /// The license's id at the source.
    pub source_id: String,
    /// What happened.
    pub outcome: Done,
    /// The license's id at the target, when created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The journal, open for appending.
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
}

/// The records of the journal at `path` for the migration `from` → `to`, by source id; none when
/// the file does not exist. A torn last line (an interrupted write) is ignored; any other bad
/// line, or a record of another migration, is an error naming the line.
pub(crate) fn read(
    path: &Path,
    from: &str,
    to: &str,
) -> Result<BTreeMap<String, Record>, LicenseError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(io_error(path, "read", e)),
    };
    let complete = complete_len(&text);
    let mut done = BTreeMap::new();
    for (n, line) in text[..complete].lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(line).map_err(|e| {
            LicenseError::invalid_input(format!(
                "{} line {}: not a journal record: {e}",
                path.display(),
                n + 1
            ))
        })?;
        if record.from != from || record.to != to {
            return Err(LicenseError::invalid_input(format!(
                "{} line {}: the journal is of a migration from {} to {}, not {from} to {to}",
                path.display(),
                n + 1,
                record.from,
                record.to
            )));
        }
        done.insert(record.source_id.clone(), record);
    }
    Ok(done)
}

impl Journal {
    /// Opens (or creates) the journal for appending, cutting off a torn last line.
    pub(crate) fn open(path: &Path) -> Result<Self, LicenseError> {
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io_error(path, "open", e))?;
        let text = std::fs::read(path).map_err(|e| io_error(path, "read", e))?;
        let complete = complete_len_bytes(&text);
        if complete != text.len() {
            file.set_len(complete as u64)
                .and_then(|()| file.sync_all())
                .map_err(|e| io_error(path, "repair", e))?;
        }
        file.seek(SeekFrom::End(0))
            .map_err(|e| io_error(path, "open", e))?;
        if !existed {
            sync_parent(path);
        }
        Ok(Self {
            file,
            path: path.to_owned(),
        })
    }

    /// Appends `record` and waits until it is on disk.
    pub(crate) fn append(&mut self, record: &Record) -> Result<(), LicenseError> {
        let mut line = serde_json::to_string(record).map_err(|e| {
            LicenseError::invalid_input("could not encode a journal record").with_source(e)
        })?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|e| io_error(&self.path, "write", e))
    }
}

/// The length of `text` up to and including its last line break.
fn complete_len(text: &str) -> usize {
    complete_len_bytes(text.as_bytes())
}

fn complete_len_bytes(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
}

/// Makes a new file's directory entry durable (best effort: not every platform can).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && let Ok(dir) = File::open(parent)
    {
        let _ = dir.sync_all();
    }
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> LicenseError {
    LicenseError::invalid_input(format!("could not {what} the journal {}", path.display()))
        .with_source(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, outcome: Done) -> Record {
        Record {
            from: "lemonsqueezy".into(),
            to: "dodo".into(),
            source_id: id.into(),
            outcome,
            target_id: None,
            reason: None,
            at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn records_survive_a_torn_line_and_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        assert!(read(&path, "lemonsqueezy", "dodo").unwrap().is_empty());
        let mut journal = Journal::open(&path).unwrap();
        journal.append(&record("1", Done::Created)).unwrap();
        journal.append(&record("2", Done::Exists)).unwrap();
        drop(journal);
        // An interrupted write leaves half a line.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"from\":\"lemonsq").unwrap();
        drop(file);
        let done = read(&path, "lemonsqueezy", "dodo").unwrap();
        assert_eq!(done.len(), 2);
        let mut journal = Journal::open(&path).unwrap();
        journal.append(&record("3", Done::Refused)).unwrap();
        let done = read(&path, "lemonsqueezy", "dodo").unwrap();
        assert_eq!(
            done.values().map(|r| r.outcome).collect::<Vec<_>>(),
            [Done::Created, Done::Exists, Done::Refused]
        );
        // Another migration's journal, or a bad line in the middle, is refused with its line.
        let err = read(&path, "devpayr", "dodo").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
        std::fs::write(&path, "{}\n{\"x\":1}\n").unwrap();
        let err = read(&path, "lemonsqueezy", "dodo").unwrap_err().to_string();
        assert!(err.contains("line 1"), "{err}");
    }
}
