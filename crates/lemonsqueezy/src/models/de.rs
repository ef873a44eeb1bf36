//! Tolerant deserializers for fields whose live type differs from the docs.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// `disabled`: `true`/`false` on the live API, `0`/`1` in the docs (and `"0"`/`"1"` to be safe).
pub(crate) fn bool_or_int<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    struct BoolVisitor;

    impl Visitor<'_> for BoolVisitor {
        type Value = bool;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, 0 or 1")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
            Ok(v)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
            match v {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(E::custom(format!("{v} is not 0 or 1"))),
            }
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
            u64::try_from(v)
                .map_err(|_| E::custom(format!("{v} is not 0 or 1")))
                .and_then(|v| self.visit_u64(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
            match v.trim() {
                "1" | "true" => Ok(true),
                "0" | "false" | "" => Ok(false),
                _ => Err(E::custom(format!("{v:?} is not a boolean"))),
            }
        }

        fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
            Ok(false)
        }
    }

    deserializer.deserialize_any(BoolVisitor)
}

/// An optional count (`activation_limit`, `instances_count`): `null` stays `None`.
pub(crate) fn opt_u32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    struct OptVisitor;

    impl Visitor<'_> for OptVisitor {
        type Value = Option<u32>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative integer or null")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("{v} is too large")))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("{v} is not a count")))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v.trim().is_empty() {
                return Ok(None);
            }
            v.trim()
                .parse()
                .map(Some)
                .map_err(|_| E::custom(format!("{v:?} is not a count")))
        }
    }

    deserializer.deserialize_any(OptVisitor)
}

/// A count that should be there; `null` reads as 0.
pub(crate) fn u32_or_null<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    opt_u32(deserializer).map(Option::unwrap_or_default)
}

/// A string that may be `null`; `null` reads as empty.
pub(crate) fn string_or_null<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    <Option<String> as serde::Deserialize>::deserialize(deserializer).map(Option::unwrap_or_default)
}
