//! What the licensing tests share.

use keyward_core::{AttachRaw, RawJson};
use serde::de::DeserializeOwned;

/// Decodes `body` the way the transport does: one decode, then the body kept as the model's
/// received JSON.
pub(crate) fn received<T: DeserializeOwned + AttachRaw>(body: &str) -> T {
    let mut model: T = serde_json::from_str(body).unwrap();
    model.attach_raw(RawJson::from_text(body.to_owned()));
    model
}
