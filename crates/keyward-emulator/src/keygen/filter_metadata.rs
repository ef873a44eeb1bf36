//! `search_metadata` of Keygen's `license.rb` and `machine.rb`: the `metadata[…]` list filter.

use serde_json::{Map, Value};

use super::filters::Query;

/// `search_metadata`: every `metadata[key]=value` (keys snake-cased, `metadata[a][b]` nested,
/// `metadata[a][]` an array) is contained in the record's metadata (Postgres `@>`), as sent
/// or, for a scalar, as the value it reads as (`true`, `false`, `null`, an integer, a float).
pub(crate) fn metadata_matches(metadata: &Map<String, Value>, query: &Query) -> bool {
    let mut terms = Map::new();
    for (name, value) in query {
        let Some(path) = name.strip_prefix("metadata[") else {
            continue;
        };
        let keys: Vec<&str> = path.trim_end_matches(']').split("][").collect();
        insert(&mut terms, &keys, value);
    }
    let stored: Map<String, Value> = metadata
        .iter()
        .map(|(k, v)| (snake_case(k), v.clone()))
        .collect();
    terms.iter().all(|(key, value)| {
        let key = snake_case(key);
        let Some(have) = stored.get(&key) else {
            return false;
        };
        contains(have, value) || contains(have, &type_cast(value))
    })
}

fn insert(map: &mut Map<String, Value>, keys: &[&str], value: &str) {
    match keys {
        [] => {}
        [key, ""] => {
            let entry = map
                .entry((*key).to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(Value::String(value.to_owned()));
            }
        }
        [key] => {
            map.insert((*key).to_owned(), Value::String(value.to_owned()));
        }
        [key, rest @ ..] => {
            let entry = map
                .entry((*key).to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(inner) = entry {
                insert(inner, rest, value);
            }
        }
    }
}

/// `search_metadata`'s `after_type_cast` (a scalar only).
fn type_cast(value: &Value) -> Value {
    let Value::String(text) = value else {
        return value.clone();
    };
    let number = |t: &str| serde_json::from_str::<Value>(t).ok();
    match text.as_str() {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        t if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit()) => {
            number(t.trim_start_matches('0')).unwrap_or(Value::from(0))
        }
        t if t.split_once('.').is_some_and(|(a, b)| {
            [a, b]
                .iter()
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
        }) =>
        {
            t.parse::<f64>().map_or_else(|_| value.clone(), Value::from)
        }
        _ => value.clone(),
    }
}

/// Postgres `jsonb @>`: objects by key, arrays by element (any order), scalars by equality.
fn contains(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Object(have), Value::Object(want)) => want
            .iter()
            .all(|(k, w)| have.get(k).is_some_and(|h| contains(h, w))),
        (Value::Array(have), Value::Array(want)) => {
            want.iter().all(|w| have.iter().any(|h| contains(h, w)))
        }
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}

/// Rails' `underscore.parameterize(separator: '_')` for a metadata key (`nodeId` → `node_id`).
fn snake_case(key: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            if previous_lower {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
            previous_lower = false;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            out.push(c);
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        } else {
            out.push('_');
            previous_lower = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn metadata_filters_match_as_keygen_s_containment() {
        let stored = json!({"nodeId": "68666bf8b", "tos": 1, "score": 0.9, "deleted": false,
            "deletedAt": null, "hardware": {"cpu": "ryzen", "cores": 64}, "ids": ["1", "2"]});
        let stored = stored.as_object().cloned().unwrap_or_default();
        let table: &[(&[(&str, &str)], bool)] = &[
            (&[("metadata[nodeId]", "68666bf8b")], true),
            (&[("metadata[node_id]", "68666bf8b")], true),
            (&[("metadata[node_id]", "68666")], false),
            (&[("metadata[tos]", "1")], true),
            (&[("metadata[score]", "0.9")], true),
            (&[("metadata[deleted]", "false")], true),
            (&[("metadata[deletedAt]", "null")], true),
            (&[("metadata[hardware][cpu]", "ryzen")], true),
            // An object's values are compared as sent: `"64"` is not `64`.
            (&[("metadata[hardware][cores]", "64")], false),
            (&[("metadata[ids][]", "2")], true),
            (&[("metadata[ids][]", "3")], false),
            (&[("metadata[tos]", "1"), ("metadata[missing]", "x")], false),
            (&[("product", "x")], true),
        ];
        for (pairs, want) in table {
            let query: Query = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            assert_eq!(metadata_matches(&stored, &query), *want, "{pairs:?}");
        }
    }
}
