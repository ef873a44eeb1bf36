//! DevPayr's error bodies, read in one place, and the typed reason kept on every error.
//!
//! The [`LicenseError`] of a failed call keeps a [`DevPayrError`] as its source: get it with
//! [`devpayr_error`]. State-rule refusals (revoke a non-active license, reactivate a non-revoked
//! or expired one, delete a license of another project) are marked as conflicts
//! ([`LicenseError::is_conflict`]), never as auth failures.

use std::collections::BTreeMap;
use std::error::Error as StdError;
use std::fmt;

use keyward_core::{ErrorKind, LicenseError};
use keyward_http::Response;
use serde::Deserialize;
use serde_json::Value;

/// What a DevPayr error was about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorReason {
    /// 401: the `X-API-KEY` header is missing (or the client has no API key).
    MissingApiKey,
    /// 403: the API key is invalid or expired.
    InvalidApiKey,
    /// 403: the key may not manage this project (scoped to another project, or not the owner).
    ProjectAccessDenied,
    /// 404: the project or record does not exist (a license of another project, for show).
    NotFound,
    /// 403: revoke needs an active license.
    LicenseNotActive,
    /// 403: reactivate needs a revoked license.
    LicenseNotRevoked,
    /// 403: an expired license cannot be reactivated.
    LicenseExpired,
    /// 403 (revoke, reactivate) or 422 (delete): the license is not in this project, or not the
    /// key owner's.
    LicenseNotInProject,
    /// 422: the request failed validation; see [`DevPayrError::field_errors`].
    Validation,
    /// 400 on has-paid: the server could not work out the domain (send one).
    DomainUndetermined,
    /// 403 on the API-key has-paid: the domain is not registered under the project.
    DomainNotRegistered,
    /// 401 on a license-key call: no license key reached DevPayr.
    MissingLicenseKey,
    /// 403 on a license-key call (the injectable stream): the license is unknown, revoked,
    /// expired or not allowed here. (The has-paid check answers this as a denial instead.)
    LicenseRefused,
    /// 429: rate limited.
    RateLimited,
    /// Anything else (see the status and message).
    Other,
}

/// DevPayr's account of a failed call: the reason, the message and, for validation failures,
/// the field errors (all redacted of the call's secrets).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DevPayrError {
    /// What it was about.
    pub reason: ErrorReason,
    /// The HTTP status.
    pub status: u16,
    /// DevPayr's message.
    pub message: Option<String>,
    /// Field errors (`{"title": ["The title has already been taken."]}`).
    pub field_errors: BTreeMap<String, Vec<String>>,
}

impl fmt::Display for DevPayrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DevPayr refused the request ({:?}, HTTP {})",
            self.reason, self.status
        )?;
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        Ok(())
    }
}

impl StdError for DevPayrError {}

/// The DevPayr details of an error returned by this crate, when a response arrived.
pub fn devpayr_error(error: &LicenseError) -> Option<&DevPayrError> {
    error.source()?.downcast_ref::<DevPayrError>()
}

/// The reason of an error returned by this crate, when a response arrived.
pub fn error_reason(error: &LicenseError) -> Option<ErrorReason> {
    devpayr_error(error).map(|e| e.reason)
}

/// Which call answered, to read its 400/403/422 right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Call {
    Other,
    Revoke,
    Reactivate,
    Delete,
    HasPaid,
    ProjectHasPaid,
    /// Another call authenticated with the license key (the injectable stream).
    LicenseKey,
}

/// The optional members of any DevPayr error body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub(crate) message: Option<Value>,
    #[serde(default)]
    pub(crate) errors: Option<Value>,
}

impl ErrorBody {
    /// Reads an error body; anything that is not a JSON object, or is over
    /// [`MAX_ERROR_DETAIL_BYTES`](keyward_core::MAX_ERROR_DETAIL_BYTES) (an error costs bounded
    /// work), gives an empty body.
    pub(crate) fn parse(bytes: &[u8]) -> Self {
        if bytes.len() > keyward_core::MAX_ERROR_DETAIL_BYTES {
            return Self::default();
        }
        serde_json::from_slice(bytes).unwrap_or_default()
    }

