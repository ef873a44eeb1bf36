//! How the emulated Keygen answers: JSON:API errors, pages, webhooks.

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

/// 401 for a route that needs a credential (`authentication.rb`'s
/// `request_http_token_authentication`: `TOKEN_MISSING`).
pub(crate) fn unauthenticated() -> Answer {
    unauthorized("TOKEN_MISSING")
}

/// 401 for a token the account does not hold (`authentication.rb`: `TOKEN_INVALID`).
pub(crate) fn token_invalid() -> Answer {
    unauthorized("TOKEN_INVALID")
}

/// `Keygen::Error::UnauthorizedError` with `code` and no detail of its own
/// (`application_controller.rb`'s `render_unauthorized`).
fn unauthorized(code: &str) -> Answer {
    error(
        401,
        "Unauthorized",
        "You must be authenticated to complete the request",
        Some(code),
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

/// Ruby's `String#to_i`: the leading integer, 0 when there is none.
fn to_i(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse::<i64>().map_or(0, |n| sign * n)
}

/// A 400 of `pagination.rb` (`Keygen::Error::InvalidParameterError`).
fn bad_page(detail: &str, parameter: &str) -> Answer {
    let body = json!({"errors": [{"title": "Bad request", "detail": detail,
        "code": "PARAMETER_INVALID", "source": {"parameter": parameter}}]});
    Answer::Json(400, body)
}

/// One page of `items` as `pagination.rb` cuts it: `limit` (default 10) without `page`, else
/// `page[number]`/`page[size]` with `links` and `meta`, or `page[cursor]`/`page[size]`; the
/// bounds of `pageable.rb` and `limitable.rb` (1 to 100) and a UUID cursor, else 400.
pub(crate) fn page(request: &Request, path: &str, items: Vec<(String, Value)>) -> Answer {
    let query = support::query(request);
    let mut page_keys = query.keys().filter(|k| k.starts_with("page"));
    if page_keys.any(|k| !matches!(k.as_str(), "page[number]" | "page[size]" | "page[cursor]"))
        || (query.contains_key("page[size]")
            && !query.contains_key("page[number]")
            && !query.contains_key("page[cursor]"))
    {
        return bad_page(
            "page must be an object containing a cursor or number and optional size",
            "page",
        );
    }
    let limit = query.get("limit").map_or(10, |l| to_i(l));
    let size = query.get("page[size]").map_or(limit, |s| to_i(s));
    let number = query.get("page[number]").map(|n| to_i(n));
    let cursor = query.get("page[cursor]");
    if let Some(n) = number.filter(|n| !(1..=100).contains(n)) {
        return bad_page(
            &format!("page number must be a number between 1 and 100 (got {n})"),
            "page[number]",
        );
    }
    if cursor.is_some_and(|c| !c.is_empty() && uuid::Uuid::try_parse(c).is_err()) {
        return bad_page(
            &format!(
                "page cursor must be a valid UUID (got {:?})",
                cursor.map_or("", |c| c)
            ),
            "page[cursor]",
        );
    }
    if (number.is_some() || cursor.is_some()) && !(1..=100).contains(&size) {
        return bad_page(
            &format!("page size must be a number between 1 and 100 (got {size})"),
            "page[size]",
        );
    }
    if number.is_none() && cursor.is_none() && !(1..=100).contains(&limit) {
        return bad_page(
            &format!("limit must be a number between 1 and 100 (got {limit})"),
            "limit",
        );
    }
    let number = number.and_then(|n| u64::try_from(n).ok());
    let size = u64::try_from(size).unwrap_or(10);
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
    let limit = usize::try_from(limit).unwrap_or(10);
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
