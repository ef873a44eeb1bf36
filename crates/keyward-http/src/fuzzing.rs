//! Hooks for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver. It only builds a [`Response`] from parts, so that a
//! fuzz target can feed hostile answers through the exact decode and error-capture paths the
//! clients use, without a network.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use keyward_core::Redactor;

/// The header map an [`Answer`] holds (for crates that do not depend on `http`).
pub use http::HeaderMap;

use crate::request::Idempotency;
use crate::response::Response;
use crate::retry::{Attempt, may_have_been_applied};
use crate::scaffold::ProviderProfile;

/// One answer as received, with the request's secret and the moment it arrived.
pub struct Answer<'a> {
    /// The HTTP status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: &'a [u8],
    /// The request's own secret (license key or API key), redacted from everything kept.
    pub secret: &'a str,
    /// When it arrived (a `Retry-After` date is read against it).
    pub now: DateTime<Utc>,
}

impl Answer<'_> {
    /// This answer as the transport hands it to the provider crate of `profile` for
    /// `operation`: named and its error bodies read as that crate's client does.
    pub fn response(&self, profile: &ProviderProfile, operation: &'static str) -> Response {
        let mut redactor = Redactor::default();
        redactor.add(self.secret);
        let retry_after = crate::retry::retry_after(&self.headers, self.now);
        // Judged as the transport judges a state-changing call's answer.
        let attempt = Attempt::Status {
            status: self.status,
            has_retry_after: retry_after.is_some(),
        };
        Response {
            status: self.status,
            retry_after,
            may_have_been_applied: may_have_been_applied(Idempotency::NonIdempotent, attempt),
            headers: self.headers.clone(),
            body: Bytes::copy_from_slice(self.body),
            attempts: 1,
            provider: profile.identity.provider,
            operation,
            redactor,
            error_parser: Arc::new(profile.error_parser),
        }
    }
}
