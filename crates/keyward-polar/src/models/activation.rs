//! `LicenseKeyActivationBase` and the three shapes built on it: `ValidatedLicenseKey`,
//! `LicenseKeyActivationRead` and `LicenseKeyWithActivations`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use keyward_core::de::with_field;
use keyward_core::{AttachRaw, RawJson};
use serde::Deserialize;
use serde::de::{self, Deserializer};
use serde_json::Value;

use super::LicenseKey;

/// One activation (a device) of a key (`LicenseKeyActivationBase`). Polar stores the
/// activation's `conditions` but never returns them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Activation {
    /// The activation id (a UUID): store it to validate or deactivate this device later.
    pub id: String,
    /// The key activated.
    pub license_key_id: String,
    /// The label sent on activation.
    pub label: String,
    /// The metadata sent on activation (string, number or boolean values).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub meta: BTreeMap<String, Value>,
    /// When the activation was created.
    #[serde(deserialize_with = "keyward_core::de::rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub modified_at: Option<DateTime<Utc>>,
    /// The JSON Polar sent for this activation, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(Activation);

/// The answer of validate (`ValidatedLicenseKey`): the key, and the activation when an
/// `activation_id` was sent. Polar answers 200 only for a usable key; every refusal is an error
/// (see [`Refusal`](crate::Refusal)).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ValidatedLicenseKey {
    /// The key (its `raw` is the whole answer).
    pub license_key: LicenseKey,
    /// The activation validated, when one was named.
    pub activation: Option<Activation>,
    /// The JSON Polar sent, as received (holds the key: never logged).
    pub raw: RawJson,
}

/// The answer of activate and of the admin activation get (`LicenseKeyActivationRead`): the new
/// activation with its key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ActivatedLicenseKey {
    /// The activation (its `raw` is the whole answer).
    pub activation: Activation,
    /// The key it belongs to.
    pub license_key: LicenseKey,
    /// The JSON Polar sent, as received (holds the key: never logged).
    pub raw: RawJson,
}

/// A key with its activations (`LicenseKeyWithActivations`), from the admin get.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LicenseKeyWithActivations {
    /// The key (its `raw` is the whole answer).
    pub license_key: LicenseKey,
    /// Its live (not deactivated) activations (`null` and absent read as none).
    pub activations: Vec<Activation>,
    /// The JSON Polar sent, as received (holds the key: never logged).
    pub raw: RawJson,
}

// The three answers above are a key (or an activation) with one more field: decoded in one pass
// with `with_field` (serde's `flatten` buffered the whole answer and decoded it twice).

impl<'de> Deserialize<'de> for ValidatedLicenseKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (license_key, activation) = with_field::<_, _, Option<Activation>>(d, "activation")?;
        Ok(Self {
            license_key,
            activation: activation.flatten(),
            raw: RawJson::default(),
        })
    }
}

impl<'de> Deserialize<'de> for ActivatedLicenseKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (activation, license_key) = with_field(d, "license_key")?;
        Ok(Self {
            activation,
            license_key: license_key.ok_or_else(|| de::Error::missing_field("license_key"))?,
            raw: RawJson::default(),
        })
    }
}

impl<'de> Deserialize<'de> for LicenseKeyWithActivations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (license_key, activations) =
            with_field::<_, _, Option<Vec<Activation>>>(d, "activations")?;
        Ok(Self {
            license_key,
            activations: activations.flatten().unwrap_or_default(),
            raw: RawJson::default(),
        })
    }
}

impl AttachRaw for ValidatedLicenseKey {
    fn attach_raw(&mut self, raw: RawJson) {
        self.license_key.attach_raw(raw.clone());
        self.activation.attach_raw(raw.at("/activation"));
        self.raw = raw;
    }
}

impl AttachRaw for ActivatedLicenseKey {
    fn attach_raw(&mut self, raw: RawJson) {
        self.activation.attach_raw(raw.clone());
        self.license_key.attach_raw(raw.at("/license_key"));
        self.raw = raw;
    }
}

impl AttachRaw for LicenseKeyWithActivations {
    fn attach_raw(&mut self, raw: RawJson) {
        self.license_key.attach_raw(raw.clone());
        self.activations.attach_raw(raw.at("/activations"));
        self.raw = raw;
    }
}
