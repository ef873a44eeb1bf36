//! The plan file the dry run writes and `--apply --plan` executes: JSON Lines, a header (the
//! [`Binding`]) and then one line per source license with its action (`create`, `exists_same`,
//! `exists_differs` with the differing fields, `refused_by_mapping`, `skip`, `done`) and what a
//! create would send, never the key. Written to a temporary file and renamed into place, so a
//! plan on disk is always whole.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use keyward_core::LicenseError;
use serde::{Deserialize, Serialize};

use super::binding::Binding;
use super::existing::Difference;
use super::plan::Step;

/// A line's action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Action {
    /// Create it at the target.
    Create,
    /// At the target already, the same.
    ExistsSame,
    /// At the target already, differing (see `differs`).
    ExistsDiffers,
    /// Its product or customer has no mapping.
    RefusedByMapping,
    /// Left behind (`reason`).
    Skip,
    /// Done by an earlier run.
    Done,
}

/// One license's line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Line {
    /// The license's id at the source.
    pub source_id: String,
    /// What is to be done.
    pub action: Action,
    /// The target product a create names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The target customer a create names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The activation limit a create sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation_limit: Option<u32>,
    /// The expiry a create sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The key's id at the target, when it is there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_id: Option<String>,
    /// Why it is left behind or refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// What differs at the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub differs: Vec<Difference>,
}

impl Line {
    /// The line for `step` of license `source_id`.
    pub(crate) fn of(source_id: &str, step: &Step) -> Self {
        let mut line = Self {
            source_id: source_id.to_owned(),
            action: Action::Done,
            product_id: None,
            customer_id: None,
            activation_limit: None,
            expires_at: None,
            target_id: None,
            reason: None,
            differs: Vec::new(),
        };
        match step {
            Step::Create { request, .. } => {
                line.action = Action::Create;
                line.product_id = request.product_id.clone();
                line.customer_id = request.customer_id.clone();
                line.activation_limit = request.activation_limit;
                line.expires_at = request.expires_at;
            }
            Step::Exists {
                target_id, differs, ..
            } => {
                line.action = if differs.is_empty() {
                    Action::ExistsSame
                } else {
                    Action::ExistsDiffers
                };
                line.target_id = Some(target_id.clone());
                line.differs = differs.clone();
            }
            Step::AlreadyDone(..) => {}
            Step::Skip(why) => {
                line.action = Action::Skip;
                line.reason = Some(why.clone());
            }
            Step::Unmapped(what) => {
                line.action = Action::RefusedByMapping;
                line.reason = Some(format!("no mapping for {what}"));
            }
        }
        line
    }

    /// Whether `now` (this run's line) is what this plan line said, so it may be done: the
    /// same line, or done since (by the journal, or found at the target as planned).
    pub(crate) fn admits(&self, now: &Self) -> bool {
        now.action == Action::Done
            || (self.action == Action::Create && now.action == Action::ExistsSame)
            || self == now
    }
}

#[derive(Serialize, Deserialize)]
struct Header {
    plan: Binding,
    at: DateTime<Utc>,
}

/// A plan being written.
pub(crate) struct Writer {
    file: BufWriter<File>,
    temporary: PathBuf,
    path: PathBuf,
}

impl Writer {
    /// Starts the plan for `binding` at `path` (in a temporary file beside it until
    /// [`finish`](Self::finish)).
    pub(crate) fn create(path: &Path, binding: &Binding) -> Result<Self, LicenseError> {
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".partial");
        let temporary = PathBuf::from(temporary);
        let file = File::create(&temporary).map_err(|e| io_error(path, "create", e))?;
        let mut writer = Self {
            file: BufWriter::new(file),
            temporary,
            path: path.to_owned(),
        };
        writer.write(&Header {
            plan: binding.clone(),
            at: Utc::now(),
        })?;
        Ok(writer)
    }

    /// Adds a line.
    pub(crate) fn add(&mut self, line: &Line) -> Result<(), LicenseError> {
        self.write(line)
    }

    fn write(&mut self, value: &impl Serialize) -> Result<(), LicenseError> {
        serde_json::to_writer(&mut self.file, value)
            .map_err(std::io::Error::from)
            .and_then(|()| self.file.write_all(b"\n"))
            .map_err(|e| io_error(&self.path, "write", e))
    }

    /// Puts the whole plan in place.
    pub(crate) fn finish(self) -> Result<(), LicenseError> {
        let path = self.path;
        let file = self
            .file
            .into_inner()
            .map_err(|e| io_error(&path, "write", e.into_error()))?;
        file.sync_all()
            .and_then(|()| std::fs::rename(&self.temporary, &path))
            .map_err(|e| io_error(&path, "write", e))?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(dir) = File::open(parent)
        {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

/// A plan read back: its lines by source id.
pub(crate) struct Plan {
    lines: HashMap<String, Line>,
}

impl Plan {
    /// Reads the plan at `path`; one written for another migration (any difference, the mapping
    /// included) is an error naming what differs.
    pub(crate) fn load(path: &Path, now: &Binding) -> Result<Self, LicenseError> {
        let file = File::open(path).map_err(|e| io_error(path, "read", e))?;
        let mut lines = HashMap::new();
        let mut header = None;
        for (n, text) in BufReader::new(file).lines().enumerate() {
            let text = text.map_err(|e| io_error(path, "read", e))?;
            let bad = |e: serde_json::Error| {
                LicenseError::invalid_input(format!(
                    "{} line {}: not a plan line: {e}",
                    path.display(),
                    n + 1
                ))
            };
            if n == 0 {
                header = Some(serde_json::from_str::<Header>(&text).map_err(bad)?.plan);
                continue;
            }
            let line: Line = serde_json::from_str(&text).map_err(bad)?;
            lines.insert(line.source_id.clone(), line);
        }
        let then = header.ok_or_else(|| {
            LicenseError::invalid_input(format!("{} is empty: not a plan", path.display()))
        })?;
        let differences = then.differences(now);
        if !differences.is_empty() {
            return Err(LicenseError::invalid_input(format!(
                "{} was planned for another migration ({}); plan again with a dry run",
                path.display(),
                differences.join("; ")
            )));
        }
        Ok(Self { lines })
    }

    /// The line of license `source_id`.
    pub(crate) fn get(&self, source_id: &str) -> Option<&Line> {
        self.lines.get(source_id)
    }
}

fn io_error(path: &Path, what: &str, e: std::io::Error) -> LicenseError {
    LicenseError::invalid_input(format!("could not {what} the plan {}", path.display()))
        .with_source(e)
}