    pub(crate) fn message(&self) -> Option<String> {
        match &self.message {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            _ => None,
        }
    }

    fn field_errors(&self) -> BTreeMap<String, Vec<String>> {
        let Some(Value::Object(map)) = &self.errors else {
            return BTreeMap::new();
        };
        map.iter()
            .map(|(field, value)| {
                let messages = match value {
                    Value::Array(items) => items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect(),
                    Value::String(s) => vec![s.clone()],
                    other => vec![other.to_string()],
                };
                (field.clone(), messages)
            })
            .collect()
    }
}

/// The error parser given to the shared transport: DevPayr has no error codes, only `message`.
pub(crate) fn parse_error_body(bytes: &[u8]) -> (Option<String>, Option<String>) {
    (None, ErrorBody::parse(bytes).message())
}

/// Whether a message is about the API key or project access rather than a state rule.
fn is_auth_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "api key",
        "api-key",
        "unauthori",
        "unauthenticated",
        "forbidden",
        "permission",
        "owner",
        "scope",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// Turns a non-2xx response into the typed error.
pub(crate) fn from_response(response: Response, call: Call) -> LicenseError {
    let status = response.status();
    let body = ErrorBody::parse(response.body());
    let message = body.message().map(|m| response.redact(&m));
    let field_errors = body
        .field_errors()
        .into_iter()
        .map(|(k, v)| (k, v.iter().map(|m| response.redact(m)).collect()))
        .collect();
    let text = message.as_deref().unwrap_or("");
    let auth = is_auth_message(text);
    let (reason, kind) = match (status, call) {
        (401, Call::HasPaid | Call::LicenseKey) => (ErrorReason::MissingLicenseKey, None),
        (403, Call::HasPaid | Call::LicenseKey) => (ErrorReason::LicenseRefused, None),
        (401, _) => (ErrorReason::MissingApiKey, None),
        (403, _)
            if text
                .to_ascii_lowercase()
                .contains("invalid or expired api key") =>
        {
            (ErrorReason::InvalidApiKey, None)
        }
        (403, Call::Revoke) if !auth => state(text, ErrorReason::LicenseNotActive),
        (403, Call::Reactivate) if !auth => {
            let fallback = if text.to_ascii_lowercase().contains("expire") {
                ErrorReason::LicenseExpired
            } else {
                ErrorReason::LicenseNotRevoked
            };
            state(text, fallback)
        }
        (403, Call::ProjectHasPaid) if !auth => {
            (ErrorReason::DomainNotRegistered, Some(ErrorKind::Rejected))
        }
        (403, _) => (ErrorReason::ProjectAccessDenied, None),
        (404, _) => (ErrorReason::NotFound, None),
        (422, Call::Delete) => (ErrorReason::LicenseNotInProject, Some(ErrorKind::Conflict)),
        (422, _) => (ErrorReason::Validation, None),
        (400, Call::HasPaid | Call::ProjectHasPaid) => (ErrorReason::DomainUndetermined, None),
        (429, _) => (ErrorReason::RateLimited, None),
        _ => (ErrorReason::Other, None),
    };
    let details = DevPayrError {
        reason,
        status,
        message,
        field_errors,
    };
    let error = response.into_error().with_source(details);
    match kind {
        Some(kind) => error.with_kind(kind),
        None => error,
    }
}

/// A 403 state refusal of revoke/reactivate: a conflict, or "not in this project" when the
/// message says so.
fn state(message: &str, fallback: ErrorReason) -> (ErrorReason, Option<ErrorKind>) {
    let m = message.to_ascii_lowercase();
    let reason = if m.contains("project") || m.contains("belong") {
        ErrorReason::LicenseNotInProject
    } else {
        fallback
    };
    (reason, Some(ErrorKind::Conflict))
}
