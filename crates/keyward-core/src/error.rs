//! The one error type every crate of the workspace returns.

use std::error::Error as StdError;
use std::fmt;
use std::time::Duration;

pub use crate::http_details::HttpDetails;

/// What went wrong, broadly. Prefer the `is_*` predicates on [`LicenseError`]; match on the kind
/// only when you need to tell every case apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The client was configured wrongly (caught when it is built, before anything is sent).
    Config,
    /// The request could not be built from the given input (for example an empty license key).
    InvalidInput,
    /// No response arrived: DNS, connect, TLS or a broken connection.
    Network,
    /// An attempt or the overall deadline ran out.
    Timeout,
    /// The provider refused the credentials (HTTP 401/403).
    Unauthorized,
    /// The resource does not exist (HTTP 404).
    NotFound,
    /// Too many requests (HTTP 429); see [`LicenseError::retry_after`].
    RateLimited,
    /// The request conflicts with the resource's state (HTTP 409, or a provider's state rule).
    Conflict,
    /// The provider rejected the request as invalid (HTTP 400/422).
    Rejected,
    /// The provider failed (HTTP 5xx).
    Server,
    /// Any other unexpected HTTP status.
    Http,
    /// The response body was larger than the configured cap.
    BodyTooLarge,
    /// The response could not be decoded into the expected shape.
    Decode,
    /// A signature was missing, invalid, stale or otherwise not trustworthy.
    Signature,
    /// The provider does not offer this operation.
    Unsupported,
}

/// The error of every fallible operation in this workspace.
///
/// Opaque on purpose: ask it questions (`is_not_found()`, `is_rate_limited()`,
/// `may_have_been_applied()`, …) rather than matching on its insides. The source error is kept.
/// It never contains a secret: bodies are redacted before they are stored.
pub struct LicenseError {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    provider: Option<&'static str>,
    operation: Option<&'static str>,
    http: Option<HttpDetails>,
    may_have_been_applied: bool,
    attempts: u32,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl LicenseError {
    /// A new error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                provider: None,
                operation: None,
                http: None,
                may_have_been_applied: false,
                attempts: 0,
                source: None,
            }),
        }
    }

    /// Bad configuration, reported when a client is built.
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }

    /// Input that cannot be sent (caught before any request).
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidInput, message)
    }

    /// A response that could not be decoded.
    pub fn decode(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Decode, message)
    }

    /// A signature that could not be trusted.
    pub fn signature(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Signature, message)
    }

    /// An operation the provider does not offer.
    pub fn unsupported(provider: &'static str, operation: &'static str) -> Self {
        Self::new(
            ErrorKind::Unsupported,
            format!("{provider} does not support `{operation}`"),
        )
        .with_provider(provider)
        .with_operation(operation)
    }

    /// An error for an HTTP response, its kind chosen from the status.
    pub fn from_http(details: HttpDetails, message: impl Into<String>) -> Self {
        let mut error = Self::new(kind_for_status(details.status), message);
        error.inner.http = Some(details);
        error
    }

    /// Names the provider (`"dodo"`, `"lemonsqueezy"`, …).
    #[must_use]
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.inner.provider = Some(provider);
        self
    }

    /// Names the operation (`"activate"`, `"list license keys"`, …).
    #[must_use]
    pub fn with_operation(mut self, operation: &'static str) -> Self {
        self.inner.operation = Some(operation);
        self
    }

    /// Keeps the underlying cause.
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Marks whether a non-idempotent request may have taken effect.
    #[must_use]
    pub fn with_may_have_been_applied(mut self, applied: bool) -> Self {
        self.inner.may_have_been_applied = applied;
        self
    }

    /// Records how many attempts were made.
    #[must_use]
    pub fn with_attempts(mut self, attempts: u32) -> Self {
        self.inner.attempts = attempts;
        self
    }

    /// Replaces the kind (a provider crate that knows better than the status, say a 403 that is a
    /// state rule rather than bad credentials).
    #[must_use]
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.inner.kind = kind;
        self
    }

    /// Adds the provider's own error code and message to the HTTP details.
    #[must_use]
    pub fn with_provider_error(mut self, code: Option<String>, message: Option<String>) -> Self {
        if let Some(http) = self.inner.http.as_mut() {
            http.provider_code = code.or(http.provider_code.take());
            http.provider_message = message.or(http.provider_message.take());
        }
        self
    }

    /// The broad kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The message, without provider or operation.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The provider the call went to, if known.
    pub fn provider(&self) -> Option<&'static str> {
        self.inner.provider
    }

    /// The operation that failed, if known.
    pub fn operation(&self) -> Option<&'static str> {
        self.inner.operation
    }

    /// The HTTP details, when a response arrived.
    pub fn http(&self) -> Option<&HttpDetails> {
        self.inner.http.as_ref()
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.http().map(|h| h.status)
    }

    /// The provider's machine-readable error code, when its error body had one (the one way,
    /// in every crate, to read it; provider crates add typed views of it).
    pub fn provider_code(&self) -> Option<&str> {
        self.http().and_then(|h| h.provider_code.as_deref())
    }

    /// The provider's human-readable error message, when its error body had one (redacted).
    pub fn provider_message(&self) -> Option<&str> {
        self.http().and_then(|h| h.provider_message.as_deref())
    }

    /// The provider's error body, parsed and whole (never cut to the displayed length), with
    /// secrets redacted; `None` when no JSON body arrived or the body is over
    /// [`MAX_ERROR_DETAIL_BYTES`](crate::MAX_ERROR_DETAIL_BYTES).
    pub fn provider_body(&self) -> Option<&serde_json::Value> {
        self.http().and_then(|h| h.json.as_ref())
    }

    /// How many attempts were made (0 when nothing was sent).
    pub fn attempts(&self) -> u32 {
        self.inner.attempts
    }

    /// The resource does not exist.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }

    /// The credentials were refused.
    pub fn is_unauthorized(&self) -> bool {
        self.inner.kind == ErrorKind::Unauthorized
    }

    /// The provider is rate limiting; see [`retry_after`](Self::retry_after).
    pub fn is_rate_limited(&self) -> bool {
        self.inner.kind == ErrorKind::RateLimited
    }

    /// How long the provider asked to wait, if it said.
    pub fn retry_after(&self) -> Option<Duration> {
        self.http().and_then(|h| h.retry_after)
    }

    /// An attempt or the deadline timed out (or the server answered 408).
    pub fn is_timeout(&self) -> bool {
        self.inner.kind == ErrorKind::Timeout
    }

    /// No response arrived because of a network failure.
    pub fn is_network(&self) -> bool {
        self.inner.kind == ErrorKind::Network
    }

    /// The client or the call's input was invalid; nothing was sent.
    pub fn is_config(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Config | ErrorKind::InvalidInput)
    }

    /// The call's input could not be sent (an empty key, a filter the provider lacks); nothing
    /// was sent. [`is_config`](Self::is_config) is true for these too.
    pub fn is_invalid_input(&self) -> bool {
        self.inner.kind == ErrorKind::InvalidInput
    }

    /// A signature could not be trusted.
    pub fn is_signature(&self) -> bool {
        self.inner.kind == ErrorKind::Signature
    }

    /// A response could not be decoded (or was too large to read).
    pub fn is_decode(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Decode | ErrorKind::BodyTooLarge)
    }

    /// The provider does not offer this operation.
    pub fn is_unsupported(&self) -> bool {
        self.inner.kind == ErrorKind::Unsupported
    }

    /// The request conflicts with the resource's state.
    pub fn is_conflict(&self) -> bool {
        self.inner.kind == ErrorKind::Conflict
    }

    /// A non-idempotent request (activate, deactivate, create) may have taken effect: it may
    /// have reached the server and no answer proves it was not applied (no answer, a 5xx, or a
    /// 2xx whose body could not be read). Check state before trying again. False for idempotent
    /// requests and when the answer proves nothing happened (a 4xx, a refusal).
    pub fn may_have_been_applied(&self) -> bool {
        self.inner.may_have_been_applied
    }
}

