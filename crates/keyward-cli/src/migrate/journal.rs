//! The migration journal: an append-only JSON Lines file. Its first line is the header (the
//! [`Binding`]: source and target provider, base URL, environment, account, mapping digest); each
//! further line is one license handled. Lines are written to the file as they happen (a killed
//! process loses none) and synced to disk in batches (a power cut can lose the last batch: only
//! creates the target has, which the next run finds there, or refusals it repeats). A torn last
//! line is cut off when the journal is opened again. An OS lock on the file keeps a second run
//! out. It holds ids and outcomes, never a key.

use std::collections::HashMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use keyward_core::LicenseError;
use serde::{Deserialize, Serialize};

use super::binding::Binding;

/// What happened to one license.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Done {
    /// Created at the target.
    Created,
    /// The target already had the key: nothing created (`differs` says what does not match).
    Exists,
    /// The target refused the key; reported, retried only with `--retry-refused`.
    Refused,
}

/// One license's line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Record {
    /// The license's id at the source.
    pub source_id: String,
    /// What happened.
    pub outcome: Done,
    /// The license's id at the target, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// For a key already at the target: the fields that differ from the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differs: Vec<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// The header line.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Header {
    header: Binding,
    at: DateTime<Utc>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Header(Header),
    Record(Record),
}

/// What earlier runs did, by source id (outcome and whether it differs at the target).
pub(crate) type History = HashMap<String, (Done, bool)>;

/// The journal, locked and open for appending.
pub(crate) struct Journal {
    file: File,
    path: PathBuf,
    unsynced: bool,
}

/// What the journal at `path` says for the migration `now`; empty when it does not exist. A
/// journal bound to another migration is an error naming what differs, unless only the mapping
/// changed and `remapped` allows it.
pub(crate) fn read(path: &Path, now: &Binding, remapped: bool) -> Result<History, LicenseError> {
    let text = match std::fs::read(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::new()),
        Err(e) => return Err(io_error(path, "read", e)),
    };
    parse(path, &text[..complete_len(&text)], now, remapped).map(|(history, _)| history)
}

/// The history, and whether the header must be written again (new file, or a new mapping).
fn parse(
    path: &Path,
    bytes: &[u8],
    now: &Binding,
    remapped: bool,
) -> Result<(History, bool), LicenseError> {
    let mut history = History::new();
    let mut header: Option<Binding> = None;
    for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let bad = |what: &str| {
            LicenseError::invalid_input(format!("{} line {}: {what}", path.display(), n + 1))
        };
        match serde_json::from_slice::<Line>(line) {
            Ok(Line::Header(h)) => header = Some(h.header),
            Ok(Line::Record(_)) if header.is_none() => {
                return Err(bad(
                    "a record before any header: a journal of an older licensectl, or not a \
                     journal; start a new one with --journal",
                ));
            }
            Ok(Line::Record(r)) => {
                history.insert(r.source_id, (r.outcome, !r.differs.is_empty()));
            }
            Err(e) => return Err(bad(&format!("not a journal line: {e}"))),
        }
    }
    let Some(then) = header else {
        return Ok((history, true));
    };
    let differences = then.differences(now);
    if differences.is_empty() {
        return Ok((history, false));
    }
    if remapped && then.only_mapping_differs(now) {
        return Ok((history, true));
    }
    let hint = if then.only_mapping_differs(now) {
        "; what is done stays done: pass --mapping-changed to go on with the new mapping \
         (and --retry-refused to try again what the old one had refused)"
    } else {
        "; it belongs to another migration: give this one its own --journal"
    };
    Err(LicenseError::invalid_input(format!(
        "{} was written for another migration ({}){hint}",
        path.display(),
        differences.join("; ")
    )))
}

