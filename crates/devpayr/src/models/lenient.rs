//! Tolerant decoders for fields whose JSON type the SPEC is unsure of (Laravel may send `0`/`1`
//! for booleans, numbers as strings, comma lists as strings or arrays).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// `true/false/0/1/"0"/"1"/"true"/"false"/null` into `Option<bool>`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let value = Value::deserialize(d)?;
    match &value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            _ => Err(D::Error::custom(format!("expected a boolean, got {n}"))),
        },
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(Some(true)),
            "0" | "false" | "no" | "off" | "" => Ok(Some(false)),
            _ => Err(D::Error::custom("expected a boolean-like string")),
        },
        _ => Err(D::Error::custom("expected a boolean")),
    }
}

/// A lenient boolean where `null`/absent means `false`.
pub(crate) fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d).map(Option::unwrap_or_default)
}

/// A list where `null` (or absence, with `#[serde(default)]`) means empty.
pub(crate) fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(d).map(Option::unwrap_or_default)
}

/// An unsigned integer sent as a number or a numeric string; `null` is `None`.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = Value::deserialize(d)?;
    match &value {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a non-negative integer, got {n}"))),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom("expected an integer string")),
        _ => Err(D::Error::custom("expected an integer")),
    }
}

/// A required unsigned integer (a record id), sent as a number or a numeric string.
pub(crate) fn u64_id<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    opt_u64(d)?.ok_or_else(|| D::Error::custom("expected an id, got null"))
}

/// A comma-separated string (`"NG, US"`) or an array of strings into a list; `null` is `None`.
pub(crate) fn opt_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    let value = Value::deserialize(d)?;
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(
            s.split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
        Value::Array(items) => items
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s.trim().to_owned()),
                other => Err(D::Error::custom(format!(
                    "expected a string in the list, got {other}"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        _ => Err(D::Error::custom(
            "expected a comma-separated string or a list",
        )),
    }
}

/// A timestamp in RFC 3339 (`2025-12-13T12:57:24.000000Z`), SQL (`2025-12-13 12:57:24`, taken as
/// UTC) or date-only (`2025-12-31`, midnight UTC) form; `null` or `""` is `None`.
pub(crate) fn opt_datetime<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    let value = Option::<String>::deserialize(d)?;
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_datetime(text)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("expected a timestamp, got `{text}`"))),
    }
}

/// Parses the timestamp forms [`opt_datetime`] accepts.
pub(crate) fn parse_datetime(text: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f") {
        return Some(t.and_utc());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "opt_u64")]
        n: Option<u64>,
        #[serde(default, deserialize_with = "opt_list")]
        l: Option<Vec<String>>,
        #[serde(default, deserialize_with = "opt_datetime")]
        t: Option<DateTime<Utc>>,
    }

    fn t(json: &str) -> T {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn booleans_numbers_lists_and_times_are_tolerant() {
        assert_eq!(t(r#"{"b":1}"#).b, Some(true));
        assert_eq!(t(r#"{"b":"0"}"#).b, Some(false));
        assert_eq!(t(r#"{"b":null}"#).b, None);
        assert!(serde_json::from_str::<T>(r#"{"b":7}"#).is_err());
        assert_eq!(t(r#"{"n":"12"}"#).n, Some(12));
        assert!(serde_json::from_str::<T>(r#"{"n":-1}"#).is_err());
        assert_eq!(t(r#"{"l":"NG, US ,GB"}"#).l.unwrap(), ["NG", "US", "GB"]);
        assert_eq!(t(r#"{"l":["NG","US"]}"#).l.unwrap(), ["NG", "US"]);
        assert_eq!(t("{}").t, None);
        let a = t(r#"{"t":"2025-12-13T12:57:24.000000Z"}"#).t.unwrap();
        let b = t(r#"{"t":"2025-12-13 12:57:24"}"#).t.unwrap();
        assert_eq!(a, b);
        assert!(t(r#"{"t":"2025-12-31"}"#).t.is_some());
        assert!(serde_json::from_str::<T>(r#"{"t":"soon"}"#).is_err());
    }
}
