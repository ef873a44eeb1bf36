//! ActiveSupport's key casing for `update_nested_key_casing_to_snakecase_for_metadata_migration.rb`:
//! the keys nested inside metadata values in snake_case, for callers of API version 1.4 or older.

use serde_json::{Map, Value};

/// The keys nested inside a resource's metadata values in snake_case (its own keys kept).
pub(crate) fn snake_case_metadata(resource: &mut Value) {
    let Some(metadata) = resource
        .pointer_mut("/attributes/metadata")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for value in metadata.values_mut() {
        match value {
            Value::Object(_) => deep_underscore(value),
            Value::Array(values) => values
                .iter_mut()
                .filter(|v| v.is_object())
                .for_each(deep_underscore),
            _ => {}
        }
    }
}

/// ActiveSupport's `deep_transform_keys { underscore }`: every key of every nested object.
fn deep_underscore(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let old = std::mem::take(object);
            *object = old
                .into_iter()
                .map(|(key, mut value)| {
                    deep_underscore(&mut value);
                    (underscore(&key), value)
                })
                .collect::<Map<_, _>>();
        }
        Value::Array(values) => values.iter_mut().for_each(deep_underscore),
        _ => {}
    }
}

/// ActiveSupport's `String#underscore` (`parentKey` → `parent_key`, `HTTPCode` → `http_code`,
/// `a-b` → `a_b`). Written here: case crates (`heck`) also split on spaces and digits, which
/// Rails does not.
fn underscore(word: &str) -> String {
    let chars: Vec<char> = word.replace("::", "/").chars().collect();
    let mut out = String::with_capacity(word.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let previous = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        if c.is_ascii_uppercase() {
            // `([a-z\d])([A-Z])` and `([A-Z\d]+)([A-Z][a-z])`.
            let after_lower =
                previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            let ends_run = previous.is_some_and(|p| p.is_ascii_uppercase() || p.is_ascii_digit())
                && next.is_some_and(char::is_ascii_lowercase);
            if after_lower || ends_run {
                out.push('_');
            }
        }
        out.push(if c == '-' {
            '_'
        } else {
            c.to_ascii_lowercase()
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::underscore;

    #[test]
    fn keys_are_underscored_as_active_support_does() {
        for (key, expected) in [
            ("parentKey", "parent_key"),
            ("child_key", "child_key"),
            ("HTTPCode", "http_code"),
            ("key2Value", "key2_value"),
            ("a-b", "a_b"),
            ("ABC", "abc"),
        ] {
            assert_eq!(underscore(key), expected, "{key}");
        }
    }
}
