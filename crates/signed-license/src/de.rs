//! Lenient decoding for the server's PHP-shaped values: numbers sent as strings, 0/1 booleans,
//! `false` for "none", license keys wrapped as secrets.

use license_core::SecretLicenseKey;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A number or a numeric string.
pub(crate) fn u64_flex<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    opt_u64_flex(d)?.ok_or_else(|| serde::de::Error::custom("expected a number"))
}

/// A number, a numeric string, `null`, `false` or `""` (the last three as `None`).
pub(crate) fn opt_u64_flex<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("expected a non-negative integer")),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom("expected a numeric string")),
        Value::Null | Value::Bool(false) => Ok(None),
        _ => Err(serde::de::Error::custom("expected a number")),
    }
}

/// `true`/`false`, 0/1 or "0"/"1".
pub(crate) fn bool_flex<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    match Value::deserialize(d)? {
        Value::Bool(b) => Ok(b),
        Value::Number(n) => Ok(n.as_u64().is_some_and(|n| n != 0)),
        Value::String(s) => Ok(!matches!(s.trim(), "" | "0" | "false")),
        Value::Null => Ok(false),
        _ => Err(serde::de::Error::custom("expected a boolean")),
    }
}

/// A string, with `null` and `false` as `None`.
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(Some(s)),
        Value::Null | Value::Bool(false) => Ok(None),
        Value::Number(n) => Ok(Some(n.to_string())),
        _ => Err(serde::de::Error::custom("expected a string")),
    }
}

/// A license key, wrapped so it never shows in `Debug`.
pub(crate) fn secret_key<'de, D: Deserializer<'de>>(d: D) -> Result<SecretLicenseKey, D::Error> {
    String::deserialize(d).map(SecretLicenseKey::new)
}
