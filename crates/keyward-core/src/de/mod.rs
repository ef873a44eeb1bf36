//! Tolerant deserializers shared by the provider crates, for fields whose live JSON type differs
//! from the documented one (PHP and Laravel servers send `0`/`1` for booleans, numbers as
//! strings, `false` or `""` for "none", comma lists as strings).
//!
//! Use them with `#[serde(default, deserialize_with = "keyward_core::de::opt_uint")]`. Each one
//! reads the value in place (no intermediate `serde_json::Value`), and a value it cannot take is
//! a serde error, so the decode error names the field's JSON path.
//!
//! [`open_enum!`](crate::open_enum) declares the string enums every provider crate uses: a value
//! the provider adds tomorrow decodes to `Other(String)` instead of failing.

mod field;
mod time;

use std::fmt;
use std::marker::PhantomData;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

pub use field::with_field;
pub use time::{opt_rfc3339, rfc3339};

/// What a flexible scalar turned out to be.
enum Flex<T> {
    /// `null`, absent, `false` or an empty string: nothing.
    Nothing,
    /// A value.
    Value(T),
}

impl<T> Flex<T> {
    fn into_option(self) -> Option<T> {
        match self {
            Self::Nothing => None,
            Self::Value(v) => Some(v),
        }
    }
}

/// Reads an unsigned integer of type `T` sent as a number or a string of digits; `null`,
/// `false` and `""` are nothing.
struct UintVisitor<T>(PhantomData<T>);

impl<'de, T: TryFrom<u64>> Visitor<'de> for UintVisitor<T> {
    type Value = Flex<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer, a string of digits or null")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        T::try_from(v)
            .map(Flex::Value)
            .map_err(|_| E::custom(format!("{v} is too large")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .map_err(|_| E::custom(format!("{v} is negative")))
            .and_then(|v| self.visit_u64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // PHP may send `3.0` for 3; anything with a fraction is refused.
        if v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64 {
            self.visit_u64(v as u64)
        } else {
            Err(E::custom(format!("{v} is not a non-negative integer")))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let text = v.trim();
        if text.is_empty() {
            return Ok(Flex::Nothing);
        }
        text.parse::<u64>()
            .map_err(|_| E::custom(format!("{v:?} is not a non-negative integer")))
            .and_then(|n| self.visit_u64(n))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::custom("true is not a number"))
        } else {
            Ok(Flex::Nothing)
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Nothing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Nothing)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// An unsigned integer sent as a number or a string of digits; `null`, `false` and `""` are
/// `None`; a negative or fractional number is an error.
pub fn opt_uint<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    d.deserialize_any(UintVisitor(PhantomData))
        .map(Flex::into_option)
}

/// A required unsigned integer (an id), sent as a number or a string of digits.
pub fn uint<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64>,
{
    opt_uint(d)?.ok_or_else(|| de::Error::custom("expected a number, got nothing"))
}

/// A count that should be there; `null`, `false` and `""` read as 0.
pub fn uint_or_zero<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: TryFrom<u64> + Default,
{
    opt_uint(d).map(Option::unwrap_or_default)
}

/// Reads a boolean sent as `true`/`false`, `0`/`1`, or a string (`"1"`, `"true"`, `"yes"`,
/// `"on"`, and their opposites); `null` is nothing.
struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Flex<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a boolean, 0 or 1")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Flex::Value(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Flex::Value(false)),
            1 => Ok(Flex::Value(true)),
            _ => Err(E::custom(format!("{v} is not 0 or 1"))),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        u64::try_from(v)
            .map_err(|_| E::custom(format!("{v} is not 0 or 1")))
            .and_then(|v| self.visit_u64(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match v.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(Flex::Value(true)),
            "0" | "false" | "no" | "off" | "" => Ok(Flex::Value(false)),
            _ => Err(E::custom(format!("{v:?} is not a boolean"))),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Nothing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Nothing)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A boolean sent as `true`/`false`, `0`/`1` or a boolean-like string; `null` is `None`.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    d.deserialize_any(BoolVisitor).map(Flex::into_option)
}

/// Like [`opt_bool`], with `null` as `false`.
pub fn bool_or_false<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    opt_bool(d).map(Option::unwrap_or_default)
}

/// Reads a string; numbers are kept as their digits; `null` and `false` are nothing.
struct TextVisitor;

impl<'de> Visitor<'de> for TextVisitor {
    type Value = Flex<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string, a number or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Flex::Value(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Flex::Value(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Flex::Value(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Flex::Value(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Flex::Value(v.to_string()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::custom("true is not a string"))
        } else {
            Ok(Flex::Nothing)
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Nothing)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Flex::Nothing)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// A string, or a number kept as its digits (ids sent either way); `null` and `false` are
/// `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(TextVisitor).map(Flex::into_option)
}

/// A required string, or a number kept as its digits (an id sent either way).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?.ok_or_else(|| de::Error::custom("expected a string, got nothing"))
}

/// A string where `null` (or `false`) reads as empty.
pub fn string_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d).map(Option::unwrap_or_default)
}

