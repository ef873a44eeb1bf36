//! RFC 3339 timestamps read without chrono's general parser on the common path.
//!
//! Every provider sends its times as `2025-12-13T12:57:24Z` or `2025-12-13T12:57:24.977363+00:00`.
//! chrono's `Deserialize` for `DateTime<Utc>` parses them with its format-item machinery
//! (whitespace tolerance, `Parsed` field checks), about 1,400 instructions a timestamp: with four
//! or five timestamps in an answer, more than the rest of the model's decode. No kept crate
//! parses RFC 3339 into chrono's types faster (jiff and speedate have their own types and would
//! add a dependency to every app), so [`fast_rfc3339`] reads exactly that canonical form by hand
//! (about 150 instructions) and hands anything else to chrono's own parser. What is accepted,
//! and the instant it means, is therefore chrono's answer in every case; a table and a
//! generated-input test compare the two.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::de::{self, Deserializer, Visitor};

/// Deserializes a `DateTime<Utc>` exactly as chrono's own `Deserialize` does (an RFC 3339 string,
/// any offset, converted to UTC), faster on the canonical form:
/// `#[serde(deserialize_with = "keyward_core::de::rfc3339")]`.
pub fn rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    d.deserialize_str(Rfc3339Visitor)
}

/// [`rfc3339`] for an optional field (`null` is `None`; use it with `#[serde(default)]` so an
/// absent field is `None` too).
pub fn opt_rfc3339<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    d.deserialize_option(OptionVisitor)
}

/// Parses `text` as chrono's `DateTime<FixedOffset>::from_str` does, converted to UTC, with
/// chrono's own error where it refuses it.
fn parse(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    match fast_rfc3339(text) {
        Some(time) => Ok(time),
        None => text
            .parse::<DateTime<FixedOffset>>()
            .map(|t| t.with_timezone(&Utc)),
    }
}

struct Rfc3339Visitor;

impl Visitor<'_> for Rfc3339Visitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date and time")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTime<Utc>, E> {
        // chrono's own error text, as its `Deserialize` gives it.
        parse(text).map_err(E::custom)
    }
}

struct OptionVisitor;

impl<'de> Visitor<'de> for OptionVisitor {
    type Value = Option<DateTime<Utc>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date and time or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        rfc3339(d).map(Some)
    }
}

/// Two ASCII digits at `at` as a number.
fn two(bytes: &[u8], at: usize) -> Option<u32> {
    let (a, b) = (bytes.get(at)?, bytes.get(at + 1)?);
    (a.is_ascii_digit() && b.is_ascii_digit())
        .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
}

