//! `Keygen-Signature`: the HTTP signature (draft-cavage-http-signatures-08) Keygen puts on every
//! response of an account and on every webhook it sends.
//!
//! The signed text is four lines joined by `\n`, no trailing newline
//! (`app/controllers/concerns/signature_methods.rb`, `generate_signing_data`):
//!
//! ```text
//! (request-target): get /v1/accounts/…/licenses/…?…
//! host: api.keygen.sh
//! date: Sat, 05 Dec 2026 16:31:49 GMT
//! digest: sha-256=<base64 of SHA-256 of the body>
//! ```
//!
//! Threat model: an attacker who controls the network, a proxy, or a local "license server"
//! the app is pointed at, but not the account's private key. Verification binds the answer to
//! the request that was sent (method, path and query, host), to its exact body bytes (the
//! digest), and to a signed time within the allowed drift of the clock (so an old answer cannot
//! be replayed for ever). What it leaves open: an attacker may replay a genuine answer to the
//! same request within the drift window, and a clock the attacker sets can widen that window.

use std::time::Duration;

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use http::HeaderMap;
use keyward_core::LicenseError;
use keyward_http::Response;
use url::Url;

use crate::client::{PROVIDER, Verifier};
use crate::keys::{PublicKey, SigningKey};

/// The response/webhook header holding the signature.
pub const SIGNATURE_HEADER: &str = "keygen-signature";

/// The only signed headers Keygen uses, in its order.
const SIGNED_HEADERS: &str = "(request-target) host date digest";

/// The request a signature is bound to: method, target (path and query as sent) and host
/// (without port, as Rails' `request.host`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    method: String,
    target: String,
    host: String,
}

impl SignedRequest {
    /// A request by its parts: `method` in any case, `target` the path and query as sent
    /// (`/` when empty), `host` without port.
    pub fn new(method: &str, target: &str, host: &str) -> Self {
        let target = if target.is_empty() { "/" } else { target };
        Self {
            method: method.to_ascii_lowercase(),
            target: target.to_owned(),
            host: host.to_owned(),
        }
    }

    /// The request to `url` with `method`.
    pub fn from_url(method: &http::Method, url: &Url) -> Self {
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        Self::new(method.as_str(), &target, url.host_str().unwrap_or_default())
    }

    /// The text Keygen signs for this request, a `date` and a `digest` header value.
    pub fn signing_string(&self, date: &str, digest: &str) -> String {
        format!(
            "(request-target): {} {}\nhost: {}\ndate: {date}\ndigest: {digest}",
            self.method, self.target, self.host
        )
    }
}

/// The `Digest` header value for `body`: `sha-256=` and the base64 of its SHA-256.
pub fn digest_header(body: &[u8]) -> String {
    format!("sha-256={}", STANDARD.encode(digest(&SHA256, body)))
}

/// The `Keygen-Signature` value Keygen sends for `signature` (base64) by `keyid`.
pub fn signature_header(keyid: &str, signature: &str) -> String {
    format!(
        r#"keyid="{keyid}", algorithm="ed25519", signature="{signature}", headers="{SIGNED_HEADERS}""#
    )
}

/// Signs `body` as Keygen does for `request` at `date`: the `Digest` value and the
/// `Keygen-Signature` value (for emulators and tests).
pub fn sign(
    key: &SigningKey,
    keyid: &str,
    request: &SignedRequest,
    date: DateTime<Utc>,
    body: &[u8],
) -> SignedParts {
    let date = http_date(date);
    let digest = digest_header(body);
    let signature = STANDARD.encode(key.sign(request.signing_string(&date, &digest).as_bytes()));
    SignedParts {
        signature: signature_header(keyid, &signature),
        date,
        digest,
    }
}

/// The three header values of a signed message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignedParts {
    /// `Keygen-Signature`.
    pub signature: String,
    /// `Date` and `Keygen-Date`.
    pub date: String,
    /// `Digest` and `Keygen-Digest`.
    pub digest: String,
}

/// An HTTP date (`Sat, 05 Dec 2026 16:31:49 GMT`).
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// The signature, date and digest headers of a response or webhook, as received. `Keygen-Date`
/// and `Keygen-Digest` are read first (a proxy may rewrite `Date`); Keygen sets both pairs to
/// the same values.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignatureHeaders<'a> {
    /// `Keygen-Signature`.
    pub signature: Option<&'a str>,
    /// `Keygen-Date`, else `Date`.
    pub date: Option<&'a str>,
    /// `Keygen-Digest`, else `Digest`.
    pub digest: Option<&'a str>,
}

