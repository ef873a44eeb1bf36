//! What the HTTP exchange said, kept on errors that came from a response.

use std::fmt;
use std::time::Duration;

/// What the HTTP exchange said, kept on errors that came from a response. `Debug` shows the
/// parsed body's presence only (it can be as large as the body cap).
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpDetails {
    /// The HTTP status code.
    pub status: u16,
    /// The provider's request id header, if it sent one.
    pub request_id: Option<String>,
    /// The delay the provider asked for (`Retry-After` / `retry-after-ms`), as sent.
    pub retry_after: Option<Duration>,
    /// The start of the response body, with known secrets redacted, for display.
    pub body: Option<String>,
    /// The whole response body when it is JSON of at most
    /// [`MAX_ERROR_DETAIL_BYTES`](crate::MAX_ERROR_DETAIL_BYTES), parsed, with the same secrets
    /// redacted: read provider details from this, never from the cut `body` text.
    pub json: Option<serde_json::Value>,
    /// The provider's machine-readable error code, if its error body has one.
    pub provider_code: Option<String>,
    /// The provider's human-readable error message, if its error body has one.
    pub provider_message: Option<String>,
}

impl fmt::Debug for HttpDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpDetails")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("retry_after", &self.retry_after)
            .field("body", &self.body)
            .field("json", &self.json.as_ref().map(|_| "…"))
            .field("provider_code", &self.provider_code)
            .field("provider_message", &self.provider_message)
            .finish()
    }
}

impl HttpDetails {
    /// Details for a response with this status.
    pub fn new(status: u16) -> Self {
        Self {
            status,
            ..Self::default()
        }
    }
}
