//! A license's create and update parameters checked before anything changes: `typed_params`'
//! metadata depth (`licenses_controller.rb`: `depth: { maximum: 2 }`) and `license.rb`'s key
//! validations.

use serde_json::Value;

use super::answer::{Answer, error, unprocessable};
use super::state::State;

/// The 400 of `typed_params`' `depth: { maximum: 2 }` for `metadata`: an object or array
/// nested more than two levels inside it, named by its pointer.
pub(crate) fn metadata_too_deep(attributes: &Value) -> Option<Answer> {
    fn deepest(value: &Value, pointer: String, level: usize) -> Option<String> {
        let children: Vec<(String, &Value)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), v)).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            _ => return None,
        };
        if level > 2 {
            return Some(pointer);
        }
        children
            .into_iter()
            .find_map(|(name, child)| deepest(child, format!("{pointer}/{name}"), level + 1))
    }
    let metadata = attributes.get("metadata")?;
    let pointer = deepest(metadata, "/data/attributes/metadata".to_owned(), 0)?;
    Some(error(
        400,
        "Bad request",
        "maximum depth of 2 exceeded",
        None,
        Some(&pointer),
    ))
}

/// The 422 of `license.rb`'s key validations on create: reserved, shorter than 6 characters,
/// another license's id.
pub(crate) fn invalid_key(state: &State, key: &str) -> Option<Answer> {
    let pointer = "/data/attributes/key";
    if matches!(key, "actions" | "action") {
        return Some(unprocessable(
            "is reserved",
            Some("KEY_NOT_ALLOWED"),
            pointer,
        ));
    }
    if key.chars().count() < 6 {
        let detail = "is too short (minimum is 6 characters)";
        return Some(unprocessable(detail, Some("KEY_TOO_SHORT"), pointer));
    }
    state.licenses.iter().any(|l| l.id == key).then(|| {
        let detail = "must not conflict with another license's identifier (UUID)";
        unprocessable(detail, Some("KEY_CONFLICT"), pointer)
    })
}