/// A value where `null` reads as its default (an empty list or map), and absence too with
/// `#[serde(default)]`.
pub fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// A comma-separated string (`"NG, US"`) or an array of strings as a list; `null` is `None`.
pub fn opt_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Listed {
        Text(String),
        Items(Vec<String>),
    }
    Ok(match Option::<Listed>::deserialize(d)? {
        None => None,
        Some(Listed::Text(text)) => Some(
            text.split(',')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        Some(Listed::Items(items)) => {
            Some(items.into_iter().map(|i| i.trim().to_owned()).collect())
        }
    })
}

/// A timestamp in RFC 3339 (`2025-12-13T12:57:24.000000Z`), SQL (`2025-12-13 12:57:24`, taken as
/// UTC) or date-only (`2025-12-31`, midnight UTC) form; `null` or `""` is `None`.
pub fn opt_timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let value = opt_string(d)?;
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => parse_timestamp(text)
            .map(Some)
            .ok_or_else(|| de::Error::custom(format!("expected a timestamp, got `{text}`"))),
    }
}

/// Parses the timestamp forms [`opt_timestamp`] accepts.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    if let Some(t) = time::fast_rfc3339(text) {
        return Some(t);
    }
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

/// Declares a string enum whose unknown values decode to `Other(String)`: `as_str`, `From<&str>`,
/// `Display`, `Serialize` and `Deserialize` come with it.
///
/// ```
/// keyward_core::open_enum!(
///     /// Where a key stands.
///     Standing {
///         /// Usable.
///         Active => "active",
///     }
/// );
/// let s: Standing = serde_json::from_str(r#""paused""#).unwrap();
/// assert_eq!(s, Standing::Other("paused".into()));
/// assert_eq!(Standing::from("active"), Standing::Active);
/// ```
#[macro_export]
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $( $(#[$vmeta:meta])* $variant:ident => $text:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept as sent.
            Other(::std::string::String),
        }

        impl $name {
            /// The value as the provider spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $text, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl ::std::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $( $text => Self::$variant, )+
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> ::std::result::Result<Self, D::Error> {
                $crate::de::str_into::<D, Self>(d)
            }
        }
    };
}

