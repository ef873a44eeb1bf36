//! One request, described independently of the client that sends it.

use std::fmt;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method};
use keyward_core::{ApiKey, LicenseError, Redactor, SecretLicenseKey};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde::Serialize;

/// What `url` percent-encodes in a path segment of an `http(s)` URL (its `SPECIAL_PATH_SEGMENT`).
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`')
    .add(b'#')
    .add(b'?')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%')
    .add(b'\\');

/// Whether sending a request twice has the same effect as sending it once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idempotency {
    /// Safe to repeat: retried on transient failures.
    Idempotent,
    /// Not safe to repeat (activate, deactivate, create): retried only when it provably never left.
    NonIdempotent,
}

/// How a request authenticates.
#[derive(Clone)]
pub(crate) enum Auth {
    Bearer(ApiKey),
    Header(HeaderName, ApiKey),
}

/// A request body.
#[derive(Clone)]
pub(crate) enum Body {
    Empty,
    Bytes {
        content_type: &'static str,
        /// Shared, so that each attempt sends it without a copy.
        bytes: Bytes,
    },
}

/// A request to send with [`HttpClient::send`](crate::HttpClient::send).
///
/// The path is given as segments, each percent-encoded, so an id can never change the route.
///
/// ```
/// use keyward_http::Request;
///
/// let request = Request::get("retrieve license key", ["license_keys", "lic_123"])
///     .unwrap()
///     .query("include", "instances");
/// # let _ = request;
/// ```
#[derive(Clone)]
pub struct Request(pub(crate) Box<Parts>);

/// What a [`Request`] holds, in one allocation: a request is held by every layer of a call's
/// future (the provider's call, its helpers, the transport), each of which would otherwise hold
/// its 264 bytes, and a call's future is boxed behind a `dyn` provider.
#[derive(Clone)]
pub(crate) struct Parts {
    pub(crate) method: Method,
    pub(crate) operation: &'static str,
    /// The path below the base URL: `/` and a percent-encoded segment for each segment given.
    pub(crate) path: String,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) body: Body,
    pub(crate) auth: Option<Auth>,
    pub(crate) idempotency: Idempotency,
    pub(crate) redactor: Redactor,
    /// Why the request cannot be sent (a bad header name given to a builder step that cannot
    /// fail); reported by `send` before anything leaves.
    pub(crate) unsendable: Option<String>,
    /// Whether the path ends in `/` (`/v1/license-keys/`), for APIs whose routes do.
    pub(crate) trailing_slash: bool,
}

