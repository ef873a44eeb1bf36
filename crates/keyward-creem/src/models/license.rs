//! `LicenseEntity`, `LicenseInstanceEntity`, `LicenseListEntity`.

use chrono::{DateTime, Utc};
use keyward_core::{RawJson, SecretLicenseKey};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

keyward_core::open_enum!(
    /// The state of a license (`LicenseStatus`).
    LicenseStatus {
        /// No activation yet.
        Inactive => "inactive",
        /// Valid and usable.
        Active => "active",
        /// Past its expiry.
        Expired => "expired",
        /// Disabled by the merchant.
        Disabled => "disabled",
    }
);

keyward_core::open_enum!(
    /// The state of an instance.
    InstanceStatus {
        /// In use.
        Active => "active",
        /// Freed by deactivate.
        Deactivated => "deactivated",
    }
);

keyward_core::open_enum!(
    /// Which environment an object lives in (`EnvironmentMode`).
    EnvironmentMode {
        /// Test mode.
        Test => "test",
        /// Production.
        Prod => "prod",
        /// Sandbox.
        Sandbox => "sandbox",
    }
);

/// A license (`LicenseEntity`), as every license endpoint returns it. `Debug` shows only the
/// last four characters of [`key`](Self::key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct License {
    /// The license id.
    pub id: String,
    /// Test, production or sandbox.
    #[serde(default)]
    pub mode: Option<EnvironmentMode>,
    /// The product the license is for (missing from some documented examples).
    #[serde(default)]
    pub product_id: Option<String>,
    /// The license's state.
    pub status: LicenseStatus,
    /// The license key itself: a secret.
    pub key: SecretLicenseKey,
    /// How many instances are activated.
    #[serde(default, deserialize_with = "count")]
    pub activation: u64,
    /// The activation limit; `None` means unlimited.
    #[serde(default, deserialize_with = "opt_count")]
    pub activation_limit: Option<u64>,
    /// When the license expires; `None` means never.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub expires_at: Option<DateTime<Utc>>,
    /// When the license was created.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created_at: Option<DateTime<Utc>>,
    /// The instance the call was about (the new one on activate), read from an object or from
    /// the array some documents show.
    #[serde(default, deserialize_with = "one_instance")]
    pub instance: Option<LicenseInstance>,
    /// The JSON Creem sent, as received (holds the key: never logged).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(License);

/// An instance (`LicenseInstanceEntity`): one activation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LicenseInstance {
    /// The instance id: store it to validate and deactivate.
    pub id: String,
    /// The name given on activation.
    #[serde(default)]
    pub name: Option<String>,
    /// Active or deactivated.
    #[serde(default)]
    pub status: Option<InstanceStatus>,
    /// When it was created.
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created_at: Option<DateTime<Utc>>,
}

/// Where a listing stands (`PaginationEntity`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Pagination {
    /// Records over every page.
    #[serde(default, deserialize_with = "count")]
    pub total_records: u64,
    /// Pages.
    #[serde(default, deserialize_with = "count")]
    pub total_pages: u64,
    /// This page (from 1).
    #[serde(default, deserialize_with = "count")]
    pub current_page: u64,
    /// The next page, if any.
    #[serde(default, deserialize_with = "opt_count")]
    pub next_page: Option<u64>,
    /// The previous page, if any.
    #[serde(default, deserialize_with = "opt_count")]
    pub prev_page: Option<u64>,
}

/// `LicenseListEntity`.
#[derive(Debug, Deserialize)]
pub(crate) struct ListEnvelope {
    pub(crate) items: Vec<License>,
    #[serde(default)]
    pub(crate) pagination: Pagination,
}

impl keyward_core::AttachRaw for ListEnvelope {
    fn attach_raw(&mut self, raw: RawJson) {
        self.items.attach_raw(raw.at("/items"));
    }
}

/// A count the OpenAPI types as a bare `number` (no minimum, no integer type): an integer as
/// it is; any other number the document allows is clamped into `0..=u64::MAX` and read down
/// (`raw` keeps what was sent); anything but a number is an error naming the field.
fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(Some(match (n.as_u64(), n.as_f64()) {
            (Some(n), _) => n,
            // `as` saturates a float into the integer's range (NaN to 0): the clamp described.
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "saturating on purpose"
            )]
            (None, Some(f)) => f.floor() as u64,
            (None, None) => 0,
        })),
        Some(_) => Err(serde::de::Error::custom("expected a count (a number)")),
    }
}

fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    opt_count(d).map(Option::unwrap_or_default)
}

/// `instance` as one object, or (as the licenses guide shows it) an array of which the last
/// active entry (else the last) is taken. Read in place by shape (an untagged enum would buffer
/// the value and, on a bad one, say only that no variant matched).
fn one_instance<'de, D: Deserializer<'de>>(d: D) -> Result<Option<LicenseInstance>, D::Error> {
    struct OneOrMany;

    impl<'de> serde::de::Visitor<'de> for OneOrMany {
        type Value = Option<LicenseInstance>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an instance object, an array of them, or null")
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }

        fn visit_map<M: serde::de::MapAccess<'de>>(self, map: M) -> Result<Self::Value, M::Error> {
            LicenseInstance::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                .map(Some)
        }

        fn visit_seq<S: serde::de::SeqAccess<'de>>(self, seq: S) -> Result<Self::Value, S::Error> {
            let mut all = Vec::<LicenseInstance>::deserialize(
                serde::de::value::SeqAccessDeserializer::new(seq),
            )?;
            let active = all
                .iter()
                .rposition(|i| i.status == Some(InstanceStatus::Active));
            Ok(match active {
                Some(index) => Some(all.swap_remove(index)),
                None => all.pop(),
            })
        }
    }

    d.deserialize_option(OneOrMany)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(instance: &str) -> Result<License, String> {
        let json = format!(
            r#"{{"id": "lic_1", "status": "active", "key": "K-1", "activation": 1{instance}}}"#
        );
        let mut d = serde_json::Deserializer::from_str(&json);
        serde_path_to_error::deserialize(&mut d).map_err(|e| format!("{e}"))
    }

    #[test]
    fn the_instance_reads_as_an_object_an_array_null_or_absent() {
        let one = decode(r#", "instance": {"id": "ins_1", "name": "a", "status": "active"}"#);
        assert_eq!(one.unwrap().instance.unwrap().id, "ins_1");
        let many = decode(
            r#", "instance": [{"id": "ins_1", "status": "active"}, {"id": "ins_2", "status": "deactivated"}]"#,
        );
        assert_eq!(many.unwrap().instance.unwrap().id, "ins_1");
        assert!(decode(r#", "instance": []"#).unwrap().instance.is_none());
        assert!(decode(r#", "instance": null"#).unwrap().instance.is_none());
        assert!(decode("").unwrap().instance.is_none());
        let bad = decode(r#", "instance": [{"id": 7}]"#).unwrap_err();
        assert!(bad.starts_with("instance[0].id"), "{bad}");
        let bad = decode(r#", "instance": "ins_1""#).unwrap_err();
        assert!(bad.starts_with("instance"), "{bad}");
    }
}
