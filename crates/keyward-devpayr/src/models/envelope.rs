//! DevPayr's standard response envelope `{status, message, data, errors}` and its list page.

use keyward_core::{AttachRaw, RawJson};
use serde::Deserialize;
use serde_json::{Map, Value};

/// The standard envelope every DevPayr answer comes in. Every key is optional: error bodies of the
/// auth middleware carry only `message`, and `data` is `null` on many confirmations.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Envelope<T> {
    /// `"success"`, `"error"` (or `"ok"` on the health check).
    #[serde(default)]
    pub status: Option<String>,
    /// The human-readable message (`"Success"` on most reads).
    #[serde(default)]
    pub message: Option<String>,
    /// The payload.
    #[serde(default = "none")]
    pub data: Option<T>,
    /// Error details: for validation failures a map of field to messages.
    #[serde(default)]
    pub errors: Option<Value>,
}

impl<T: AttachRaw> AttachRaw for Envelope<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

impl<T: AttachRaw> AttachRaw for CursorPage<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

fn none<T>() -> Option<T> {
    None
}

/// One page of a cursor-paginated list: `data.data` and `data.next_cursor`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct CursorPage<T> {
    /// The records on this page.
    #[serde(
        default = "Vec::new",
        deserialize_with = "keyward_core::de::null_as_default",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub data: Vec<T>,
    /// The cursor of the next page; `None` on the last page.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Any other paginator keys (`per_page`, `prev_cursor`, `path`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The answer to an action (revoke, reactivate, delete): a confirmation message and whatever
/// small result object DevPayr put in `data` (its shape is not documented).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ActionOutcome {
    /// The top-level confirmation message.
    pub message: Option<String>,
    /// The `data` member as sent (`null` when absent).
    pub data: Value,
}

impl ActionOutcome {
    pub(crate) fn from_envelope(envelope: Envelope<Value>) -> Self {
        Self {
            message: envelope.message,
            data: envelope.data.unwrap_or(Value::Null),
        }
    }

    /// `data.message`, which reactivation documents next to the top-level message.
    pub fn detail(&self) -> Option<&str> {
        self.data.get("message").and_then(Value::as_str)
    }
}
