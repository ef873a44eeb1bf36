//! The one error of seeding an emulator.

use std::path::PathBuf;

/// Why a seed was refused. Never quotes a record's content: seeds hold license keys.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// A seed file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The text is not JSON.
    #[error("{what}: not JSON (line {line}, column {column})")]
    NotJson {
        /// Which body.
        what: &'static str,
        /// Where the text stops being JSON.
        line: usize,
        /// Where the text stops being JSON.
        column: usize,
    },
    /// The JSON is not shaped as expected.
    #[error("{what}: expected {expected}")]
    Shape {
        /// Which body.
        what: &'static str,
        /// The shape wanted.
        expected: &'static str,
    },
    /// A record lacks a field it needs, or has it with the wrong type.
    #[error("{record} {index}: needs {field}")]
    Field {
        /// The kind of record.
        record: &'static str,
        /// The record's position in its list (0-based).
        index: usize,
        /// The field and the type it needs.
        field: &'static str,
    },
    /// A record would duplicate one the emulator holds (e.g. the same license key text).
    #[error("a {what} with the same key text exists already")]
    Exists {
        /// The kind of record.
        what: &'static str,
    },
    /// A record refers to something the emulator does not hold.
    #[error("unknown {what} {id}")]
    Unknown {
        /// The kind of thing.
        what: &'static str,
        /// Its id (never a license key).
        id: String,
    },
    /// The record is in a state that does not allow the change (e.g. failing a delivered grant).
    #[error("{what}: {reason}")]
    Conflict {
        /// The kind of record.
        what: &'static str,
        /// Why the change is refused.
        reason: &'static str,
    },
}

impl SeedError {
    /// Parses `text` as JSON, naming the body in the error.
    pub(crate) fn parse(what: &'static str, text: &str) -> Result<serde_json::Value, Self> {
        serde_json::from_str(text).map_err(|e| Self::NotJson {
            what,
            line: e.line(),
            column: e.column(),
        })
    }

    /// Reads a seed file.
    pub(crate) fn read(path: PathBuf) -> Result<String, Self> {
        std::fs::read_to_string(&path).map_err(|source| Self::Read { path, source })
    }
}
