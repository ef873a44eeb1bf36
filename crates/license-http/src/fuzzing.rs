//! Hooks for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver. It only builds a [`Response`] from parts, so that a
//! fuzz target can feed hostile bodies through the exact decode and error-capture paths the
//! clients use, without a network.

use std::sync::Arc;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use license_core::Redactor;

/// The header map a [`response`] takes (for crates that do not depend on `http`).
pub use http::HeaderMap;

use crate::client::ProviderErrorParser;
use crate::response::Response;

/// A response as the transport hands it to a provider crate: `status`, `headers` and `body` as
/// received, `secrets` the request's own secrets (redacted from everything kept of the answer),
/// the provider's error parser, and the `Retry-After` delay read from `headers` at `now`.
#[allow(clippy::too_many_arguments)]
pub fn response(
    provider: &'static str,
    operation: &'static str,
    status: u16,
    headers: HeaderMap,
    body: &[u8],
    secrets: &[&str],
    error_parser: Arc<ProviderErrorParser>,
    now: DateTime<Utc>,
) -> Response {
    let mut redactor = Redactor::default();
    for secret in secrets {
        redactor.add(secret);
    }
    Response {
        status,
        retry_after: crate::retry::retry_after(&headers, now),
        may_have_been_applied: (200..300).contains(&status) || status >= 500,
        headers,
        body: Bytes::copy_from_slice(body),
        attempts: 1,
        provider,
        operation,
        redactor,
        error_parser,
    }
}
