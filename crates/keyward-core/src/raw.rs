//! The provider's JSON as received, kept beside the typed model that was decoded from it.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

/// The JSON a provider sent for one object, kept as received: the response body (shared, not
/// copied) and where in it the object lies. It is parsed only when asked
/// ([`to_value`](Self::to_value)), so keeping it costs nothing on the hot path.
///
/// It holds secrets (license keys) in clear: `Debug` never shows it; do not log it.
#[derive(Clone, Default)]
pub struct RawJson(Repr);

#[derive(Clone, Default)]
enum Repr {
    /// Nothing was received (a model built by hand).
    #[default]
    Empty,
    /// A response body and the JSON pointer of the object (`None`: the whole body).
    Body {
        body: Bytes,
        pointer: Option<Arc<str>>,
    },
    /// JSON handed over already parsed (a webhook payload, a verified signed payload).
    Value(Arc<Value>),
}

impl RawJson {
    /// The whole of a response body.
    pub fn from_body(body: Bytes) -> Self {
        Self(Repr::Body {
            body,
            pointer: None,
        })
    }

    /// A whole JSON document held as text (a verified signed payload).
    pub fn from_text(text: String) -> Self {
        Self::from_body(Bytes::from(text))
    }

    /// JSON that was parsed already.
    pub fn from_value(value: Value) -> Self {
        Self(Repr::Value(Arc::new(value)))
    }

    /// The object at `pointer` (RFC 6901, such as `/items/3`) inside this one.
    pub fn at(&self, pointer: &str) -> Self {
        if pointer.is_empty() {
            return self.clone();
        }
        match &self.0 {
            Repr::Empty => Self::default(),
            Repr::Body {
                body,
                pointer: base,
            } => Self(Repr::Body {
                body: body.clone(),
                pointer: Some(match base {
                    None => Arc::from(pointer),
                    Some(base) => Arc::from(format!("{base}{pointer}")),
                }),
            }),
            Repr::Value(value) => Self(Repr::Value(Arc::new(
                value.pointer(pointer).cloned().unwrap_or(Value::Null),
            ))),
        }
    }

    /// Whether nothing was received.
    pub fn is_empty(&self) -> bool {
        matches!(self.0, Repr::Empty)
    }

    /// The JSON, parsed now; `Null` when nothing was received or it is not there.
    pub fn to_value(&self) -> Value {
        match &self.0 {
            Repr::Empty => Value::Null,
            Repr::Value(value) => Value::clone(value),
            Repr::Body { body, pointer } => {
                let Ok(mut whole) = serde_json::from_slice::<Value>(body) else {
                    return Value::Null;
                };
                match pointer {
                    None => whole,
                    Some(pointer) => whole
                        .pointer_mut(pointer)
                        .map(Value::take)
                        .unwrap_or(Value::Null),
                }
            }
        }
    }

    /// The exact bytes received, when this is a whole response body.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        match &self.0 {
            Repr::Body {
                body,
                pointer: None,
            } => Some(body),
            _ => None,
        }
    }
}

impl From<Value> for RawJson {
    fn from(value: Value) -> Self {
        Self::from_value(value)
    }
}

impl PartialEq for RawJson {
    /// Equal when the JSON is equal (parsed, so key order and spacing do not matter).
    fn eq(&self, other: &Self) -> bool {
        self.to_value() == other.to_value()
    }
}

impl Eq for RawJson {}

impl PartialEq<Value> for RawJson {
    fn eq(&self, other: &Value) -> bool {
        self.to_value() == *other
    }
}

impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Repr::Empty => f.write_str("RawJson(none)"),
            _ => f.write_str("RawJson(<provider JSON, not shown>)"),
        }
    }
}

/// A model that keeps the JSON it was decoded from. The transport calls
/// [`attach_raw`](Self::attach_raw) right after the one decode of a response body; a model with
/// nested records passes each its own part (`raw.at("/items/0")`).
pub trait AttachRaw {
    /// Keeps `raw` as this model's received JSON.
    fn attach_raw(&mut self, raw: RawJson);
}

/// Implements [`AttachRaw`] for models whose received JSON is their own `raw: RawJson` field.
///
/// ```
/// #[derive(Default)]
/// struct Thing { raw: keyward_core::RawJson }
/// keyward_core::attach_raw!(Thing);
/// ```
#[macro_export]
macro_rules! attach_raw {
    ($($model:ty),+ $(,)?) => {
        $(impl $crate::AttachRaw for $model {
            fn attach_raw(&mut self, raw: $crate::RawJson) {
                self.raw = raw;
            }
        })+
    };
}

impl<T: AttachRaw> AttachRaw for Vec<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        for (index, item) in self.iter_mut().enumerate() {
            item.attach_raw(raw.at(&format!("/{index}")));
        }
    }
}

impl AttachRaw for Value {
    /// A `Value` is the received JSON already: nothing to keep beside it.
    fn attach_raw(&mut self, _raw: RawJson) {}
}

impl<T: AttachRaw> AttachRaw for Option<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        if let Some(inner) = self {
            inner.attach_raw(raw);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_body_is_parsed_only_when_asked_and_pointers_compose() {
        let body = Bytes::from_static(br#"{"items":[{"key":"SECRET-KEY-1"},{"id":2}],"n":1}"#);
        let raw = RawJson::from_body(body.clone());
        assert_eq!(raw.body_bytes(), Some(&body[..]));
        assert_eq!(raw.at("/items").at("/1"), json!({"id": 2}));
        assert_eq!(raw.at("/missing").to_value(), Value::Null);
        assert!(raw.at("/n").body_bytes().is_none());
        // The empty pointer is the whole, as RFC 6901 has it.
        assert_eq!(raw.at("").body_bytes(), Some(&body[..]));
        assert_eq!(raw.at("/items").at(""), raw.at("/items"));
        let from_value = RawJson::from_value(raw.to_value());
        assert_eq!(from_value, raw);
        assert_eq!(from_value.at("/items/0/key"), json!("SECRET-KEY-1"));
    }

    #[test]
    fn debug_never_shows_the_json() {
        let raw = RawJson::from_body(Bytes::from_static(br#"{"key":"CANARY-KEY-1234"}"#));
        assert!(!format!("{raw:?}").contains("CANARY"));
        assert!(RawJson::default().is_empty());
        assert_eq!(RawJson::default().to_value(), Value::Null);
    }

    #[derive(Default)]
    struct Item {
        raw: RawJson,
    }

    impl AttachRaw for Item {
        fn attach_raw(&mut self, raw: RawJson) {
            self.raw = raw;
        }
    }

    #[test]
    fn lists_give_each_item_its_own_part() {
        let mut items = vec![Item::default(), Item::default()];
        let raw = RawJson::from_body(Bytes::from_static(br#"[{"a":1},{"a":2}]"#));
        items.attach_raw(raw);
        assert_eq!(items[1].raw, json!({"a": 2}));
    }
}
