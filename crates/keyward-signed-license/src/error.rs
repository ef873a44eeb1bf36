//! Why a key could not be loaded, and why a response could not be trusted.

use keyward_core::LicenseError;

/// A public key that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No PEM armour, or its body is not base64.
    #[error("the key is not PEM (expected `-----BEGIN PUBLIC KEY-----`)")]
    NotPem,
    /// PEM of another kind (a private key, a certificate).
    #[error("the PEM is not a public key (expected `PUBLIC KEY` or `RSA PUBLIC KEY`)")]
    Label,
    /// The DER is not an RSA public key.
    #[error("the key is not an RSA public key")]
    NotRsa,
    /// The modulus is outside 2048–4096 bits.
    #[error("RSA keys must have 2048 to 4096 bits, this one has {0}")]
    Size(u32),
}

impl From<KeyError> for LicenseError {
    fn from(error: KeyError) -> Self {
        LicenseError::config(error.to_string()).with_provider(crate::PROVIDER)
    }
}

/// Why the signature field does not hold a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UnsignedReason {
    /// The server's `"Private key not set"` sentinel.
    PrivateKeyNotSet,
    /// No `signature` field at all.
    Missing,
    /// An empty string.
    Empty,
    /// Text that is not standard base64.
    NotBase64,
}

/// A response that could not be trusted. Every variant means "do not act on this answer".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The body is not a JSON object (an HTML error page, say).
    #[error("the body is not a JSON envelope")]
    NotJson,
    /// The envelope lacks `response_base64` (or it is not a string).
    #[error("the envelope has no `response_base64` string")]
    MissingPayload,
    /// The response is not signed.
    #[error("the response is unsigned ({0:?})")]
    Unsigned(UnsignedReason),
    /// No accepted key verifies the signature.
    #[error("the signature does not verify with any configured key ({tried} tried)")]
    BadSignature {
        /// How many keys were tried.
        tried: usize,
    },
    /// The global key verifies, but this call accepts only product keys.
    #[error("the response is signed by the global key, which this call does not accept")]
    GlobalKeyRefused,
    /// The signed text is not base64 of a JSON object with `code` and `timestamp`.
    #[error("the signed payload is malformed: {0}")]
    MalformedPayload(String),
    /// The signed timestamp is older than the allowed age.
    #[error("the response is stale: signed {age_secs} s ago")]
    Stale {
        /// Seconds between the signed timestamp and now.
        age_secs: i64,
    },
    /// The signed timestamp lies further in the future than the allowed skew.
    #[error("the response is dated {ahead_secs} s in the future")]
    FromFuture {
        /// Seconds the timestamp is ahead of now.
        ahead_secs: i64,
    },
    /// The timestamp is older than one already accepted for this license and call (a rollback).
    #[error("replayed response: timestamp {timestamp} is older than {newest}, already accepted")]
    Replay {
        /// The response's signed timestamp.
        timestamp: i64,
        /// The newest timestamp accepted before.
        newest: i64,
    },
    /// The payload echoes a value that differs from the request.
    #[error("the signed payload's `{0}` does not match the request")]
    EchoMismatch(&'static str),
    /// A saved envelope could not be read.
    #[error("the saved envelope cannot be read: {0}")]
    Unreadable(String),
    /// The replay state could not be read or written.
    #[error("the replay state store failed: {0}")]
    StateStore(String),
}

impl VerifyError {
    /// The error with `redact` applied to the texts it carries (a malformed payload's reason,
    /// an unreadable file's, a store's), before it is shown or kept as a source.
    #[must_use]
    pub fn redacted(self, redact: impl Fn(&str) -> String) -> Self {
        match self {
            Self::MalformedPayload(text) => Self::MalformedPayload(redact(&text)),
            Self::Unreadable(text) => Self::Unreadable(redact(&text)),
            Self::StateStore(text) => Self::StateStore(redact(&text)),
            other => other,
        }
    }

    /// The error as the workspace's [`LicenseError`] (kind `Signature`, or `Decode` for a body
    /// that is not an envelope at all).
    pub fn into_license_error(self) -> LicenseError {
        let message = self.to_string();
        let error = match self {
            Self::NotJson | Self::MissingPayload | Self::MalformedPayload(_) => {
                LicenseError::decode(message)
            }
            _ => LicenseError::signature(message),
        };
        error.with_provider(crate::PROVIDER).with_source(self)
    }
}

impl From<VerifyError> for LicenseError {
    fn from(error: VerifyError) -> Self {
        error.into_license_error()
    }
}