/// Deserializes a string (borrowed when the input allows) into `T` through `From<&str>`; the
/// support function of [`open_enum!`](crate::open_enum).
#[doc(hidden)]
pub fn str_into<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str>,
{
    struct StrVisitor<T>(PhantomData<T>);

    impl<T: for<'a> From<&'a str>> Visitor<'_> for StrVisitor<T> {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::from(v))
        }
    }

    d.deserialize_str(StrVisitor(PhantomData))
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct Fields {
        #[serde(deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(deserialize_with = "opt_uint")]
        n: Option<u64>,
        #[serde(deserialize_with = "opt_uint")]
        small: Option<u32>,
        #[serde(deserialize_with = "uint_or_zero")]
        count: u32,
        #[serde(deserialize_with = "opt_string")]
        s: Option<String>,
        #[serde(deserialize_with = "string_or_empty")]
        e: String,
        #[serde(deserialize_with = "opt_list")]
        l: Option<Vec<String>>,
        #[serde(deserialize_with = "opt_timestamp")]
        t: Option<DateTime<Utc>>,
        #[serde(deserialize_with = "null_as_default")]
        v: Vec<u8>,
    }

    fn f(json: &str) -> Fields {
        serde_json::from_str(json).unwrap()
    }

    fn fails(json: &str) -> bool {
        serde_json::from_str::<Fields>(json).is_err()
    }

    #[test]
    fn booleans() {
        assert_eq!(f(r#"{"b":true}"#).b, Some(true));
        assert_eq!(f(r#"{"b":1}"#).b, Some(true));
        assert_eq!(f(r#"{"b":"0"}"#).b, Some(false));
        assert_eq!(f(r#"{"b":"Yes"}"#).b, Some(true));
        assert_eq!(f(r#"{"b":""}"#).b, Some(false));
        assert_eq!(f(r#"{"b":null}"#).b, None);
        assert!(fails(r#"{"b":7}"#) && fails(r#"{"b":-1}"#) && fails(r#"{"b":"maybe"}"#));
        assert!(fails(r#"{"b":[]}"#));
    }

    #[test]
    fn numbers() {
        assert_eq!(f(r#"{"n":12}"#).n, Some(12));
        assert_eq!(f(r#"{"n":" 12 "}"#).n, Some(12));
        assert_eq!(f(r#"{"n":3.0}"#).n, Some(3));
        assert_eq!(f(r#"{"n":""}"#).n, None);
        assert_eq!(f(r#"{"n":false}"#).n, None);
        assert_eq!(f(r#"{"n":null}"#).n, None);
        assert!(fails(r#"{"n":-1}"#) && fails(r#"{"n":1.5}"#) && fails(r#"{"n":"x"}"#));
        assert!(fails(r#"{"n":true}"#) && fails(r#"{"n":1e300}"#));
        assert!(fails(r#"{"small":4294967296}"#));
        assert_eq!(f(r#"{"count":null}"#).count, 0);
        assert_eq!(f(r#"{"count":"7"}"#).count, 7);
    }

    #[test]
    fn strings_lists_times() {
        assert_eq!(f(r#"{"s":"a"}"#).s.as_deref(), Some("a"));
        assert_eq!(f(r#"{"s":42}"#).s.as_deref(), Some("42"));
        assert_eq!(f(r#"{"s":false}"#).s, None);
        assert_eq!(f(r#"{"e":null}"#).e, "");
        assert_eq!(f(r#"{"l":"NG, US ,GB"}"#).l.unwrap(), ["NG", "US", "GB"]);
        assert_eq!(f(r#"{"l":["NG","US"]}"#).l.unwrap(), ["NG", "US"]);
        assert_eq!(f(r#"{"l":null}"#).l, None);
        let a = f(r#"{"t":"2025-12-13T12:57:24.000000Z"}"#).t.unwrap();
        let b = f(r#"{"t":"2025-12-13 12:57:24"}"#).t.unwrap();
        assert_eq!(a, b);
        assert!(f(r#"{"t":"2025-12-31"}"#).t.is_some());
        assert_eq!(f(r#"{"t":""}"#).t, None);
        assert!(fails(r#"{"t":"soon"}"#));
        assert!(f(r#"{"v":null}"#).v.is_empty());
    }

    crate::open_enum!(
        /// A test enum.
        Colour {
            /// Red.
            Red => "red",
        }
    );

    #[test]
    fn open_enums_keep_unknown_values() {
        let c: Colour = serde_json::from_str(r#""red""#).unwrap();
        assert_eq!(c, Colour::Red);
        let c: Colour = serde_json::from_str(r#""blue""#).unwrap();
        assert_eq!(c.as_str(), "blue");
        assert_eq!(serde_json::to_string(&c).unwrap(), r#""blue""#);
        assert!(serde_json::from_str::<Colour>("3").is_err());
    }
}
