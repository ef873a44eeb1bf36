//! The answer of the has-paid checks.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::Injectable;
use keyward_core::RawJson;

/// `data` of a has-paid answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct PaymentStatus {
    /// Whether the project (or domain) is paid; `None` only if the server left it out, which
    /// the client reports as a decode error.
    #[serde(default, deserialize_with = "keyward_core::de::opt_bool")]
    pub has_paid: Option<bool>,
    /// Paid-only injectables, sent with `include=injectables` when `has_paid` is true.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub injectables: Vec<Injectable>,
    /// Every other field (metadata, restrictions), as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The JSON DevPayr sent for this answer, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(PaymentStatus);

impl PaymentStatus {
    /// Whether the answer is "paid".
    pub fn is_paid(&self) -> bool {
        self.has_paid == Some(true)
    }
}

/// The answer to a runtime check with a license key. Every variant is an answer; an `Err` from
/// the check means DevPayr could not be asked.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LicenseCheck {
    /// The license was accepted and the project (or domain) is paid.
    Paid(PaymentStatus),
    /// The license was accepted but the project (or domain) is not paid.
    Unpaid(PaymentStatus),
    /// DevPayr refused the license (HTTP 401/403): revoked, expired, unknown, wrong domain, …
    Denied(Denial),
}

impl LicenseCheck {
    /// Whether the software may run as paid.
    pub fn is_paid(&self) -> bool {
        matches!(self, Self::Paid(_))
    }

    /// The injectables delivered with a paid answer (empty otherwise).
    pub fn injectables(&self) -> &[Injectable] {
        match self {
            Self::Paid(status) => &status.injectables,
            _ => &[],
        }
    }

    /// The denial, when the license was refused.
    pub fn denial(&self) -> Option<&Denial> {
        match self {
            Self::Denied(denial) => Some(denial),
            _ => None,
        }
    }
}

/// Why DevPayr refused a license. Only the domain message is documented verbatim; the others
/// are recognised from words in the message (best effort) and fall back to `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DenialReason {
    /// "This license is not authorized for the current domain." (documented), or a domain cap.
    DomainNotAuthorized,
    /// The license was revoked.
    Revoked,
    /// The license expired.
    Expired,
    /// The license key is unknown or missing.
    UnknownLicense,
    /// The client IP is not allowed.
    IpNotAllowed,
    /// The client country is not allowed.
    CountryNotAllowed,
    /// The daily validation cap was reached.
    UsageLimitReached,
    /// A test license on a production host, or the reverse.
    WrongEnvironment,
    /// Anything else.
    Other,
}

impl DenialReason {
    /// Recognises the reason from DevPayr's message.
    pub fn from_message(message: &str) -> Self {
        let m = message.to_ascii_lowercase();
        let has = |w: &str| m.contains(w);
        if has("revoked") || has("inactive") || has("not active") {
            Self::Revoked
        } else if has("expired") {
            Self::Expired
        } else if has("daily") || has("usage limit") {
            Self::UsageLimitReached
        } else if has("country") {
            Self::CountryNotAllowed
        } else if has(" ip") || m.starts_with("ip ") {
            Self::IpNotAllowed
        } else if has("test license") || has("production license") || has("environment") {
            Self::WrongEnvironment
        } else if has("domain") {
            Self::DomainNotAuthorized
        } else if has("invalid license") || has("not found") || has("missing") || has("unknown") {
            Self::UnknownLicense
        } else {
            Self::Other
        }
    }
}

/// A refused license: the HTTP status, the reason and DevPayr's message (secrets redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Denial {
    /// Why, as far as the message tells.
    pub reason: DenialReason,
    /// The HTTP status (401 or 403).
    pub status: u16,
    /// DevPayr's message.
    pub message: Option<String>,
}

impl Denial {
    /// A denial with this status and message.
    pub fn new(status: u16, message: Option<String>) -> Self {
        let reason = message
            .as_deref()
            .map_or(DenialReason::Other, DenialReason::from_message);
        Self {
            reason,
            status,
            message,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DenialReason::{self, *};

    #[test]
    fn reasons_are_read_from_messages() {
        for (message, reason) in [
            (
                "This license is not authorized for the current domain.",
                DomainNotAuthorized,
            ),
            ("This license has been revoked.", Revoked),
            ("License is inactive.", Revoked),
            ("This license has expired.", Expired),
            ("Invalid license key.", UnknownLicense),
            ("Your IP is not allowed.", IpNotAllowed),
            (
                "Requests from your country are not allowed.",
                CountryNotAllowed,
            ),
            (
                "Daily usage limit reached for this license.",
                UsageLimitReached,
            ),
            (
                "A production license cannot be used on a development domain.",
                WrongEnvironment,
            ),
            ("Something else.", Other),
        ] {
            assert_eq!(DenialReason::from_message(message), reason, "{message}");
        }
    }
}
