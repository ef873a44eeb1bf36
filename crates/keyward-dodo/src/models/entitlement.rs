//! `Entitlement` and its license-key configuration.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use keyward_core::RawJson;
use serde::Deserialize;
use serde_json::Value;

keyward_core::open_enum!(
    /// The platform integration of an entitlement (`EntitlementIntegrationType`).
    IntegrationType {
        /// License keys: the grants carry a key.
        LicenseKey => "license_key",
        /// A feature flag.
        FeatureFlag => "feature_flag",
        /// Downloadable files.
        DigitalFiles => "digital_files",
        /// A Discord role.
        Discord => "discord",
        /// A Telegram chat.
        Telegram => "telegram",
        /// A GitHub repository.
        Github => "github",
        /// A Figma file.
        Figma => "figma",
        /// A Framer project.
        Framer => "framer",
        /// A Notion page.
        Notion => "notion",
    }
);

keyward_core::open_enum!(
    /// How license keys of an entitlement are fulfilled.
    FulfillmentMode {
        /// Dodo generates and delivers the key (the default).
        Auto => "auto",
        /// Grants start `Pending`; the merchant delivers a key with
        /// [`Grants::deliver_license_key`](crate::Grants::deliver_license_key).
        Manual => "manual",
    }
);

keyward_core::open_enum!(
    /// The unit of a key's validity duration (`TimeInterval`).
    TimeInterval {
        /// Days.
        Day => "Day",
        /// Weeks.
        Week => "Week",
        /// Months.
        Month => "Month",
        /// Years.
        Year => "Year",
    }
);

/// An entitlement (`ent_…`): what a product grants its buyers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Entitlement {
    /// The entitlement id (`ent_…`).
    pub id: String,
    /// The merchant's business (`bus_…`).
    pub business_id: String,
    /// Its display name.
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub name: String,
    /// Its description, if any.
    #[serde(default)]
    pub description: Option<String>,
    /// Which integration it uses.
    pub integration_type: IntegrationType,
    /// The integration's configuration as received; see
    /// [`license_key_config`](Self::license_key_config) for license keys.
    #[serde(default)]
    pub integration_config: Value,
    /// Always `true` on the public API (deleted entitlements are not returned).
    #[serde(
        default = "active",
        deserialize_with = "keyward_core::de::bool_or_false"
    )]
    pub is_active: bool,
    /// Merchant metadata; empty when absent or `null`.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub metadata: BTreeMap<String, Value>,
    /// When it was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub updated_at: Option<DateTime<Utc>>,
    /// The JSON Dodo sent for this entitlement, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

fn active() -> bool {
    true
}

keyward_core::attach_raw!(Entitlement);

impl Entitlement {
    /// The license-key configuration, when this is a `license_key` entitlement whose
    /// configuration decodes; `None` for other integrations.
    pub fn license_key_config(&self) -> Option<LicenseKeyConfig> {
        if self.integration_type != IntegrationType::LicenseKey {
            return None;
        }
        LicenseKeyConfig::deserialize(&self.integration_config).ok()
    }
}

/// The `integration_config` of a `license_key` entitlement.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct LicenseKeyConfig {
    /// Activations allowed per issued key; `None` means unlimited.
    #[serde(default)]
    pub activations_limit: Option<i64>,
    /// How long issued keys are valid, in [`duration_interval`](Self::duration_interval) units;
    /// both `None` means keys never expire.
    #[serde(default)]
    pub duration_count: Option<i64>,
    /// The unit of [`duration_count`](Self::duration_count).
    #[serde(default)]
    pub duration_interval: Option<TimeInterval>,
    /// Auto (the default) or manual fulfilment.
    #[serde(default)]
    pub fulfillment_mode: Option<FulfillmentMode>,
    /// The message shown on activation (at most 2,500 characters).
    #[serde(default)]
    pub activation_message: Option<String>,
}

impl LicenseKeyConfig {
    /// Whether grants start `Pending` and wait for a key to be delivered.
    pub fn is_manual(&self) -> bool {
        self.fulfillment_mode == Some(FulfillmentMode::Manual)
    }
}