/// The error kind an HTTP status implies.
pub fn kind_for_status(status: u16) -> ErrorKind {
    match status {
        401 | 403 => ErrorKind::Unauthorized,
        404 | 410 => ErrorKind::NotFound,
        408 => ErrorKind::Timeout,
        409 => ErrorKind::Conflict,
        400 | 422 => ErrorKind::Rejected,
        429 => ErrorKind::RateLimited,
        500..=599 => ErrorKind::Server,
        _ => ErrorKind::Http,
    }
}

impl fmt::Display for LicenseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        match (inner.provider, inner.operation) {
            (Some(p), Some(o)) => write!(f, "{p} {o}: ")?,
            (Some(p), None) => write!(f, "{p}: ")?,
            (None, Some(o)) => write!(f, "{o}: ")?,
            (None, None) => {}
        }
        f.write_str(&inner.message)?;
        if let Some(http) = &inner.http {
            write!(f, " (HTTP {}", http.status)?;
            if let Some(code) = &http.provider_code {
                write!(f, ", code {code}")?;
            }
            if let Some(id) = &http.request_id {
                write!(f, ", request id {id}")?;
            }
            f.write_str(")")?;
        }
        if inner.attempts > 1 {
            write!(f, " after {} attempts", inner.attempts)?;
        }
        if inner.may_have_been_applied {
            f.write_str("; the request may have been applied")?;
        }
        Ok(())
    }
}

impl fmt::Debug for LicenseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("LicenseError")
            .field("kind", &inner.kind)
            .field("message", &inner.message)
            .field("provider", &inner.provider)
            .field("operation", &inner.operation)
            .field("http", &inner.http)
            .field("may_have_been_applied", &inner.may_have_been_applied)
            .field("attempts", &inner.attempts)
            .field("source", &inner.source)
            .finish()
    }
}

impl StdError for LicenseError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn StdError + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_maps_to_predicates() {
        let e = LicenseError::from_http(HttpDetails::new(404), "gone");
        assert!(e.is_not_found());
        let mut d = HttpDetails::new(429);
        d.retry_after = Some(Duration::from_secs(3));
        let e = LicenseError::from_http(d, "slow down");
        assert!(e.is_rate_limited());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert!(LicenseError::from_http(HttpDetails::new(401), "no").is_unauthorized());
        assert!(LicenseError::from_http(HttpDetails::new(408), "slow").is_timeout());
        assert_eq!(kind_for_status(503), ErrorKind::Server);
        let input = LicenseError::invalid_input("empty key");
        assert!(input.is_invalid_input() && input.is_config());
        assert!(!LicenseError::config("no key").is_invalid_input());
    }

    #[test]
    fn display_names_provider_operation_status_and_application() {
        let mut d = HttpDetails::new(500);
        d.request_id = Some("req_1".into());
        let e = LicenseError::from_http(d, "server error")
            .with_provider("dodo")
            .with_operation("activate")
            .with_attempts(1)
            .with_may_have_been_applied(true);
        assert_eq!(
            e.to_string(),
            "dodo activate: server error (HTTP 500, request id req_1); the request may have been applied"
        );
    }

    #[test]
    fn source_is_kept() {
        let io = std::io::Error::other("boom");
        let e = LicenseError::new(ErrorKind::Network, "failed").with_source(io);
        assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some("boom"));
    }
}
