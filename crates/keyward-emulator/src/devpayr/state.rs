//! The DevPayr emulator's state: users' API keys, projects, licenses, domains, injectables.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Value, json};

use crate::shell::Clock;

/// How a project decides which domains a license may run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DomainMode {
    /// The domain must be a registered, active project domain (DevPayr's `project_domains`).
    ProjectDomains,
    /// Domains register themselves on first use, up to the license's `max_domains`
    /// (`license_domains`).
    LicenseDomains,
}

/// Who an API key belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyScope {
    /// A user-wide key.
    Global { user: u64 },
    /// A key for one project.
    Project { user: u64, project: u64 },
}

#[derive(Debug, Clone)]
pub(crate) struct Project {
    pub(crate) owner: u64,
    pub(crate) paid: bool,
    pub(crate) mode: DomainMode,
    pub(crate) injectables: Vec<Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct LicenseRec {
    pub(crate) id: u64,
    pub(crate) uuid: String,
    pub(crate) project_id: u64,
    pub(crate) title: String,
    pub(crate) domain_id: Option<u64>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
    pub(crate) max_domains: Option<u64>,
    pub(crate) max_subdomains_per_domain: Option<u64>,
    pub(crate) max_usage_per_day: Option<u64>,
    pub(crate) allowed_ips: Option<String>,
    pub(crate) allowed_countries: Option<String>,
    pub(crate) is_test_license: bool,
    pub(crate) allow_configs: bool,
    pub(crate) revoked: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    /// Domains registered by use (`license_domains` mode).
    pub(crate) used_domains: Vec<String>,
    /// Validations counted per day.
    pub(crate) usage: HashMap<NaiveDate, u64>,
}

#[derive(Debug, Clone)]
pub(crate) struct DomainRec {
    pub(crate) id: u64,
    pub(crate) project_id: u64,
    pub(crate) domain: String,
    pub(crate) environment: String,
    pub(crate) has_paid: bool,
    pub(crate) is_active: bool,
    pub(crate) is_primary: bool,
    pub(crate) is_verified: bool,
    pub(crate) is_locked: bool,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
}

/// Everything an emulated DevPayr holds (read it through
/// [`DevPayrEmulator`](super::DevPayrEmulator)).
#[derive(Debug, Default, Clone)]
pub struct State {
    pub(crate) keys: HashMap<String, KeyScope>,
    pub(crate) projects: BTreeMap<u64, Project>,
    pub(crate) licenses: BTreeMap<u64, LicenseRec>,
    pub(crate) domains: BTreeMap<u64, DomainRec>,
    pub(crate) next_id: u64,
    pub(crate) clock: Clock,
    pub(crate) rate_limited: u32,
    pub(crate) requests: u64,
}

impl State {
    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A fresh record id, above every id seen so far; `None` once ids are used up (only after
    /// seeding an id of `u64::MAX`).
    pub(crate) fn next_id(&mut self) -> Option<u64> {
        let highest = [
            self.licenses.keys().next_back(),
            self.domains.keys().next_back(),
        ]
        .into_iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0);
        self.next_id = self.next_id.max(highest).checked_add(1)?;
        Some(self.next_id)
    }

    pub(crate) fn license_by_key(&self, key: &str) -> Option<&LicenseRec> {
        self.licenses
            .values()
            .find(|l| l.uuid.eq_ignore_ascii_case(key))
    }
}

/// Laravel's timestamp format: `2025-12-13T12:57:24.000000Z`.
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Reads the timestamp forms DevPayr takes: RFC 3339, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`.
pub(crate) fn parse_time(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

impl LicenseRec {
    /// The record as DevPayr's list and show send it (`status` is the fixtures' guess).
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "uuid": self.uuid,
            "project_id": self.project_id,
            "domain_id": self.domain_id,
            "title": self.title,
            "expires_at": self.expires_at.map(timestamp),
            "max_domains": self.max_domains,
            "max_subdomains_per_domain": self.max_subdomains_per_domain,
            "max_usage_per_day": self.max_usage_per_day,
            "allowed_ips": self.allowed_ips,
            "allowed_countries": self.allowed_countries,
            "is_test_license": self.is_test_license,
            "allow_configs": self.allow_configs,
            "status": if self.revoked { "revoked" } else { "active" },
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
        })
    }

    pub(crate) fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// Reads a record from a fixture body's license object.
    pub(crate) fn from_json(value: &Value, project_id: u64, now: DateTime<Utc>) -> Option<Self> {
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        let num = |k: &str| value.get(k).and_then(Value::as_u64);
        let flag = |k: &str| match value.get(k) {
            Some(Value::Bool(b)) => *b,
            Some(Value::Number(n)) => n.as_u64() == Some(1),
            _ => false,
        };
        let time = |k: &str| text(k).as_deref().and_then(parse_time);
        Some(Self {
            id: num("id")?,
            uuid: text("uuid")?,
            project_id: num("project_id").unwrap_or(project_id),
            title: text("title").unwrap_or_default(),
            domain_id: num("domain_id"),
            expires_at: time("expires_at"),
            max_domains: num("max_domains"),
            max_subdomains_per_domain: num("max_subdomains_per_domain"),
            max_usage_per_day: num("max_usage_per_day"),
            allowed_ips: text("allowed_ips"),
            allowed_countries: text("allowed_countries"),
            is_test_license: flag("is_test_license"),
            allow_configs: flag("allow_configs"),
            revoked: text("status").as_deref() == Some("revoked"),
            created_at: time("created_at").unwrap_or(now),
            updated_at: time("updated_at").unwrap_or(now),
            used_domains: Vec::new(),
            usage: HashMap::new(),
        })
    }
}

impl DomainRec {
    /// The fields the list endpoint is limited to.
    pub(crate) fn to_list_json(&self) -> Value {
        json!({
            "id": self.id,
            "project_id": self.project_id,
            "domain": self.domain,
            "has_paid": self.has_paid,
            "is_active": self.is_active,
            "is_primary": self.is_primary,
            "created_at": timestamp(self.created_at),
            "updated_at": timestamp(self.updated_at),
        })
    }

    /// The fuller record of show and create.
    pub(crate) fn to_json(&self) -> Value {
        let mut value = self.to_list_json();
        if let Some(map) = value.as_object_mut() {
            map.insert("environment".into(), json!(self.environment));
            map.insert("is_verified".into(), json!(self.is_verified));
            map.insert("is_locked".into(), json!(self.is_locked));
        }
        value
    }

    /// Reads a record from a fixture body's domain object.
    pub(crate) fn from_json(value: &Value, project_id: u64, now: DateTime<Utc>) -> Option<Self> {
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        let flag =
            |k: &str, default: bool| value.get(k).and_then(Value::as_bool).unwrap_or(default);
        let time = |k: &str| text(k).as_deref().and_then(parse_time);
        Some(Self {
            id: value.get("id").and_then(Value::as_u64)?,
            project_id: value
                .get("project_id")
                .and_then(Value::as_u64)
                .unwrap_or(project_id),
            domain: text("domain")?,
            environment: text("environment").unwrap_or_else(|| "production".into()),
            has_paid: flag("has_paid", false),
            is_active: flag("is_active", true),
            is_primary: flag("is_primary", false),
            is_verified: flag("is_verified", false),
            is_locked: flag("is_locked", false),
            created_at: time("created_at").unwrap_or(now),
            updated_at: time("updated_at").unwrap_or(now),
        })
    }
}
