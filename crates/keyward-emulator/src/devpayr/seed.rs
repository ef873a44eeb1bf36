//! Seeding the emulated DevPayr: licenses built in code, or fixture-shaped bodies.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::SEED_PROJECT;
use super::state::{DomainRec, LicenseRec, State};
use crate::SeedError;

/// A license to add with [`DevPayrEmulator::add_license`](super::DevPayrEmulator::add_license).
#[derive(Debug, Clone)]
#[must_use]
pub struct LicenseSeed {
    record: LicenseRec,
}

impl LicenseSeed {
    /// An active production license with this key (its `uuid`) in project [`SEED_PROJECT`],
    /// titled after nothing secret ("Seeded license"), no limits, no expiry.
    pub fn new(key: impl Into<String>) -> Self {
        let epoch = DateTime::<Utc>::UNIX_EPOCH;
        Self {
            record: LicenseRec {
                id: 0,
                uuid: key.into(),
                project_id: SEED_PROJECT,
                title: String::from("Seeded license"),
                domain_id: None,
                expires_at: None,
                max_domains: None,
                max_subdomains_per_domain: None,
                max_usage_per_day: None,
                allowed_ips: None,
                allowed_countries: None,
                is_test_license: false,
                allow_configs: false,
                revoked: false,
                created_at: epoch,
                updated_at: epoch,
                used_domains: Vec::new(),
                usage: HashMap::new(),
            },
        }
    }

    /// In this project.
    pub fn project(mut self, project: u64) -> Self {
        self.record.project_id = project;
        self
    }

    /// Titled so (titles are unique in a project).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.record.title = title.into();
        self
    }

    /// Expires at this time (compared with the emulator's clock).
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.record.expires_at = Some(at);
        self
    }

    /// Starts revoked (DevPayr's disabled).
    pub fn disabled(mut self) -> Self {
        self.record.revoked = true;
        self
    }

    /// A test license (valid only on `localhost`, `127.0.0.1` and `*.test`).
    pub fn test_mode(mut self) -> Self {
        self.record.is_test_license = true;
        self
    }

    /// Pinned to this domain (an id of the project's domains).
    pub fn domain(mut self, domain_id: u64) -> Self {
        self.record.domain_id = Some(domain_id);
        self
    }

    /// At most this many domains (`license_domains` mode).
    pub fn max_domains(mut self, max: u64) -> Self {
        self.record.max_domains = Some(max);
        self
    }

    /// At most this many validations a day.
    pub fn max_usage_per_day(mut self, max: u64) -> Self {
        self.record.max_usage_per_day = Some(max);
        self
    }
}

/// Adds a seed's license, stamped with the emulator's clock; returns its id.
pub(crate) fn insert(state: &mut State, seed: LicenseSeed) -> Result<u64, SeedError> {
    let mut record = seed.record;
    if !state.projects.contains_key(&record.project_id) {
        return Err(SeedError::Unknown {
            what: "project",
            id: record.project_id.to_string(),
        });
    }
    record.id = state.next_id().ok_or(SeedError::Unknown {
        what: "free license id after",
        id: u64::MAX.to_string(),
    })?;
    record.created_at = state.now();
    record.updated_at = record.created_at;
    let id = record.id;
    state.licenses.insert(id, record);
    Ok(id)
}

/// The records of a list body (`data.data`), a single-record body (`data`) or a bare record.
fn records(what: &'static str, body: &str) -> Result<Vec<Value>, SeedError> {
    let value = SeedError::parse(what, body)?;
    let data = value.get("data").cloned().unwrap_or(value);
    Ok(match data.get("data") {
        Some(Value::Array(items)) => items.clone(),
        _ => vec![data],
    })
}

/// Reads every record of a body with `parse`, naming the first it refuses by position.
fn parse_all<T>(
    what: &'static str,
    body: &str,
    needs: &'static str,
    parse: impl Fn(&Value) -> Option<T>,
) -> Result<Vec<T>, SeedError> {
    records(what, body)?
        .iter()
        .enumerate()
        .map(|(index, value)| {
            // The record is never quoted: a license's `uuid` is its key.
            parse(value).ok_or(SeedError::Field {
                record: what,
                index,
                field: needs,
            })
        })
        .collect()
}

/// Adds the licenses of a body to `project`; all or nothing.
pub(crate) fn licenses(state: &mut State, project: u64, body: &str) -> Result<usize, SeedError> {
    let now = state.now();
    let parsed = parse_all(
        "license record",
        body,
        "a numeric `id` and a string `uuid`",
        |value| LicenseRec::from_json(value, project, now),
    )?;
    let added = parsed.len();
    state.licenses.extend(parsed.into_iter().map(|r| (r.id, r)));
    Ok(added)
}

/// Adds the domains of a body to `project`; all or nothing.
pub(crate) fn domains(state: &mut State, project: u64, body: &str) -> Result<usize, SeedError> {
    let now = state.now();
    let parsed = parse_all(
        "domain record",
        body,
        "a numeric `id` and a string `domain`",
        |value| DomainRec::from_json(value, project, now),
    )?;
    let added = parsed.len();
    state.domains.extend(parsed.into_iter().map(|r| (r.id, r)));
    Ok(added)
}

/// Adds a project's injectables from a stream body (`data.injectables`), kept as sent.
pub(crate) fn injectables(state: &mut State, project: u64, body: &str) -> Result<usize, SeedError> {
    const WHAT: &str = "injectables";
    let value = SeedError::parse(WHAT, body)?;
    let items = value
        .pointer("/data/injectables")
        .and_then(Value::as_array)
        .cloned()
        .ok_or(SeedError::Shape {
            what: WHAT,
            expected: "{\"data\": {\"injectables\": [...]}}",
        })?;
    let project = state.projects.get_mut(&project).ok_or(SeedError::Unknown {
        what: "project",
        id: project.to_string(),
    })?;
    let count = items.len();
    project.injectables.extend(items);
    Ok(count)
}