impl<'a> SignatureHeaders<'a> {
    /// The three headers from a header map.
    pub fn from_headers(headers: &'a HeaderMap) -> Self {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|n| headers.get(*n).and_then(|v| v.to_str().ok()))
        };
        Self {
            signature: get(&[SIGNATURE_HEADER]),
            date: get(&["keygen-date", "date"]),
            digest: get(&["keygen-digest", "digest"]),
        }
    }
}

/// Verifies a signed message: the digest against `body`, the signature against the signing
/// string, then the signed date against `now`. Returns the signed date. Any missing, malformed,
/// wrong or stale part is a signature error; nothing is skipped.
pub fn verify(
    key: &PublicKey,
    request: &SignedRequest,
    headers: SignatureHeaders<'_>,
    body: &[u8],
    now: DateTime<Utc>,
    max_drift: Duration,
) -> Result<DateTime<Utc>, LicenseError> {
    let value = headers
        .signature
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| refused("the Keygen-Signature header is missing"))?;
    let (date, digest_value) = match (headers.date, headers.digest) {
        (Some(date), Some(digest)) => (date.trim(), digest.trim()),
        _ => return Err(refused("the signed Date or Digest header is missing")),
    };
    let params = parse_params(value)?;
    if !params.algorithm.eq_ignore_ascii_case("ed25519") {
        return Err(refused("the signature algorithm is not ed25519"));
    }
    if params.headers != SIGNED_HEADERS {
        return Err(refused(
            "the signature does not cover (request-target) host date digest",
        ));
    }
    if digest_value != digest_header(body) {
        return Err(refused("the Digest does not match the body"));
    }
    let signature = STANDARD
        .decode(params.signature)
        .map_err(|_| refused("the signature is not base64"))?;
    if !key.verifies(
        request.signing_string(date, digest_value).as_bytes(),
        &signature,
    ) {
        return Err(refused("the signature does not match"));
    }
    let signed_at = DateTime::parse_from_rfc2822(date)
        .map_err(|_| refused("the signed Date is not an HTTP date"))?
        .with_timezone(&Utc);
    let drift = chrono::Duration::from_std(max_drift).unwrap_or(chrono::Duration::MAX);
    if (now - signed_at).abs() > drift {
        return Err(refused(
            "the signed Date is too far from the clock (a stale or replayed answer)",
        ));
    }
    Ok(signed_at)
}

/// Verifies a response to `request` with the client's key and clock.
pub(crate) fn verify_response(
    verifier: &Verifier,
    request: &SignedRequest,
    response: &Response,
) -> Result<DateTime<Utc>, LicenseError> {
    verify(
        &verifier.key,
        request,
        SignatureHeaders::from_headers(response.headers()),
        response.body(),
        verifier.clock.now(),
        verifier.max_drift,
    )
}

struct Params<'a> {
    algorithm: &'a str,
    signature: &'a str,
    headers: &'a str,
}

/// Reads `keyid="…", algorithm="…", signature="…", headers="…"` (any order; `headers` defaults
/// to Keygen's set when absent).
fn parse_params(value: &str) -> Result<Params<'_>, LicenseError> {
    let mut algorithm = None;
    let mut signature = None;
    let mut headers = None;
    for part in value.split(',') {
        let Some((name, quoted)) = part.trim().split_once('=') else {
            return Err(refused("the Keygen-Signature header is malformed"));
        };
        let text = quoted
            .strip_prefix('"')
            .and_then(|q| q.strip_suffix('"'))
            .ok_or_else(|| refused("the Keygen-Signature header is malformed"))?;
        match name.trim() {
            "algorithm" => algorithm = Some(text),
            "signature" => signature = Some(text),
            "headers" => headers = Some(text),
            _ => {}
        }
    }
    Ok(Params {
        algorithm: algorithm.ok_or_else(|| refused("the signature names no algorithm"))?,
        signature: signature
            .filter(|s| !s.is_empty())
            .ok_or_else(|| refused("the Keygen-Signature header holds no signature"))?,
        headers: headers.unwrap_or(SIGNED_HEADERS),
    })
}

pub(crate) fn refused(message: &str) -> LicenseError {
    LicenseError::signature(message).with_provider(PROVIDER)
}
