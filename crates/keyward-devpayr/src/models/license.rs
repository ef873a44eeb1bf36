//! The license record and the body that creates one.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use keyward_core::RawJson;
use keyward_core::SecretLicenseKey;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

keyward_core::open_enum! {
    /// Whether a license is usable. The field name (`status`) and its values are a guess:
    /// DevPayr documents that the state exists but not how it is sent.
    LicenseState {
        /// The license works (and can be revoked).
        Active => "active",
        /// The license was revoked (and can be reactivated unless it expired).
        Revoked => "revoked",
        /// The license is past its `expires_at`.
        Expired => "expired",
    }
}

/// A license of a project. The customer-facing license key is its `uuid`; the integer `id` is
/// what the management endpoints take.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct License {
    /// The record id (used in paths).
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The license key to give to the customer. `Debug` shows only its last four characters.
    pub uuid: SecretLicenseKey,
    /// The owning project.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub project_id: Option<u64>,
    /// The label, unique within the project.
    #[serde(default)]
    pub title: Option<String>,
    /// The project domain the license is pinned to.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub domain_id: Option<u64>,
    /// When the license expires; `None` is a lifetime license.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub expires_at: Option<DateTime<Utc>>,
    /// The cap on domains (`license_domains` mode).
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub max_domains: Option<u64>,
    /// The cap on subdomains per base domain.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub max_subdomains_per_domain: Option<u64>,
    /// The cap on validations per day.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub max_usage_per_day: Option<u64>,
    /// Allowed client IPs (sent as a comma-separated string or a list).
    #[serde(default, deserialize_with = "keyward_core::de::opt_list")]
    pub allowed_ips: Option<Vec<String>>,
    /// Allowed ISO-3166 alpha-2 countries (sent as a comma-separated string or a list).
    #[serde(default, deserialize_with = "keyward_core::de::opt_list")]
    pub allowed_countries: Option<Vec<String>>,
    /// A test license works only on `localhost`, `127.0.0.1` and `*.test`.
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub is_test_license: Option<bool>,
    /// Whether the license may accept runtime configuration.
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub allow_configs: Option<bool>,
    /// The active/revoked state, when the server sends it as `status` (a guess; see
    /// [`License::state`]). A number or boolean (a Laravel column without a cast) is kept as
    /// `Other("1")`, `Other("true")`: the record still decodes.
    #[serde(default, deserialize_with = "opt_state")]
    pub status: Option<LicenseState>,
    /// When the record was created.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the record was last changed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The JSON DevPayr sent for this license, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(License);

/// `status` as any JSON scalar: the column is only a guess, so a number or boolean must
/// not fail the whole record.
fn opt_state<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LicenseState>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(text) => Some(LicenseState::from(text.as_str())),
        other => Some(LicenseState::Other(other.to_string())),
    })
}

impl License {
    /// The license's state at `now`: `Expired` once `expires_at` has passed, otherwise the sent
    /// `status`, or (when the server names the state differently) `is_active`, `is_revoked` or
    /// `revoked_at`. `None` when nothing says.
    pub fn state(&self, now: DateTime<Utc>) -> Option<LicenseState> {
        if self.is_expired_at(now) {
            return Some(LicenseState::Expired);
        }
        if let Some(status) = &self.status {
            return Some(status.clone());
        }
        let flag = |name: &str| match self.extra.get(name) {
            Some(Value::Bool(b)) => Some(*b),
            Some(Value::Number(n)) => n.as_u64().map(|n| n != 0),
            _ => None,
        };
        if flag("is_revoked") == Some(true)
            || self.extra.get("revoked_at").is_some_and(|v| !v.is_null())
        {
            return Some(LicenseState::Revoked);
        }
        match flag("is_active") {
            Some(true) => Some(LicenseState::Active),
            Some(false) => Some(LicenseState::Revoked),
            None => None,
        }
    }

    /// Whether `expires_at` is at or before `now`.
    pub fn is_expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }
}

