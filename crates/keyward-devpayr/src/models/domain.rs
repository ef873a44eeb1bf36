//! Project domains: the record and the body that creates one.

use chrono::{DateTime, Utc};
use keyward_core::RawJson;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

keyward_core::open_enum! {
    /// The environment a domain serves.
    Environment {
        /// Production.
        Production => "production",
        /// Staging.
        Staging => "staging",
        /// Development.
        Development => "development",
    }
}

/// A domain of a project. The list endpoint returns only `id`, `project_id`, `domain`,
/// `has_paid`, `is_active`, `is_primary` and the timestamps; show and create may send more.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Domain {
    /// The record id (used in paths).
    #[serde(deserialize_with = "keyward_core::de::uint")]
    pub id: u64,
    /// The owning project.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub project_id: Option<u64>,
    /// The host name, `localhost[:port]`, IP or device identifier.
    pub domain: String,
    /// Whether this domain is paid for.
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub has_paid: Option<bool>,
    /// Whether the domain is active.
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub is_active: Option<bool>,
    /// Whether this is the project's primary domain.
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub is_primary: Option<bool>,
    /// The environment (not on list answers).
    #[serde(default)]
    pub environment: Option<Environment>,
    /// Whether the domain was verified (not on list answers).
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub is_verified: Option<bool>,
    /// Whether the domain is locked (not on list answers).
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub is_locked: Option<bool>,
    /// When the record was created.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub created_at: Option<DateTime<Utc>>,
    /// When the record was last changed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_timestamp")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The JSON DevPayr sent for this domain, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Domain);

/// The flags a domain is created or updated with; `None` leaves a flag out of the body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DomainFlags {
    /// Makes it the primary domain (the current primary is demoted), or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_primary: Option<bool>,
    /// Marks it verified (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_verified: Option<bool>,
    /// Locks it (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_locked: Option<bool>,
    /// Marks it paid (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub has_paid: Option<bool>,
    /// Activates it (default true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
}

/// The flag setters [`NewDomain`] and [`DomainUpdate`] share.
macro_rules! flag_setters {
    () => {
        /// Sets `is_primary`.
        #[must_use]
        pub fn primary(mut self, primary: bool) -> Self {
            self.flags.is_primary = Some(primary);
            self
        }

        /// Sets `is_verified`.
        #[must_use]
        pub fn verified(mut self, verified: bool) -> Self {
            self.flags.is_verified = Some(verified);
            self
        }

        /// Sets `is_locked`.
        #[must_use]
        pub fn locked(mut self, locked: bool) -> Self {
            self.flags.is_locked = Some(locked);
            self
        }

        /// Sets `has_paid`.
        #[must_use]
        pub fn paid(mut self, paid: bool) -> Self {
            self.flags.has_paid = Some(paid);
            self
        }

        /// Sets `is_active`.
        #[must_use]
        pub fn active(mut self, active: bool) -> Self {
            self.flags.is_active = Some(active);
            self
        }
    };
}

/// The body of `POST /project/{project}/domains`.
///
/// ```
/// use keyward_devpayr::models::{Environment, NewDomain};
///
/// let body = NewDomain::new("app.example.com", Environment::Production).primary(true).paid(true);
/// # let _ = body;
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NewDomain {
    /// The host name (unique in the project).
    pub domain: String,
    /// The environment it serves.
    pub environment: Environment,
    /// The flags (`is_primary`, `is_verified`, `is_locked`, `has_paid`, `is_active`); the server's
    /// defaults for those not set.
    #[serde(flatten)]
    pub flags: DomainFlags,
}

impl NewDomain {
    /// A domain with the server's defaults for every flag.
    pub fn new(domain: impl Into<String>, environment: Environment) -> Self {
        Self {
            domain: domain.into(),
            environment,
            flags: DomainFlags::default(),
        }
    }

    flag_setters!();
}

/// The body of `PUT /project/{project}/domain/{domain}`: every field optional, only the ones set
/// are sent (an empty update is valid and changes nothing).
///
/// ```
/// use keyward_devpayr::models::DomainUpdate;
///
/// let update = DomainUpdate::new().paid(true).active(false);
/// assert_eq!(
///     serde_json::to_string(&update).unwrap(),
///     r#"{"has_paid":true,"is_active":false}"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DomainUpdate {
    /// A new host name (unique in the project).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// A new environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
    /// The flags (`is_primary`, `is_verified`, `is_locked`, `has_paid`, `is_active`); only those
    /// set are sent.
    #[serde(flatten)]
    pub flags: DomainFlags,
}

impl DomainUpdate {
    /// Changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Renames the domain.
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Moves it to another environment.
    #[must_use]
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    flag_setters!();
}
