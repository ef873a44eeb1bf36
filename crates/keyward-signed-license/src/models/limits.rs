//! Activation limits: the admin portal documents `-1` as unlimited, so any negative number is.

use std::fmt;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An activation limit as GetKeyManager sends and takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActivationLimit {
    /// No limit: `-1` (any negative number) on the wire.
    Unlimited,
    /// At most this many activations (`0` is documented as unlimited on some pages; it is kept as
    /// sent).
    AtMost(u64),
}

impl ActivationLimit {
    /// The limit as a count: `None` when unlimited.
    pub fn count(self) -> Option<u64> {
        match self {
            Self::Unlimited => None,
            Self::AtMost(n) => Some(n),
        }
    }

    /// Reads a limit sent as a number or a string of digits; any negative is unlimited.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(n) = text.parse::<u64>() {
            return Some(Self::AtMost(n));
        }
        match text.parse::<i128>() {
            Ok(n) if n < 0 => Some(Self::Unlimited),
            _ => None,
        }
    }

    /// The limit of an optional JSON value: `null`, `""` and `false` are `None`.
    fn from_json(value: &Value) -> Result<Option<Self>, String> {
        match value {
            Value::Null | Value::Bool(false) => Ok(None),
            Value::String(s) if s.trim().is_empty() => Ok(None),
            Value::Number(n) if n.as_f64().is_some_and(|f| f < 0.0) => Ok(Some(Self::Unlimited)),
            Value::Number(n) => n
                .as_u64()
                .map(|n| Some(Self::AtMost(n)))
                .ok_or_else(|| format!("an activation limit, not {n}")),
            Value::String(s) => Self::parse(s)
                .map(Some)
                .ok_or_else(|| "an activation limit, not a non-numeric string".to_owned()),
            _ => Err("an activation limit".to_owned()),
        }
    }
}

impl fmt::Display for ActivationLimit {
    /// As sent: `-1` for unlimited, else the count.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unlimited => f.write_str("-1"),
            Self::AtMost(n) => write!(f, "{n}"),
        }
    }
}

impl<'de> Deserialize<'de> for ActivationLimit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Self::from_json(&value)
            .map_err(serde::de::Error::custom)?
            .ok_or_else(|| serde::de::Error::custom("an activation limit, not null"))
    }
}

/// The `activation_limit` field of a record: `None` when unlimited (negative) or not sent.
pub(crate) fn limit_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    let value = Value::deserialize(d)?;
    ActivationLimit::from_json(&value)
        .map(|limit| limit.and_then(ActivationLimit::count))
        .map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negatives_are_unlimited_and_print_as_minus_one() {
        assert_eq!(
            ActivationLimit::parse("-1"),
            Some(ActivationLimit::Unlimited)
        );
        assert_eq!(
            ActivationLimit::parse(" -99999999999999999999999 "),
            Some(ActivationLimit::Unlimited)
        );
        assert_eq!(
            ActivationLimit::parse("3"),
            Some(ActivationLimit::AtMost(3))
        );
        assert_eq!(ActivationLimit::parse("x"), None);
        assert_eq!(ActivationLimit::Unlimited.to_string(), "-1");
        let l: ActivationLimit = serde_json::from_str("-1.0").unwrap();
        assert_eq!(l, ActivationLimit::Unlimited);
        assert!(serde_json::from_str::<ActivationLimit>("1.5").is_err());
        assert!(serde_json::from_str::<ActivationLimit>("[]").is_err());
    }
}
