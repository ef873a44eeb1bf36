//! The one HTTP transport shared by the licensing clients.
//!
//! - a base URL that is always overridable, `https` required except to loopback;
//! - connect, per-attempt and overall timeouts;
//! - retries that are safe: idempotent requests retry transient failures with exponential
//!   backoff and jitter; activations and other non-idempotent requests retry only when they
//!   provably never left, or when the provider asked for a retry with `Retry-After`;
//! - `Retry-After` (seconds or HTTP date) and `retry-after-ms`, waited for up to a cap; a longer
//!   delay returns the answer at once, with the provider's delay;
//! - a response body cap;
//! - the system's proxy, on by default and with a switch, or an explicit proxy; extra root
//!   certificates;
//! - errors that keep status, request id, retry delay and a redacted body, and say whether a
//!   request may have been applied;
//! - the provider's clock: the `Date` of the answers of an observed call
//!   ([`observe_answer_date`]);
//! - a tracing span per request (provider, operation, attempts, status, latency), never bodies or
//!   secrets.
//!
//! ```no_run
//! use keyward_http::{ClientIdentity, HttpClient, HttpOptions, Request};
//! use keyward_core::ApiKey;
//!
//! # async fn run() -> Result<(), keyward_core::LicenseError> {
//! let identity = ClientIdentity { provider: "example", crate_name: "example", crate_version: "0.1.0" };
//! let http = HttpClient::new(identity, "https://api.example.com/v1/", HttpOptions::new())?;
//! let key = ApiKey::new("sk_test_123")?;
//! let body: serde_json::Value = http
//!     .send_json(Request::get("list things", ["things"])?.bearer(&key))
//!     .await?;
//! # let _ = body; Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! - `rustls` (default): TLS through rustls, with aws-lc-rs.
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux, Secure Transport on
//!   macOS, SChannel on Windows). With `default-features = false` it replaces rustls, and no
//!   rustls is built; with both on, the platform's library is used.
//! - `http2`: HTTP/2, offered to servers over TLS (ALPN). Off by default: every provider's API is
//!   served over HTTP/1.1 as well, and HTTP/2 adds about 0.7 MB to a stripped app.
//!
//! With neither TLS feature, only plain `http` works. Every provider crate, the facade and
//! licensectl offer the same three features and forward them here (licensectl turns `http2` on
//! by default).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod answer_date;
mod attempt;
mod base_url;
mod client;
#[doc(hidden)]
pub mod fuzzing;
mod network;
mod options;
mod request;
mod response;
mod retry;
mod scaffold;
mod turns;

pub use answer_date::{answer_date, observe_answer_date};
pub use client::{ClientIdentity, HttpClient, ProviderErrorParser};
/// The redaction path every crate shares (it lives in `keyward-core`).
pub use keyward_core::{
    MAX_ERROR_BODY_CHARS, MAX_ERROR_DETAIL_BYTES, REDACTED, Redactor, blank_secret_values,
    is_secret_field, redact_fields,
};
pub use network::{Proxy, ProxyUrl};
pub use options::{HttpOptions, MAX_CONNECTIONS, RetryPolicy};
pub use request::{Idempotency, Request};
pub use response::Response;
pub use retry::retry_after;
pub use scaffold::{ClientSettings, ProviderClient, ProviderProfile};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