/// The body of `POST /project/{project}/licenses`. Only `title` is required; omitted options get
/// the account's defaults.
///
/// ```
/// use keyward_devpayr::models::NewLicense;
///
/// let body = NewLicense::new("ClientApp License - Production")
///     .max_domains(3)
///     .allowed_countries(["NG", "US"]);
/// # let _ = body;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NewLicense {
    /// The label (≤ 255 characters, unique within the project).
    pub title: String,
    /// Pins the license to one of the project's domains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_id: Option<u64>,
    /// When the license expires (a future date or timestamp); omitted for the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// The cap on domains.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_domains: Option<u64>,
    /// The cap on subdomains per base domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_subdomains_per_domain: Option<u64>,
    /// The cap on validations per day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_usage_per_day: Option<u64>,
    /// Allowed client IPs, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_ips: Option<String>,
    /// Allowed countries, comma-separated ISO-3166 alpha-2 codes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_countries: Option<String>,
    /// Makes a test license (works only on development hosts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_test_license: Option<bool>,
    /// Lets the license accept runtime configuration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_configs: Option<bool>,
}

impl NewLicense {
    /// A license with this title and the account's defaults for everything else.
    pub fn new(title: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            domain_id: None,
            expires_at: None,
            max_domains: None,
            max_subdomains_per_domain: None,
            max_usage_per_day: None,
            allowed_ips: None,
            allowed_countries: None,
            is_test_license: None,
            allow_configs: None,
        }
    }

    /// Pins the license to a project domain.
    #[must_use]
    pub fn domain_id(mut self, domain_id: u64) -> Self {
        self.domain_id = Some(domain_id);
        self
    }

    /// Expires the license at the start of `date` (sent as `YYYY-MM-DD`).
    #[must_use]
    pub fn expires_on(mut self, date: NaiveDate) -> Self {
        self.expires_at = Some(date.format("%Y-%m-%d").to_string());
        self
    }

    /// Expires the license at `at` (sent as RFC 3339).
    #[must_use]
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Some(at.to_rfc3339_opts(SecondsFormat::Secs, true));
        self
    }

    /// Sets the cap on domains.
    #[must_use]
    pub fn max_domains(mut self, max: u64) -> Self {
        self.max_domains = Some(max);
        self
    }

    /// Sets the cap on subdomains per base domain.
    #[must_use]
    pub fn max_subdomains_per_domain(mut self, max: u64) -> Self {
        self.max_subdomains_per_domain = Some(max);
        self
    }

    /// Sets the cap on validations per day.
    #[must_use]
    pub fn max_usage_per_day(mut self, max: u64) -> Self {
        self.max_usage_per_day = Some(max);
        self
    }

    /// Restricts the license to these client IPs.
    #[must_use]
    pub fn allowed_ips<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, ips: I) -> Self {
        self.allowed_ips = Some(join(ips));
        self
    }

    /// Restricts the license to these countries.
    #[must_use]
    pub fn allowed_countries<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, codes: I) -> Self {
        self.allowed_countries = Some(join(codes));
        self
    }

    /// Makes this a test license.
    #[must_use]
    pub fn test_license(mut self, test: bool) -> Self {
        self.is_test_license = Some(test);
        self
    }

    /// Lets the license accept runtime configuration.
    #[must_use]
    pub fn allow_configs(mut self, allow: bool) -> Self {
        self.allow_configs = Some(allow);
        self
    }
}

fn join<I: IntoIterator<Item = S>, S: AsRef<str>>(items: I) -> String {
    items
        .into_iter()
        .map(|s| s.as_ref().trim().to_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_sent_as_a_number_or_boolean_still_decodes() {
        let record = |status: &str| {
            let json = format!(
                r#"{{"id":5,"uuid":"019ae9f4-18b2-706b-b728-3f77c6bd9217","status":{status}}}"#
            );
            serde_json::from_str::<License>(&json).map(|l| l.status)
        };
        assert_eq!(
            record("1").ok(),
            Some(Some(LicenseState::Other("1".into())))
        );
        assert_eq!(
            record("false").ok(),
            Some(Some(LicenseState::Other("false".into())))
        );
        assert_eq!(
            record(r#""revoked""#).ok(),
            Some(Some(LicenseState::Revoked))
        );
        assert_eq!(
            record(r#""suspended""#).ok(),
            Some(Some(LicenseState::Other("suspended".into())))
        );
        assert_eq!(record("null").ok(), Some(None));
    }
}
