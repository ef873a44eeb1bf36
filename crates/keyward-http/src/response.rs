//! A response, read whole (up to the cap), with ways to decode it or turn it into an error.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::HeaderMap;
use keyward_core::{AttachRaw, HttpDetails, LicenseError, RawJson};
use serde::de::DeserializeOwned;

use crate::client::ProviderErrorParser;
use keyward_core::{MAX_ERROR_BODY_CHARS, MAX_ERROR_DETAIL_BYTES, Redactor, decode_json};

/// Headers that carry a request id, in the order they are looked for.
const REQUEST_ID_HEADERS: &[&str] = &["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"];

/// A complete HTTP response.
#[derive(Clone)]
pub struct Response {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) may_have_been_applied: bool,
    pub(crate) attempts: u32,
    pub(crate) provider: &'static str,
    pub(crate) operation: &'static str,
    pub(crate) redactor: Redactor,
    pub(crate) error_parser: Arc<ProviderErrorParser>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body may echo secrets: only its length is shown.
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .field("request_id", &self.request_id())
            .field("attempts", &self.attempts)
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

impl Response {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Whether the status is 2xx.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body bytes (the exact bytes received: verify signatures over these).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The provider's request id, if it sent one, redacted like a body (a server may echo a
    /// secret the request carried in it) and cut to 128 characters.
    pub fn request_id(&self) -> Option<String> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| self.headers.get(*name).and_then(|v| v.to_str().ok()))
            .map(|id| keyward_core::truncate(&self.redactor.redact(id), 128))
    }

    /// The delay the provider asked for, as sent.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// How many attempts it took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Decodes the body as JSON; a failure names the JSON path and shows a snippet redacted of
    /// this request's secrets, of every secret-looking field of the body and of UUIDs.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, LicenseError> {
        decode_json(&self.body, |s| self.redactor.redact(s)).map_err(|e| self.tag(e))
    }

    /// Decodes the body as a provider model that keeps what was received: one decode, then the
    /// body (shared, not copied) attached as the model's [`RawJson`]. Errors as [`json`](Self::json).
    pub fn model<T: DeserializeOwned + AttachRaw>(&self) -> Result<T, LicenseError> {
        let mut model: T = self.json()?;
        model.attach_raw(RawJson::from_body(self.body.clone()));
        Ok(model)
    }

    /// Redacts this request's secrets from `text`.
    pub fn redact(&self, text: &str) -> String {
        self.redactor.redact(text)
    }

    /// Whether a non-idempotent request may have taken effect, judged from this answer's
    /// status: true for a 2xx (whatever its body) and a 5xx, false for a 4xx.
    pub fn may_have_been_applied(&self) -> bool {
        self.may_have_been_applied
    }

    /// Tags an error about this response with the call's provider, operation and attempts, and
    /// with [`may_have_been_applied`](Self::may_have_been_applied) (an activation answered 2xx
    /// whose body cannot be read still happened). An error that the answer itself proves was
    /// not applied (a verified refusal) sets it back to false.
    pub fn tag(&self, error: LicenseError) -> LicenseError {
        error
            .with_provider(self.provider)
            .with_operation(self.operation)
            .with_attempts(self.attempts)
            .with_may_have_been_applied(self.may_have_been_applied)
    }

    /// The HTTP details of this response: status, request id, retry delay, redacted body and the
    /// provider's error code and message when its error body has them. A body over
    /// [`MAX_ERROR_DETAIL_BYTES`] is neither parsed nor handed to the provider's error parser
    /// (it is shown from its redacted start): an error costs bounded work whatever the body.
    pub fn details(&self) -> HttpDetails {
        let mut details = HttpDetails::new(self.status);
        details.request_id = self.request_id();
        details.retry_after = self.retry_after;
        let whole = self.body.len() <= MAX_ERROR_DETAIL_BYTES;
        if !self.body.is_empty() {
            details.json = if whole {
                self.redactor.redact_json(&self.body)
            } else {
                None
            };
            details.body = Some(match &details.json {
                Some(json) => keyward_core::truncate(&json.to_string(), MAX_ERROR_BODY_CHARS),
                None => self.redactor.redact_body(&self.body),
            });
        }
        let (code, message) = if whole {
            (self.error_parser)(&self.body)
        } else {
            (None, None)
        };
        details.provider_code = code.map(|c| self.redactor.redact(&c));
        details.provider_message = message.map(|m| self.redactor.redact(&m));
        details
    }

    /// This response as an error, its kind chosen from the status.
    pub fn into_error(self) -> LicenseError {
        let details = self.details();
        let message = match &details.provider_message {
            Some(m) => m.clone(),
            None => format!("unexpected HTTP status {}", self.status),
        };
        self.tag(LicenseError::from_http(details, message))
    }

    /// `Ok(self)` for a 2xx status, the error otherwise.
    pub fn error_for_status(self) -> Result<Self, LicenseError> {
        if self.is_success() {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }
}
