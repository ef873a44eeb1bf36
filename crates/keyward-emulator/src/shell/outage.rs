//! Outages an emulator can play, so an app's offline behaviour is tested.

use serde_json::json;
use wiremock::ResponseTemplate;

/// How an emulator fails until [`restore`](crate::Emulator::restore)d.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outage {
    /// Nothing listens on the port: connecting fails with "connection refused".
    Refuse,
    /// Connections are accepted and requests read, but never answered (the client times out).
    Hang,
    /// Every request is answered with this status (a status outside 100–999 answers 500), and
    /// a `Retry-After` header when `retry_after_secs` is set; the body is
    /// `{"message": "Emulated outage"}`.
    Status {
        /// The HTTP status, e.g. 503 or 429.
        status: u16,
        /// The `Retry-After` seconds to send, if any.
        retry_after_secs: Option<u64>,
    },
}

impl Outage {
    /// An outage answering `status` without `Retry-After`.
    pub fn status(status: u16) -> Self {
        Self::Status {
            status,
            retry_after_secs: None,
        }
    }

    /// 429 Too Many Requests, with `Retry-After` when given.
    pub fn too_many_requests(retry_after_secs: Option<u64>) -> Self {
        Self::Status {
            status: 429,
            retry_after_secs,
        }
    }
}

/// The answer of a [`Outage::Status`] outage.
pub(super) fn answer(status: u16, retry_after_secs: Option<u64>) -> ResponseTemplate {
    let status = if (100..=999).contains(&status) {
        status
    } else {
        500
    };
    let answer = ResponseTemplate::new(status).set_body_json(json!({"message": "Emulated outage"}));
    match retry_after_secs {
        Some(secs) => answer.insert_header("retry-after", secs.to_string().as_str()),
        None => answer,
    }
}
