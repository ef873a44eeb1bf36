//! When to retry, and how long to wait.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::{HeaderMap, HeaderName};

use crate::request::Idempotency;

/// What one attempt came to, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The connection could not be made: the request never left.
    NotSent,
    /// The request was sent but no complete answer arrived (timeout or broken connection).
    NoAnswer,
    /// A response with this status, and whether it carried a retry delay.
    Status { status: u16, has_retry_after: bool },
}

/// Whether the attempt may be repeated.
pub(crate) fn should_retry(idempotency: Idempotency, attempt: Attempt) -> bool {
    match (idempotency, attempt) {
        (_, Attempt::NotSent) => true,
        (Idempotency::Idempotent, Attempt::NoAnswer) => true,
        (Idempotency::NonIdempotent, Attempt::NoAnswer) => false,
        (Idempotency::Idempotent, Attempt::Status { status, .. }) => {
            matches!(status, 408 | 429 | 500..=599)
        }
        (
            Idempotency::NonIdempotent,
            Attempt::Status {
                status,
                has_retry_after,
            },
        ) => has_retry_after && matches!(status, 429 | 503),
    }
}

/// Whether a non-idempotent request whose final attempt ended like this may have taken effect:
/// the request may have reached the server and no answer proves it was not applied. A 2xx says
/// it was (even when its body cannot be read), a 5xx or no answer at all cannot say; only a 4xx,
/// a 503 asking for a retry, or a connection never made prove that nothing happened.
pub(crate) fn may_have_been_applied(idempotency: Idempotency, attempt: Attempt) -> bool {
    if idempotency == Idempotency::Idempotent {
        return false;
    }
    match attempt {
        Attempt::NotSent => false,
        Attempt::NoAnswer => true,
        Attempt::Status {
            status,
            has_retry_after,
        } => match status {
            400..=499 => false,
            503 => !has_retry_after,
            _ => true,
        },
    }
}

/// The delay a response asks for: `retry-after-ms`, then `Retry-After` in seconds or as an HTTP
/// date. `None` when absent or unreadable.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    retry_after_with(headers, || now)
}

/// [`retry_after`], reading the clock only for an HTTP date (the only form that needs it).
pub(crate) fn retry_after_with(
    headers: &HeaderMap,
    now: impl FnOnce() -> DateTime<Utc>,
) -> Option<Duration> {
    // A delay too long for a `Duration` (a hostile `Retry-After: 1e300`) is unreadable, never a
    // panic; a readable delay beyond the retry policy's cap is never waited for.
    let ms = header_str(headers, RETRY_AFTER_MS).and_then(|v| v.trim().parse::<f64>().ok());
    if let Some(delay) = ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok()) {
        return Some(delay);
    }
    let value = header_str(headers, http::header::RETRY_AFTER)?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((at - now()).to_std().unwrap_or(Duration::ZERO))
}

// Names built once: a `&str` name is parsed on every lookup.
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");

fn header_str(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn retry_after_forms() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            retry_after(&headers("retry-after", "7"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers("retry-after-ms", "1500"), now),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(
                &headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"),
                now
            ),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after(
                &headers("retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"),
                now
            ),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("retry-after", "soon"), now), None);
        assert_eq!(
            retry_after(&headers("retry-after", "2.5"), now),
            Some(Duration::from_millis(2500))
        );
        for hostile in ["1e300", "99999999999999999999999", "-3", "NaN", "inf"] {
            assert_eq!(retry_after(&headers("retry-after", hostile), now), None);
            assert_eq!(retry_after(&headers("retry-after-ms", hostile), now), None);
        }
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn non_idempotent_retries_only_when_provably_not_applied() {
        let post = Idempotency::NonIdempotent;
        assert!(should_retry(post, Attempt::NotSent));
        assert!(!should_retry(post, Attempt::NoAnswer));
        let status = |status, has_retry_after| Attempt::Status {
            status,
            has_retry_after,
        };
        assert!(!should_retry(post, status(500, false)));
        assert!(!should_retry(post, status(429, false)));
        assert!(should_retry(post, status(429, true)));
        assert!(should_retry(post, status(503, true)));
        assert!(!should_retry(post, status(502, true)));
        assert!(may_have_been_applied(post, Attempt::NoAnswer));
        assert!(may_have_been_applied(post, status(500, false)));
        assert!(!may_have_been_applied(post, status(503, true)));
        assert!(!may_have_been_applied(post, status(422, false)));
        assert!(!may_have_been_applied(post, status(429, true)));
        assert!(may_have_been_applied(post, status(200, false)));
        assert!(may_have_been_applied(post, status(201, false)));
        assert!(may_have_been_applied(post, status(302, false)));
        assert!(!may_have_been_applied(post, Attempt::NotSent));
    }

    #[test]
    fn idempotent_retries_transient_failures() {
        let get = Idempotency::Idempotent;
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(should_retry(
                get,
                Attempt::Status {
                    status: s,
                    has_retry_after: false
                }
            ));
        }
        for s in [400, 401, 403, 404, 409, 422] {
            assert!(!should_retry(
                get,
                Attempt::Status {
                    status: s,
                    has_retry_after: false
                }
            ));
        }
        assert!(should_retry(get, Attempt::NoAnswer));
        assert!(!may_have_been_applied(get, Attempt::NoAnswer));
    }
}
