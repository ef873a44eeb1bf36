//! Why a delivery gave no event: [`EventRejection`], and the status to answer the provider.

use std::fmt;

use chrono::{DateTime, Utc};
use keyward_core::{LicenseError, RawJson};

#[cfg(doc)]
use super::{DeliveryStore, LicenseEvent};

/// Why a webhook delivery gave no [`LicenseEvent`]: each case its own variant.
/// [`http_status`](Self::http_status) says what to answer the provider.
#[derive(Debug)]
#[non_exhaustive]
pub enum EventRejection {
    /// A header the scheme needs is missing or not text (named in lower case).
    MissingHeader(&'static str),
    /// No signature matches the body for this secret (wrong secret, tampered body, garbled
    /// signature header).
    BadSignature,
    /// The signed timestamp header is not a Unix time.
    BadTimestamp,
    /// The signed timestamp is outside the tolerance of the injected clock (too old or too new).
    StaleTimestamp,
    /// This delivery was handled and acknowledged before (the provider retried, or someone
    /// replays it).
    Replayed {
        /// The delivery's id ([`LicenseEvent::delivery_id`]).
        delivery_id: String,
    },
    /// Another receiver is handling this delivery, or another event for the same license, now:
    /// the provider should retry later (when that one is acknowledged, or its lease ran out).
    InFlight {
        /// The delivery's id.
        delivery_id: String,
    },
    /// A genuine event older (by the provider's time) than the last one applied for the same
    /// license: reported, not applied, however old it is.
    Stale {
        /// The delivery's id.
        delivery_id: String,
        /// When the last applied event for the license happened.
        last_applied: DateTime<Utc>,
    },
    /// A genuine event of a type this version does not turn into a license event.
    UnknownEvent {
        /// The event type as sent.
        event_type: String,
        /// The whole event as received.
        raw: RawJson,
    },
    /// The signature verifies but the body is not the event's shape.
    Malformed(LicenseError),
    /// The [`DeliveryStore`] could not answer.
    Store(LicenseError),
}

impl EventRejection {
    /// The status to answer the provider with: 401 when the delivery is not genuine or not fresh,
    /// 200 for a replay, a stale or an unknown event (acknowledged, nothing to do), 409 while it
    /// is in flight elsewhere and 503 when the delivery store failed (both retried by the
    /// provider), 400 for a genuine body of the wrong shape.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MissingHeader(_)
            | Self::BadSignature
            | Self::BadTimestamp
            | Self::StaleTimestamp => 401,
            Self::Replayed { .. } | Self::Stale { .. } | Self::UnknownEvent { .. } => 200,
            Self::InFlight { .. } => 409,
            Self::Malformed(_) => 400,
            Self::Store(_) => 503,
        }
    }
}

impl fmt::Display for EventRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "the `{name}` header is missing"),
            Self::BadSignature => f.write_str("no webhook signature matches the body"),
            Self::BadTimestamp => f.write_str("the webhook timestamp is not a Unix time"),
            Self::StaleTimestamp => f.write_str("the webhook timestamp is outside the tolerance"),
            Self::Replayed { delivery_id } => write!(f, "webhook `{delivery_id}` was seen before"),
            Self::InFlight { delivery_id } => {
                write!(f, "webhook `{delivery_id}` or its license is being handled")
            }
            Self::Stale {
                delivery_id,
                last_applied,
            } => write!(
                f,
                "webhook `{delivery_id}` is older than the license's last applied event \
                 ({last_applied})"
            ),
            Self::UnknownEvent { event_type, .. } => write!(f, "unknown event type `{event_type}`"),
            Self::Malformed(error) => write!(f, "the webhook body is malformed: {error}"),
            Self::Store(error) => write!(f, "the delivery store failed: {error}"),
        }
    }
}

impl std::error::Error for EventRejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Malformed(error) | Self::Store(error) => Some(error),
            _ => None,
        }
    }
}