impl Journal {
    /// Opens (or creates) the journal for this run: takes the lock (refused while another run
    /// holds it), cuts off a torn last line, checks the header (see [`read`]) and writes it when
    /// new. Returns the journal and what earlier runs did.
    pub(crate) fn open(
        path: &Path,
        now: &Binding,
        remapped: bool,
    ) -> Result<(Self, History), LicenseError> {
        let existed = path.exists();
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(|e| io_error(path, "open", e))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LicenseError::invalid_input(format!(
                    "another licensectl migrate is running on the journal {}; wait for it to end",
                    path.display()
                )));
            }
            Err(TryLockError::Error(e)) => return Err(io_error(path, "lock", e)),
        }
        let text = std::fs::read(path).map_err(|e| io_error(path, "read", e))?;
        let complete = complete_len(&text);
        let (history, write_header) = parse(path, &text[..complete], now, remapped)?;
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
        let mut journal = Self {
            file,
            path: path.to_owned(),
            unsynced: false,
        };
        if write_header {
            let header = Header {
                header: now.clone(),
                at: Utc::now(),
            };
            journal.write_line(&header)?;
            journal.sync()?;
        }
        Ok((journal, history))
    }

    /// Appends `record` (in the file at once; on disk at the next [`sync`](Self::sync)).
    pub(crate) fn append(&mut self, record: &Record) -> Result<(), LicenseError> {
        self.write_line(record)
    }

    fn write_line(&mut self, line: &impl Serialize) -> Result<(), LicenseError> {
        let mut text = serde_json::to_string(line).map_err(|e| {
            LicenseError::invalid_input("could not encode a journal line").with_source(e)
        })?;
        text.push('\n');
        self.unsynced = true;
        self.file
            .write_all(text.as_bytes())
            .map_err(|e| io_error(&self.path, "write", e))
    }

    /// Waits until every appended line is on disk.
    pub(crate) fn sync(&mut self) -> Result<(), LicenseError> {
        if !self.unsynced {
            return Ok(());
        }
        self.unsynced = false;
        self.file
            .sync_data()
            .map_err(|e| io_error(&self.path, "sync", e))
    }
}

/// The length of `bytes` up to and including its last line break.
fn complete_len(bytes: &[u8]) -> usize {
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
    use super::super::binding::End;
    use super::*;

    fn binding(environment: &str, mapping: &str) -> Binding {
        let end = |provider: &str| End {
            provider: provider.into(),
            base_url: "http://127.0.0.1:1".into(),
            environment: Some(environment.into()),
            account: "acct".into(),
        };
        Binding {
            source: end("lemonsqueezy"),
            target: end("dodo"),
            mapping: mapping.into(),
        }
    }

    fn record(id: &str, outcome: Done) -> Record {
        Record {
            source_id: id.into(),
            outcome,
            target_id: None,
            reason: None,
            differs: Vec::new(),
            at: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn records_survive_a_torn_line_and_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let now = binding("test_mode", "m1");
        assert!(read(&path, &now, false).unwrap().is_empty());
        let (mut journal, history) = Journal::open(&path, &now, false).unwrap();
        assert!(history.is_empty());
        journal.append(&record("1", Done::Created)).unwrap();
        journal.append(&record("2", Done::Exists)).unwrap();
        journal.sync().unwrap();
        drop(journal);
        // An interrupted write leaves half a line.
        let mut file = OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"{\"source_id\":\"3").unwrap();
        drop(file);
        assert_eq!(read(&path, &now, false).unwrap().len(), 2);
        let (mut journal, _) = Journal::open(&path, &now, false).unwrap();
        journal.append(&record("3", Done::Refused)).unwrap();
        drop(journal);
        let history = read(&path, &now, false).unwrap();
        assert_eq!(history.get("3"), Some(&(Done::Refused, false)));
        assert_eq!(history.len(), 3);
        // One header line, written once.
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.matches("\"header\"").count(), 1);
    }

    #[test]
    fn another_migration_or_a_second_run_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let test = binding("test_mode", "m1");
        let (journal, _) = Journal::open(&path, &test, false).unwrap();
        // A second run while the first holds the lock.
        let err = Journal::open(&path, &test, false)
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("another licensectl migrate is running"),
            "{err}"
        );
        drop(journal);
        // The environment switched: refused, naming it, even with --mapping-changed.
        let live = binding("live_mode", "m1");
        for remapped in [false, true] {
            let err = read(&path, &live, remapped).unwrap_err().to_string();
            assert!(
                err.contains("test_mode in the file, live_mode now"),
                "{err}"
            );
        }
        // Only the mapping changed: refused unless allowed; allowed, a new header is written.
        let remapped = binding("test_mode", "m2");
        let err = read(&path, &remapped, false).unwrap_err().to_string();
        assert!(err.contains("--mapping-changed"), "{err}");
        drop(Journal::open(&path, &remapped, true).unwrap());
        assert!(read(&path, &remapped, false).is_ok());
        // Lines without a header (an older journal), or a bad line, name the line.
        std::fs::write(
            &path,
            "{\"source_id\":\"1\",\"outcome\":\"created\",\"at\":\"2027-01-01T00:00:00Z\"}\n",
        )
        .unwrap();
        let err = read(&path, &test, false).unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("older"), "{err}");
        std::fs::write(&path, "{\"x\":1}\n").unwrap();
        assert!(
            read(&path, &test, false)
                .unwrap_err()
                .to_string()
                .contains("line 1")
        );
    }
}
