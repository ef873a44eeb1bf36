//! Serde for the neutral model, so apps can cache licenses and send them elsewhere.
//!
//! * [`Provider`] is its short name (`"dodo"`, `"signed-license"`, or a custom name).
//! * [`LicenseStatus`] and [`InvalidReason`] are stable lower-snake strings (`"active"`,
//!   `"limit_reached"`); `Other` is the provider's own word, and reads back as `Other`.
//! * [`LicenseKey`] and [`Instance`] leave out the license key and the provider's `raw` JSON
//!   (which holds the key): a plain `serde_json::to_string(&license)` never carries a secret.
//!   To store them on purpose, serialize [`LicenseKey::with_secrets`] (or
//!   [`Instance::with_secrets`]). Deserializing accepts both shapes.

use std::sync::{Mutex, PoisonError};

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use crate::{Instance, InvalidReason, LicenseKey, LicenseStatus, Provider, RawJson};

/// How many distinct custom provider names deserialization interns before it refuses more.
pub const MAX_CUSTOM_PROVIDERS: usize = 64;

/// Custom provider names read so far, each leaked once so `Provider::Custom` can hold it.
static CUSTOM_NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

impl Provider {
    /// The provider named `name`: a built-in one by its [`as_str`](Self::as_str) name, otherwise
    /// `Custom(name)`. A custom name is interned: each distinct name is allocated once for the
    /// life of the process, and after [`MAX_CUSTOM_PROVIDERS`] distinct names `None` is answered
    /// (so untrusted input cannot grow memory without bound). Deserialization uses this.
    pub fn from_name(name: &str) -> Option<Self> {
        let known = match name {
            "dodo" => Self::Dodo,
            "lemonsqueezy" => Self::LemonSqueezy,
            "polar" => Self::Polar,
            "creem" => Self::Creem,
            "gumroad" => Self::Gumroad,
            "devpayr" => Self::DevPayr,
            "signed-license" => Self::SignedLicense,
            "keygen" => Self::Keygen,
            _ => return intern(name).map(Self::Custom),
        };
        Some(known)
    }
}

fn intern(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return None;
    }
    let mut names = CUSTOM_NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = names.iter().find(|known| **known == name) {
        return Some(found);
    }
    if names.len() >= MAX_CUSTOM_PROVIDERS {
        return None;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.push(leaked);
    Some(leaked)
}

impl Serialize for Provider {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Provider {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl Visitor<'_> for Name {
            type Value = Provider;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a provider name")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<Provider, E> {
                Provider::from_name(name).ok_or_else(|| {
                    E::custom(format_args!(
                        "provider name `{name}` refused (empty, or more than \
                         {MAX_CUSTOM_PROVIDERS} distinct custom names)"
                    ))
                })
            }
        }
        deserializer.deserialize_str(Name)
    }
}

impl Serialize for LicenseStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The statuses with a word of their own (everything but `Other`).
const KNOWN_STATUSES: [LicenseStatus; 6] = [
    LicenseStatus::Active,
    LicenseStatus::Inactive,
    LicenseStatus::Expired,
    LicenseStatus::Disabled,
    LicenseStatus::Revoked,
    LicenseStatus::Suspended,
];

impl<'de> Deserialize<'de> for LicenseStatus {
    /// The inverse of `as_str`: a known word is its status, any other is `Other(word)`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        let known = KNOWN_STATUSES.iter().find(|status| status.as_str() == word);
        Ok(known.cloned().unwrap_or(Self::Other(word)))
    }
}

impl InvalidReason {
    /// A stable lower-snake code for the reason (`"limit_reached"`); the provider's own words for
    /// [`InvalidReason::Other`]. This is what serde writes.
    pub fn code(&self) -> &str {
        match self {
            Self::NotFound => "not_found",
            Self::Expired => "expired",
            Self::Disabled => "disabled",
            Self::Revoked => "revoked",
            Self::Suspended => "suspended",
            Self::LimitReached => "limit_reached",
            Self::ProductMismatch => "product_mismatch",
            Self::InstanceMismatch => "instance_mismatch",
            Self::NotPaid => "not_paid",
            Self::Other(other) => other,
        }
    }
}

impl Serialize for InvalidReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// The reasons with a code of their own (everything but `Other`).
const KNOWN_REASONS: [InvalidReason; 9] = [
    InvalidReason::NotFound,
    InvalidReason::Expired,
    InvalidReason::Disabled,
    InvalidReason::Revoked,
    InvalidReason::Suspended,
    InvalidReason::LimitReached,
    InvalidReason::ProductMismatch,
    InvalidReason::InstanceMismatch,
    InvalidReason::NotPaid,
];

impl<'de> Deserialize<'de> for InvalidReason {
    /// The inverse of [`code`](InvalidReason::code): a known code is its reason, any other text
    /// is `Other(text)`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        let known = KNOWN_REASONS.iter().find(|reason| reason.code() == word);
        Ok(known.cloned().unwrap_or(Self::Other(word)))
    }
}

/// Reads `raw` back: absent or `null` is "nothing received".
pub(crate) fn raw_from<'de, D: Deserializer<'de>>(deserializer: D) -> Result<RawJson, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => RawJson::default(),
        Some(value) => RawJson::from_value(value),
    })
}

/// A [`LicenseKey`] that serializes with its key and `raw` JSON: the explicit opt-in, from
/// [`LicenseKey::with_secrets`]. `Debug` still hides both.
#[derive(Debug, Clone, Copy)]
pub struct LicenseKeyWithSecrets<'a>(&'a LicenseKey);

/// An [`Instance`] that serializes with its `raw` JSON, from [`Instance::with_secrets`].
#[derive(Debug, Clone, Copy)]
pub struct InstanceWithSecrets<'a>(&'a Instance);

#[derive(Serialize)]
struct WithSecrets<'a, T> {
    #[serde(flatten)]
    model: &'a T,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    #[serde(skip_serializing_if = "Value::is_null")]
    raw: Value,
}

impl LicenseKey {
    /// A view that serializes the key and the provider's `raw` JSON too (for a cache the app
    /// protects); plain serialization leaves both out.
    pub fn with_secrets(&self) -> LicenseKeyWithSecrets<'_> {
        LicenseKeyWithSecrets(self)
    }
}

impl Instance {
    /// A view that serializes the provider's `raw` JSON too (it may hold the license key).
    pub fn with_secrets(&self) -> InstanceWithSecrets<'_> {
        InstanceWithSecrets(self)
    }
}

impl Serialize for LicenseKeyWithSecrets<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WithSecrets {
            model: self.0,
            key: self.0.key.as_ref().map(|key| key.expose()),
            raw: self.0.raw.to_value(),
        }
        .serialize(serializer)
    }
}

impl Serialize for InstanceWithSecrets<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        WithSecrets {
            model: self.0,
            key: None,
            raw: self.0.raw.to_value(),
        }
        .serialize(serializer)
    }
}
