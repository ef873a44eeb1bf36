//! A validation's `meta.scope` checked before anything is decided (`validations_controller.rb`'s
//! `typed_params`).

use serde_json::Value;

/// The scope keys `validations_controller.rb` permits.
const PERMITTED: &[&str] = &[
    "product",
    "policy",
    "user",
    "machine",
    "fingerprint",
    "fingerprints",
    "components",
    "entitlements",
    "checksum",
    "version",
    "environment",
];

/// The keys whose `null` the service reads (`allow_nil: true`); a permitted key's other `null`
/// is dropped, as if absent (`config/initializers/typed_params.rb`'s `ignore_nil_optionals`).
fn nil_allowed(name: &str) -> bool {
    matches!(name, "user" | "environment")
}

/// `scope` as the service reads it: its permitted keys' `null`s dropped where not allowed.
pub(crate) fn without_nil_optionals(scope: &Value) -> Value {
    let Value::Object(map) = scope else {
        return scope.clone();
    };
    let kept = map.iter().filter(|(name, value)| {
        !(value.is_null() && PERMITTED.contains(&name.as_str()) && !nil_allowed(name))
    });
    Value::Object(kept.map(|(k, v)| (k.clone(), v.clone())).collect())
}

use super::answer::{Answer, error};

/// The 400 of `validations_controller.rb`'s `typed_params` for `meta.scope`: a key it does not
/// permit, or a value of another type.
pub(crate) fn bad_scope(scope: &Value) -> Option<Answer> {
    let Value::Object(scope) = scope else {
        return None;
    };
    let kind = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "hash",
    };
    for (name, value) in scope {
        let pointer = format!("/meta/scope/{name}");
        let wanted = match (name.as_str(), value) {
            (name, Value::Null) if PERMITTED.contains(&name) => continue,
            ("user" | "environment", Value::String(_)) => continue,
            (
                "product" | "policy" | "user" | "machine" | "fingerprint" | "checksum" | "version"
                | "environment",
                v,
            ) => {
                if v.is_string() {
                    continue;
                } else {
                    "string"
                }
            }
            ("fingerprints" | "components" | "entitlements", Value::Array(items)) => {
                match items.iter().position(|i| !i.is_string()) {
                    None => continue,
                    Some(i) => {
                        let detail = format!(
                            "type mismatch (received {} expected string)",
                            kind(&items[i])
                        );
                        return Some(error(
                            400,
                            "Bad request",
                            &detail,
                            None,
                            Some(&format!("{pointer}/{i}")),
                        ));
                    }
                }
            }
            ("fingerprints" | "components" | "entitlements", _) => "array",
            _ => {
                return Some(error(
                    400,
                    "Bad request",
                    "unpermitted parameter",
                    None,
                    Some(&pointer),
                ));
            }
        };
        let detail = format!("type mismatch (received {} expected {wanted})", kind(value));
        return Some(error(400, "Bad request", &detail, None, Some(&pointer)));
    }
    None
}
