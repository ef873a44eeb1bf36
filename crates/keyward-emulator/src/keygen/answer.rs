//! How the emulated Keygen answers: the request's caller, JSON:API errors, pages, webhooks.

use serde_json::{Value, json};
use uuid::Uuid;
use wiremock::Request;

use super::state::{State, timestamp};
use crate::shell::Outgoing;
use crate::support;

/// An answer before it is signed.
pub(crate) enum Answer {
    /// A JSON:API document.
    Json(u16, Value),
    /// No body (204).
    Empty(u16),
    /// A certificate (`application/octet-stream`).
    Raw(u16, String, String),
}

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// No credential.
    Anonymous,
    /// The admin token.
    Admin,
    /// A license key: the license's id.
    License(String),
}

impl Caller {
    /// Whether the caller may act on license `id`.
    pub(crate) fn owns(&self, license_id: &str) -> bool {
        match self {
            Caller::Admin => true,
            Caller::License(id) => id == license_id,
            Caller::Anonymous => false,
        }
    }
}

/// The caller, or the 401 an unknown credential gets (`authentication.rb`).
pub(crate) fn caller(state: &State, request: &Request) -> Result<Caller, Answer> {
    let Some(auth) = support::header(request, "authorization") else {
        return Ok(Caller::Anonymous);
    };
    if let Some(token) = auth.strip_prefix("Bearer ") {
        return if token == state.token {
            Ok(Caller::Admin)
        } else {
            Err(error(
                401,
                "Unauthorized",
                "Token is invalid",
                Some("TOKEN_INVALID"),
                None,
            ))
        };
    }
    if let Some(key) = auth.strip_prefix("License ") {
        return match state.licenses.iter().find(|l| l.key == key) {
            Some(license) => Ok(Caller::License(license.id.clone())),
            None => Err(error(
                401,
                "Unauthorized",
                "License key is invalid",
                Some("LICENSE_INVALID"),
                None,
            )),
        };
    }
    Err(error(
        401,
        "Unauthorized",
        "Token format is invalid",
        Some("TOKEN_FORMAT_INVALID"),
        None,
    ))
}

/// A JSON:API error document.
pub(crate) fn error(
    status: u16,
    title: &str,
    detail: &str,
    code: Option<&str>,
    pointer: Option<&str>,
) -> Answer {
    let mut error = json!({"title": title, "detail": detail});
    if let Some(code) = code {
        error["code"] = json!(code);
    }
    if let Some(pointer) = pointer {
        error["source"] = json!({"pointer": pointer});
    }
    Answer::Json(status, json!({"errors": [error]}))
}

/// 401 for a route that needs a credential.
pub(crate) fn unauthenticated() -> Answer {
    error(
        401,
        "Unauthorized",
        "You must be authenticated to complete the request",
        None,
        None,
    )
}

/// 403 for a caller that may not act on the resource.
pub(crate) fn forbidden() -> Answer {
    error(
        403,
        "Access denied",
        "You do not have permission to complete the request",
        None,
        None,
    )
}

/// 404 for an unknown resource (`The requested license 'x' was not found`).
pub(crate) fn not_found(kind: &str, id: &str) -> Answer {
    error(
        404,
        "Not found",
        &format!("The requested {kind} '{id}' was not found"),
        Some("NOT_FOUND"),
        None,
    )
}

/// 422 for a refused change.
pub(crate) fn unprocessable(detail: &str, code: Option<&str>, pointer: &str) -> Answer {
    error(422, "Unprocessable resource", detail, code, Some(pointer))
}

/// One page of `items` as `pagination.rb` cuts it: `limit` (default 10) without `page`, else
/// `page[number]`/`page[size]` with `links` and `meta`, or `page[cursor]`/`page[size]`.
pub(crate) fn page(request: &Request, path: &str, items: Vec<(String, Value)>) -> Answer {
    let query = support::query(request);
    let number: Option<u64> = query.get("page[number]").and_then(|n| n.parse().ok());
    let size: u64 = query
        .get("page[size]")
        .and_then(|n| n.parse().ok())
        .unwrap_or(10);
    let cursor = query.get("page[cursor]");
    if !(1..=100).contains(&size) || number == Some(0) {
        return error(
            400,
            "Bad request",
            "page must be an object containing a cursor or number and optional size",
            Some("PARAMETER_INVALID"),
            None,
        );
    }
    let data = |slice: &[(String, Value)]| slice.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let size_usize = usize::try_from(size).unwrap_or(usize::MAX);
    if let Some(number) = number {
        let pages = (items.len() as u64).div_ceil(size).max(1);
        let start = usize::try_from((number - 1) * size)
            .unwrap_or(usize::MAX)
            .min(items.len());
        let end = start.saturating_add(size_usize).min(items.len());
        let link = |n: u64| format!("{path}?page[number]={n}&page[size]={size}");
        let links = json!({
            "self": link(number), "first": link(1), "last": link(pages),
            "prev": (number > 1).then(|| link(number - 1)),
            "next": (number < pages).then(|| link(number + 1)),
            "meta": {"pages": pages, "count": items.len()},
        });
        return Answer::Json(
            200,
            json!({"data": data(&items[start..end]), "links": links}),
        );
    }
    if let Some(cursor) = cursor {
        let start = if cursor.is_empty() {
            0
        } else {
            items
                .iter()
                .position(|(id, _)| id == cursor)
                .map_or(items.len(), |i| i + 1)
        };
        let end = start.saturating_add(size_usize).min(items.len());
        let next = (end < items.len())
            .then(|| format!("{path}?page[cursor]={}&page[size]={size}", items[end - 1].0));
        let links = json!({"self": format!("{path}?page[cursor]={cursor}&page[size]={size}"), "next": next});
        return Answer::Json(
            200,
            json!({"data": data(&items[start..end]), "links": links}),
        );
    }
    let limit = query
        .get("limit")
        .and_then(|n| n.parse().ok())
        .unwrap_or(10usize)
        .min(100);
    Answer::Json(
        200,
        json!({"data": data(&items[..limit.min(items.len())]), "links": {}}),
    )
}

impl State {
    /// Queues a webhook `event` about `resource` (a JSON:API document, sent as the JSON string
    /// `payload`), when a target is set.
    pub(crate) fn emit(&mut self, event: &str, resource: Value) {
        if !self.outbox.recording() {
            return;
        }
        let now = self.now();
        let id = Uuid::new_v4().to_string();
        let body = json!({
            "data": {
                "id": id, "type": "webhook-events",
                "attributes": {
                    "endpoint": null, "apiVersion": "1.7", "event": event,
                    "payload": json!({"data": resource}).to_string(), "status": "DELIVERING",
                    "lastResponseCode": null, "lastResponseBody": null,
                    "created": timestamp(now), "updated": timestamp(now),
                },
            },
            "meta": {"idempotencyToken": Uuid::new_v4().to_string()},
        });
        self.outbox.push(Outgoing {
            event_type: event.to_owned(),
            id,
            body: body.to_string().into_bytes(),
            occurred_at: now,
        });
    }
}
