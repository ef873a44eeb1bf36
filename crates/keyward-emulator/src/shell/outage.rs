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

/// A fault on some requests only: every `every`-th request with this method and path is
/// answered with `status` (and `Retry-After` when set), the others as usual. Where an outage
/// stops everything, faults play the scattered failures of a long batch job (1 % of creates
/// answered 503, a 429 now and then). Added with [`add_fault`](crate::Emulator::add_fault),
/// cleared by [`restore`](crate::Emulator::restore).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Fault {
    /// The method it applies to, e.g. `POST`.
    pub method: String,
    /// The URL path it applies to, from the server's root, e.g. `/license_keys`.
    pub path: String,
    /// Every how many matching requests one is failed (0 or 1: every one).
    pub every: u64,
    /// The status answered.
    pub status: u16,
    /// The `Retry-After` seconds to send, if any.
    pub retry_after_secs: Option<u64>,
    /// Whether the request changes the state before the fault is answered (the answer is lost
    /// on the way back, as a gateway timing out after the write would); otherwise it is not
    /// applied at all.
    pub after_applying: bool,
}

impl Fault {
    /// Every `every`-th `method` request to `path` answered with `status`, not applied.
    pub fn every(every: u64, method: &str, path: &str, status: u16) -> Self {
        Self {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            every,
            status,
            retry_after_secs: None,
            after_applying: false,
        }
    }

    /// Sends `Retry-After: secs` with the fault.
    #[must_use]
    pub fn retry_after(mut self, secs: u64) -> Self {
        self.retry_after_secs = Some(secs);
        self
    }

    /// Applies the request to the state first: the change is made, the answer is the fault.
    #[must_use]
    pub fn after_applying(mut self) -> Self {
        self.after_applying = true;
        self
    }

    /// Whether `method` and `path` are this fault's.
    pub(super) fn matches(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }

    /// Whether the `seen`-th matching request (counting from 1) is failed.
    pub(super) fn strikes(&self, seen: u64) -> bool {
        seen.is_multiple_of(self.every.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_strikes_every_nth_matching_request() {
        let fault = Fault::every(3, "post", "/license_keys", 503);
        assert!(fault.matches("POST", "/license_keys"));
        assert!(!fault.matches("GET", "/license_keys") && !fault.matches("POST", "/x"));
        let struck: Vec<u64> = (1..=9).filter(|n| fault.strikes(*n)).collect();
        assert_eq!(struck, [3, 6, 9]);
        assert!((1..=4).all(|n| Fault::every(0, "GET", "/", 500).strikes(n)));
    }
}