impl Request {
    /// A request with this method; GET, HEAD, PUT and DELETE are idempotent, POST and PATCH not.
    ///
    /// Fails when a segment is empty, `.` or `..`.
    pub fn new<I, S>(
        method: Method,
        operation: &'static str,
        segments: I,
    ) -> Result<Self, LicenseError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        // Each segment percent-encoded as `url` encodes a path segment, here rather than by
        // `path_segments_mut`, whose parser drops tabs and newlines: an id `x\n` (a Keygen
        // fingerprint may end in one) would be sent as `x`, another resource. Encoded once, into
        // one string: a request is built for every call.
        let mut path = String::new();
        for segment in segments {
            let segment = segment.as_ref();
            if segment.is_empty() || segment == "." || segment == ".." {
                return Err(LicenseError::invalid_input(format!(
                    "{operation}: path segment {segment:?} is not allowed (empty ids cannot be sent)"
                )));
            }
            path.reserve(segment.len() + 1);
            path.push('/');
            path.extend(utf8_percent_encode(segment, PATH_SEGMENT));
        }
        let idempotency = if matches!(method, Method::POST | Method::PATCH) {
            Idempotency::NonIdempotent
        } else {
            Idempotency::Idempotent
        };
        Ok(Self(Box::new(Parts {
            method,
            operation,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::Empty,
            auth: None,
            idempotency,
            redactor: Redactor::default(),
            unsendable: None,
            trailing_slash: false,
        })))
    }

    /// Ends the path in `/`, for routes declared that way (Polar's `/v1/license-keys/`); the
    /// segments stay non-empty.
    pub fn trailing_slash(mut self) -> Self {
        self.0.trailing_slash = true;
        self
    }

    /// A GET request.
    pub fn get<I: IntoIterator<Item = S>, S: AsRef<str>>(
        operation: &'static str,
        segments: I,
    ) -> Result<Self, LicenseError> {
        Self::new(Method::GET, operation, segments)
    }

    /// A POST request (non-idempotent unless marked otherwise).
    pub fn post<I: IntoIterator<Item = S>, S: AsRef<str>>(
        operation: &'static str,
        segments: I,
    ) -> Result<Self, LicenseError> {
        Self::new(Method::POST, operation, segments)
    }

    /// A PATCH request (non-idempotent unless marked otherwise).
    pub fn patch<I: IntoIterator<Item = S>, S: AsRef<str>>(
        operation: &'static str,
        segments: I,
    ) -> Result<Self, LicenseError> {
        Self::new(Method::PATCH, operation, segments)
    }

    /// A PUT request.
    pub fn put<I: IntoIterator<Item = S>, S: AsRef<str>>(
        operation: &'static str,
        segments: I,
    ) -> Result<Self, LicenseError> {
        Self::new(Method::PUT, operation, segments)
    }

    /// A DELETE request.
    pub fn delete<I: IntoIterator<Item = S>, S: AsRef<str>>(
        operation: &'static str,
        segments: I,
    ) -> Result<Self, LicenseError> {
        Self::new(Method::DELETE, operation, segments)
    }

    /// The operation name, as used in errors and traces.
    pub fn operation(&self) -> &'static str {
        self.0.operation
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.0.method
    }

    /// Whether the request may be repeated.
    pub fn idempotency(&self) -> Idempotency {
        self.0.idempotency
    }

    /// Overrides the idempotency the method implies (a read-only POST, or a PATCH that sets
    /// absolute values, is safe to repeat).
    #[must_use]
    pub fn idempotency_override(mut self, idempotency: Idempotency) -> Self {
        self.0.idempotency = idempotency;
        self
    }

    /// Adds a query parameter.
    #[must_use]
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.query.push((name.into(), value.into()));
        self
    }

    /// Adds a query parameter when there is a value.
    #[must_use]
    pub fn query_opt<V: ToString>(self, name: impl Into<String>, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v.to_string()),
            None => self,
        }
    }

    /// Adds a query parameter whose value is a secret: it is redacted from everything kept.
    #[must_use]
    pub fn secret_query(mut self, name: impl Into<String>, value: &str) -> Self {
        self.0.redactor.add(value);
        self.query(name, value)
    }

    /// Adds a header (any case: `X-Devpayr-Domain` is sent as `x-devpayr-domain`). Fails on a
    /// name or value that is not valid in a header.
    pub fn header(self, name: &'static str, value: &str) -> Result<Self, LicenseError> {
        let name = self.header_name(name)?;
        self.header_named(name, value)
    }

    /// [`header`](Self::header) with a name parsed already.
    fn header_named(mut self, name: HeaderName, value: &str) -> Result<Self, LicenseError> {
        let value = HeaderValue::from_str(value).map_err(|_| {
            LicenseError::invalid_input(format!(
                "{}: invalid value for header {name}",
                self.0.operation
            ))
        })?;
        self.0.headers.push((name, value));
        Ok(self)
    }

    /// A header name in any case; an invalid one is an input error, never a panic.
    fn header_name(&self, name: &str) -> Result<HeaderName, LicenseError> {
        HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            LicenseError::invalid_input(format!(
                "{}: {name:?} is not a valid header name",
                self.0.operation
            ))
        })
    }

    /// Adds a header that carries a license key (`X-LICENSE-KEY`); never logged, redacted from
    /// anything kept.
    pub fn license_key_header(
        mut self,
        name: &'static str,
        key: &SecretLicenseKey,
    ) -> Result<Self, LicenseError> {
        self.0.redactor.add_key(key);
        let name = self.header_name(name)?;
        let mut value = HeaderValue::from_str(key.expose()).map_err(|_| {
            LicenseError::invalid_input(format!(
                "{}: the license key cannot be sent in a header",
                self.0.operation
            ))
        })?;
        value.set_sensitive(true);
        self.0.headers.push((name, value));
        Ok(self)
    }

    /// Sends `Authorization: Bearer <key>`.
    #[must_use]
    pub fn bearer(mut self, key: &ApiKey) -> Self {
        self.0.redactor.add_api_key(key);
        self.0.auth = Some(Auth::Bearer(key.clone()));
        self
    }

    /// Sends the API key in a header of its own (`X-API-KEY`, any case). An invalid name makes
    /// [`send`](crate::HttpClient::send) fail with an input error before anything is sent.
    #[must_use]
    pub fn api_key_header(mut self, name: &'static str, key: &ApiKey) -> Self {
        self.0.redactor.add_api_key(key);
        match self.header_name(name) {
            Ok(name) => self.0.auth = Some(Auth::Header(name, key.clone())),
            Err(e) => self.0.unsendable = Some(e.message().to_owned()),
        }
        self
    }

    /// Marks a value as secret: it is redacted from error bodies and decode errors.
    #[must_use]
    pub fn redact(mut self, secret: &str) -> Self {
        self.0.redactor.add(secret);
        self
    }

    /// Marks a license key as secret (as [`redact`](Self::redact) does), sharing it rather than
    /// copying it.
    #[must_use]
    pub fn redact_key(mut self, key: &SecretLicenseKey) -> Self {
        self.0.redactor.add_key(key);
        self
    }

    /// A JSON body (`application/json`).
    pub fn json<T: Serialize + ?Sized>(self, body: &T) -> Result<Self, LicenseError> {
        self.json_as("application/json", body)
    }

    /// A JSON body with another content type (`application/vnd.api+json`).
    pub fn json_as<T: Serialize + ?Sized>(
        mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<Self, LicenseError> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            LicenseError::invalid_input(format!(
                "{}: the body cannot be encoded: {e}",
                self.0.operation
            ))
        })?;
        self.0.body = Body::Bytes {
            content_type,
            bytes: Bytes::from(bytes),
        };
        Ok(self)
    }

    /// A form body (`application/x-www-form-urlencoded`).
    pub fn form<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, LicenseError> {
        let text = serde_urlencoded::to_string(body).map_err(|e| {
            LicenseError::invalid_input(format!(
                "{}: the form cannot be encoded: {e}",
                self.0.operation
            ))
        })?;
        self.0.body = Body::Bytes {
            content_type: "application/x-www-form-urlencoded",
            bytes: Bytes::from(text),
        };
        Ok(self)
    }

    /// Sets the `Accept` header.
    pub fn accept(mut self, media_type: &'static str) -> Result<Self, LicenseError> {
        let Some(value) = static_value(media_type) else {
            return Err(LicenseError::invalid_input(format!(
                "{}: invalid value for header accept",
                self.0.operation
            )));
        };
        self.0.headers.push((http::header::ACCEPT, value));
        Ok(self)
    }
}

/// A header value from static text, without copying it when it is plain visible ASCII (every
/// media type this workspace sends); `None` when it is not a valid header value.
pub(crate) fn static_value(text: &'static str) -> Option<HeaderValue> {
    let visible = text.bytes().all(|b| b == b'\t' || (32..127).contains(&b));
    if visible {
        Some(HeaderValue::from_static(text))
    } else {
        HeaderValue::from_str(text).ok()
    }
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.0.method)
            .field("operation", &self.0.operation)
            .field("path", &self.0.path)
            .field(
                "query",
                &self.0.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("idempotency", &self.0.idempotency)
            .finish_non_exhaustive()
    }
}
