//! Webhooks: the same `Keygen-Signature` scheme as responses, computed by Keygen for the POST it
//! sends (`app/workers/webhook_worker.rb`): method `post`, the endpoint URL's path (and query) and
//! host. The body is a `webhook-events` document whose `payload` is the resource as a JSON string.

use std::time::Duration;

use chrono::{DateTime, Utc};
use http::HeaderMap;
use keyward_core::{LicenseError, RawJson, decode_json};
use serde::Deserialize;
use serde_json::Value;

use crate::client::PROVIDER;
use crate::keys::PublicKey;
use crate::signatures::{SignatureHeaders, SignedRequest, verify};

/// A webhook event, read after its signature verified.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event id.
    pub id: String,
    /// The attributes.
    pub attributes: WebhookEventAttributes,
    /// The body, as received.
    #[serde(skip)]
    pub raw: RawJson,
}

/// The attributes of a `webhook-events` resource.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookEventAttributes {
    /// `license.created`, `machine.deleted`, …
    pub event: String,
    /// The resource document, as the JSON string Keygen sends.
    #[serde(default, deserialize_with = "keyward_core::de::string_or_empty")]
    pub payload: String,
    /// The API version of the payload.
    #[serde(default)]
    pub api_version: Option<String>,
    /// When Keygen recorded the event (the same for every retry of it).
    #[serde(default, deserialize_with = "keyward_core::de::opt_rfc3339")]
    pub created: Option<DateTime<Utc>>,
}

impl WebhookEvent {
    /// Reads a delivery's body **without** checking its signature: only for a body verified
    /// already (see [`verify_and_parse`]).
    pub fn parse_unverified(body: &[u8]) -> Result<Self, LicenseError> {
        #[derive(Deserialize)]
        struct Body {
            data: WebhookEvent,
        }
        let Body { mut data } =
            decode_json(body, keyward_core::mask_uuids).map_err(|e| e.with_provider(PROVIDER))?;
        data.raw = RawJson::from_body(bytes::Bytes::copy_from_slice(body));
        Ok(data)
    }

    /// `meta.idempotencyToken`: the same for every attempt at one event (for de-duplication).
    pub fn idempotency_token(&self) -> Option<String> {
        self.raw.to_value()["meta"]["idempotencyToken"]
            .as_str()
            .map(str::to_owned)
    }

    /// The payload document, parsed (`null` when it is not JSON).
    pub fn payload(&self) -> Value {
        serde_json::from_str(&self.attributes.payload).unwrap_or(Value::Null)
    }
}

/// Where the webhook was sent, as Keygen signed it: the endpoint URL's host (no port) and
/// path with query (`/` when empty).
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    request: SignedRequest,
}

impl WebhookEndpoint {
    /// The request Keygen signs for this endpoint (`post`, its path and query, its host).
    pub fn signed_request(&self) -> &SignedRequest {
        &self.request
    }

    /// The endpoint Keygen posts to (`https://example.com/keygen/webhooks`).
    pub fn new(url: &str) -> Result<Self, LicenseError> {
        let url = url::Url::parse(url).map_err(|_| {
            LicenseError::config("the webhook endpoint is not a URL").with_provider(PROVIDER)
        })?;
        Ok(Self {
            request: SignedRequest::from_url(&http::Method::POST, &url),
        })
    }
}

/// Verifies a webhook's signature (the body's digest, the signature over the endpoint, a
/// signed date within `max_drift` of `now`), then reads the event.
pub fn verify_and_parse(
    key: &PublicKey,
    endpoint: &WebhookEndpoint,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
    max_drift: Duration,
) -> Result<WebhookEvent, LicenseError> {
    verify(
        key,
        &endpoint.request,
        SignatureHeaders::from_headers(headers),
        body,
        now,
        max_drift,
    )?;
    WebhookEvent::parse_unverified(body)
}
