//! One license-event stream from the providers' webhooks: [`LicenseEvent`].
//!
//! Each provider has one verify-and-parse call taking the raw request headers and body bytes:
//! [`DodoEvents::verify`] (Standard Webhooks), [`LemonSqueezyEvents::verify`] (`X-Signature`) and
//! [`KeygenEvents::verify`] (`Keygen-Signature`).
//! The signature is checked over the exact bytes received and the event is parsed only from those
//! bytes. Every refusal is a distinct [`EventRejection`] (bad signature, stale timestamp, replayed
//! delivery, unknown event type, …); no body or header makes these calls panic.
//!
//! Replays are caught by a [`SeenStore`] (in memory by default, [`MemorySeenStore`], bounded in
//! size and age); give a shared one to every server instance that handles the same webhooks.

#[cfg(feature = "dodo")]
mod dodo;
#[cfg(feature = "keygen")]
mod keygen;
#[cfg(feature = "lemonsqueezy")]
mod lemonsqueezy;
mod seen;

use std::fmt;

use chrono::{DateTime, Utc};
use keyward_core::{LicenseError, LicenseKey, Provider, RawJson};

#[cfg(feature = "dodo")]
#[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
pub use self::dodo::DodoEvents;
#[cfg(feature = "keygen")]
#[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
pub use self::keygen::KeygenEvents;
#[cfg(feature = "lemonsqueezy")]
#[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
pub use self::lemonsqueezy::LemonSqueezyEvents;
pub use self::seen::{DEFAULT_CAPACITY, MemorySeenStore, SeenStore};

/// What happened to a license, in words common to every provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// A license (or a Dodo grant, possibly still pending) was created.
    Created,
    /// A license changed (Lemon Squeezy `license_key_updated`: the event does not say what
    /// changed; [`LicenseEvent::license`] holds its state now).
    Updated,
    /// A key was delivered to a grant (Dodo `entitlement_grant.delivered`).
    Delivered,
    /// Delivering a grant failed (Dodo `entitlement_grant.failed`; see
    /// [`LicenseEvent::error_code`] and [`LicenseEvent::reason`]).
    Failed,
    /// A grant was revoked and its key no longer works (Dodo `entitlement_grant.revoked`).
    Revoked,
}

/// A verified license event from a provider's webhook.
///
/// `Debug` never shows the license key or the raw JSON.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct LicenseEvent {
    /// Which provider sent it.
    pub provider: Provider,
    /// What happened.
    pub kind: EventKind,
    /// The event type as the provider names it (`entitlement_grant.revoked`,
    /// `license_key_updated`).
    pub event_type: String,
    /// What identifies this delivery: Dodo's `webhook-id`; for Lemon Squeezy, whose deliveries
    /// carry no id, the `X-Signature` (the same for the same bytes, so a redelivery repeats it).
    pub delivery_id: String,
    /// When the event happened, when the provider says (Dodo's `timestamp`).
    pub occurred_at: Option<DateTime<Utc>>,
    /// The license the event is about, in the neutral model; `None` when the event carries no key
    /// (a pending or failed Dodo grant).
    pub license: Option<LicenseKey>,
    /// The Dodo grant (`entg_…`) for `entitlement_grant.*` events.
    pub grant_id: Option<String>,
    /// The customer, when the event names one.
    pub customer_id: Option<String>,
    /// Why: a revocation reason or a delivery failure's message.
    pub reason: Option<String>,
    /// A delivery failure's machine-readable code.
    pub error_code: Option<String>,
    /// Whether the event comes from test mode, when the provider says.
    pub test_mode: Option<bool>,
    /// The whole event as received (secrets included: never log it).
    pub raw: RawJson,
}

impl LicenseEvent {
    #[cfg_attr(
        not(any(feature = "dodo", feature = "lemonsqueezy", feature = "keygen")),
        allow(dead_code)
    )]
    pub(crate) fn new(
        provider: Provider,
        kind: EventKind,
        event_type: String,
        delivery_id: String,
        raw: RawJson,
    ) -> Self {
        Self {
            provider,
            kind,
            event_type,
            delivery_id,
            occurred_at: None,
            license: None,
            grant_id: None,
            customer_id: None,
            reason: None,
            error_code: None,
            test_mode: None,
            raw,
        }
    }
}

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
    /// This delivery was seen before (the provider retried, or someone replays it).
    Replayed {
        /// The delivery's id ([`LicenseEvent::delivery_id`]).
        delivery_id: String,
    },
    /// A genuine, first-seen event of a type this version does not turn into a license event.
    UnknownEvent {
        /// The event type as sent.
        event_type: String,
        /// The whole event as received.
        raw: RawJson,
    },
    /// The signature verifies but the body is not the event's shape.
    Malformed(LicenseError),
    /// The [`SeenStore`] could not answer.
    Store(LicenseError),
}

impl EventRejection {
    /// The status to answer the provider with: 401 when the delivery is not genuine or not fresh,
    /// 200 for a replay or an unknown event (acknowledged, nothing to do), 400 for a genuine
    /// body of the wrong shape, 503 when the seen-store failed (so the provider retries).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MissingHeader(_)
            | Self::BadSignature
            | Self::BadTimestamp
            | Self::StaleTimestamp => 401,
            Self::Replayed { .. } | Self::UnknownEvent { .. } => 200,
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
            Self::UnknownEvent { event_type, .. } => write!(f, "unknown event type `{event_type}`"),
            Self::Malformed(error) => write!(f, "the webhook body is malformed: {error}"),
            Self::Store(error) => write!(f, "the seen-store failed: {error}"),
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

/// The last step every provider shares: a genuine delivery becomes its event unless its id was
/// seen before. Unknown events count as seen too, so their redelivery reads as a replay.
#[cfg_attr(
    not(any(feature = "dodo", feature = "lemonsqueezy", feature = "keygen")),
    allow(dead_code)
)]
pub(crate) async fn first_delivery(
    store: &dyn SeenStore,
    delivery_id: &str,
    now: DateTime<Utc>,
    parsed: Result<LicenseEvent, EventRejection>,
) -> Result<LicenseEvent, EventRejection> {
    if matches!(parsed, Err(EventRejection::Malformed(_))) {
        return parsed;
    }
    if !store
        .first_seen(delivery_id, now)
        .await
        .map_err(EventRejection::Store)?
    {
        return Err(EventRejection::Replayed {
            delivery_id: delivery_id.to_owned(),
        });
    }
    parsed
}