/// `YYYY-MM-DDTHH:MM:SS`, an optional `.` with 1–9 digits, then `Z` or `±HH:MM`; `None` for
/// anything else (including what chrono would accept in another spelling, and leap seconds),
/// which the caller hands to chrono.
pub(crate) fn fast_rfc3339(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let year = two(b, 0)? * 100 + two(b, 2)?;
    let (month, day) = (two(b, 5)?, two(b, 8)?);
    let (hour, minute, second) = (two(b, 11)?, two(b, 14)?, two(b, 17)?);
    if second > 59 {
        return None;
    }
    let mut at = 19;
    let mut nanos = 0u32;
    if b[at] == b'.' {
        at += 1;
        let start = at;
        while at < b.len() && b[at].is_ascii_digit() && at - start < 9 {
            nanos = nanos * 10 + u32::from(b[at] - b'0');
            at += 1;
        }
        let digits = at - start;
        if digits == 0 {
            return None;
        }
        nanos *= 10u32.pow(9 - u32::try_from(digits).ok()?);
    }
    let offset_seconds = match b.get(at..)? {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (two(b, at + 1)?, two(b, at + 4)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let local = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?
        .and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = local.checked_sub_signed(chrono::TimeDelta::try_seconds(offset_seconds)?)?;
    Some(utc.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// chrono's answer for `text`: what the fast path must equal whenever it answers.
    fn chrono(text: &str) -> Option<DateTime<Utc>> {
        text.parse::<DateTime<FixedOffset>>()
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }

    #[test]
    fn the_canonical_forms_match_chrono_and_the_rest_is_chrono_s() {
        let cases = [
            // (text, the fast path answers)
            ("2025-12-13T12:57:24Z", true),
            ("2025-12-13T12:57:24.000000Z", true),
            ("2024-09-02T13:57:00.977363Z", true),
            ("2024-09-02T13:57:00.1Z", true),
            ("2024-09-02T13:57:00.123456789Z", true),
            ("2024-02-29T23:59:59+05:30", true),
            ("2024-03-01T00:10:00-02:45", true),
            ("0000-01-01T00:00:00+00:00", true),
            ("9999-12-31T23:59:59-23:59", true),
            ("2024-09-02T13:57:00.1234567891Z", false),
            ("2024-09-02T13:57:00.Z", false),
            ("2016-12-31T23:59:60Z", false),
            ("2025-12-13 12:57:24Z", false),
            ("2025-12-13t12:57:24z", false),
            ("2025-12-13T12:57:24+0000", false),
            ("2025-12-13T12:57:24", false),
            ("2025-02-30T00:00:00Z", false),
            ("2025-13-01T00:00:00Z", false),
            ("2025-12-13T24:00:00Z", false),
            ("2025-12-13T12:60:00Z", false),
            ("2025-12-13T12:57:24+24:00", false),
            ("2025-12-13T12:57:24Z ", false),
            ("+2025-12-13T12:57:24Z", false),
            ("2025-1a-13T12:57:24Z", false),
            ("", false),
        ];
        for (text, fast) in cases {
            assert_eq!(fast_rfc3339(text).is_some(), fast, "{text}");
            if fast {
                assert_eq!(fast_rfc3339(text), chrono(text), "{text}");
            }
            assert_eq!(parse(text).ok(), chrono(text), "{text}");
        }
    }

    #[test]
    fn generated_inputs_agree_with_chrono() {
        // Every one-character change of a few canonical timestamps (digits, separators, signs,
        // letters): the fast path either declines or agrees with chrono.
        let seeds = [
            "2024-02-29T23:59:59.977363+05:30",
            "1999-12-31T00:00:00Z",
            "2026-08-30T08:40:34.769148-11:15",
        ];
        let alphabet = b"0123456789-+:.TZtz ";
        let mut checked = 0;
        for seed in seeds {
            for at in 0..seed.len() {
                for &c in alphabet {
                    let mut bytes = seed.as_bytes().to_vec();
                    bytes[at] = c;
                    let Ok(text) = String::from_utf8(bytes) else {
                        continue;
                    };
                    if let Some(fast) = fast_rfc3339(&text) {
                        assert_eq!(Some(fast), chrono(&text), "{text}");
                    }
                    assert_eq!(parse(&text).ok(), chrono(&text), "{text}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 1_000);
    }

    #[test]
    fn fields_decode_as_chrono_s_deserialize_does() {
        #[derive(serde::Deserialize)]
        struct Times {
            #[serde(deserialize_with = "rfc3339")]
            at: DateTime<Utc>,
            #[serde(default, deserialize_with = "opt_rfc3339")]
            until: Option<DateTime<Utc>>,
            #[serde(default, deserialize_with = "opt_rfc3339")]
            since: Option<DateTime<Utc>>,
        }
        let times: Times =
            serde_json::from_str(r#"{"at":"2025-12-13T12:57:24+01:00","until":null}"#).unwrap();
        assert_eq!(times.at.to_rfc3339(), "2025-12-13T11:57:24+00:00");
        assert_eq!((times.until, times.since), (None, None));
        let error = serde_json::from_str::<Times>(r#"{"at":"yesterday"}"#)
            .err()
            .unwrap()
            .to_string();
        let chrono_error = serde_json::from_str::<DateTime<Utc>>(r#""yesterday""#)
            .err()
            .unwrap()
            .to_string();
        assert_eq!(
            error.split(" at line").next(),
            chrono_error.split(" at line").next()
        );
        assert!(serde_json::from_str::<Times>(r#"{"at":5}"#).is_err());
    }
}
