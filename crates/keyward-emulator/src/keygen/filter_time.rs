//! How Keygen's list scopes read a filter's value (`license.rb`): a boolean as Rails casts one,
//! a duration (`2629746` seconds, or ISO 8601 `P13DT59M59S` / `2w` read as `P2W`), an instant
//! (unix seconds or an ISO 8601 time) and a day. A value that does not parse matches nothing,
//! as the scopes' `rescue … none` answer.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, TimeZone, Utc};

/// Rails' `ActiveRecord::Type::Boolean.new.cast`: `None` for a blank value, `false` for its
/// false words, `true` for anything else.
pub(crate) fn cast_bool(value: &str) -> Option<bool> {
    const FALSE: [&str; 8] = ["0", "f", "F", "false", "FALSE", "off", "OFF", "False"];
    if value.is_empty() {
        None
    } else {
        Some(!FALSE.contains(&value))
    }
}

/// A span of time as `ActiveSupport::Duration` holds one: calendar months and seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    months: u32,
    seconds: i64,
}

impl Span {
    /// `span.ago` from `now`.
    pub(crate) fn before(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let moved = now
            .checked_sub_months(Months::new(self.months))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        moved - chrono::Duration::seconds(self.seconds)
    }

    /// `span.from_now` from `now`.
    pub(crate) fn after(self, now: DateTime<Utc>) -> DateTime<Utc> {
        let moved = now
            .checked_add_months(Months::new(self.months))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        moved + chrono::Duration::seconds(self.seconds)
    }
}

/// The scopes' duration: digits are seconds (`"PT#{s}S"`), anything else is ISO 8601 after
/// `"P#{s.delete_prefix('P').upcase}"` (`30d` → `P30D`).
pub(crate) fn window(value: &str) -> Option<Span> {
    let value = value.trim();
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
        return Some(Span {
            months: 0,
            seconds: value.parse().ok()?,
        });
    }
    iso8601(&value.strip_prefix('P').unwrap_or(value).to_uppercase())
}

/// `ActiveSupport::Duration::ISO8601Parser` on `P<body>`: `nY nM nW nD` then `T nH nM nS`.
fn iso8601(body: &str) -> Option<Span> {
    let (date, time) = match body.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (body, None),
    };
    let mut span = Span {
        months: 0,
        seconds: 0,
    };
    let mut any = false;
    for (part, is_time) in [(date, false), (time.unwrap_or_default(), true)] {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let n: i64 = number.parse().ok()?;
            number.clear();
            any = true;
            match (is_time, c) {
                (false, 'Y') => span.months += u32::try_from(n.checked_mul(12)?).ok()?,
                (false, 'M') => span.months += u32::try_from(n).ok()?,
                (false, 'W') => span.seconds += n.checked_mul(7 * 86_400)?,
                (false, 'D') => span.seconds += n.checked_mul(86_400)?,
                (true, 'H') => span.seconds += n.checked_mul(3_600)?,
                (true, 'M') => span.seconds += n.checked_mul(60)?,
                (true, 'S') => span.seconds += n,
                _ => return None,
            }
        }
        if !number.is_empty() {
            return None;
        }
    }
    any.then_some(span)
}

/// The scopes' instant: digits are unix seconds (`Time.at`), else an ISO 8601 time or date
/// (`to_time`; Ruby's parser reads more forms, the features send these).
pub(crate) fn instant(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if !value.is_empty() && value.chars().all(|c| c.is_ascii_digit()) {
        return Utc.timestamp_opt(value.parse().ok()?, 0).single();
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(value) {
        return Some(time.with_timezone(&Utc));
    }
    day(value).map(|d| Utc.from_utc_datetime(&d.and_time(NaiveTime::MIN)))
}

fn day(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// An inclusive span of instants (`expiry >= ? AND expiry <= ?`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Range {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Range {
    pub(crate) fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> Self {
        Self { from, to }
    }

    /// `on.to_date`'s `beginning_of_day..end_of_day` (UTC).
    pub(crate) fn day(value: &str) -> Option<Self> {
        let start = Utc.from_utc_datetime(&day(value)?.and_time(NaiveTime::MIN));
        Some(Self::new(
            start,
            start + chrono::Duration::days(1) - chrono::Duration::microseconds(1),
        ))
    }

    pub(crate) fn holds(self, at: DateTime<Utc>) -> bool {
        self.from <= at && at <= self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_keygen_reads_them() {
        let span = |s: i64| {
            Some(Span {
                months: 0,
                seconds: s,
            })
        };
        let table = [
            ("2629746", span(2_629_746)),
            ("2w", span(14 * 86_400)),
            ("31d", span(31 * 86_400)),
            ("P13DT59M59S", span(13 * 86_400 + 59 * 60 + 59)),
            ("P1DT5H59M59S", span(86_400 + 5 * 3_600 + 59 * 60 + 59)),
            (
                "1m",
                Some(Span {
                    months: 1,
                    seconds: 0,
                }),
            ),
            ("invalid", None),
            ("", None),
            ("P", None),
            ("PT", None),
        ];
        for (text, want) in table {
            assert_eq!(window(text), want, "{text}");
        }
    }

    #[test]
    fn instants_and_booleans_read_as_keygen_reads_them() {
        let june = Utc.with_ymd_and_hms(2022, 6, 12, 0, 0, 0).single();
        assert_eq!(instant("1654992000"), june);
        assert_eq!(instant("2022-06-12T00:00:00.000Z"), june);
        assert_eq!(instant("2022-06-12"), june);
        assert_eq!(instant("90d"), None);
        assert_eq!(instant("invalid"), None);
        assert_eq!(cast_bool("0"), Some(false));
        assert_eq!(cast_bool("false"), Some(false));
        assert_eq!(cast_bool("1"), Some(true));
        assert_eq!(cast_bool(""), None);
    }
}
