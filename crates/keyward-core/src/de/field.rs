//! One field of a JSON object taken aside while the rest decodes as another type, in one pass.
//!
//! Serde's `#[serde(flatten)]` does this by buffering the whole object into an intermediate tree
//! and decoding it a second time: for Polar's validate answer that was 41k instructions per call,
//! more than the request itself (callgrind). Serde offers nothing that splits a map without that
//! buffer, hence this wrapper: it hands the outer type every entry but `name`, which it decodes
//! in place.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, Visitor};

/// Decodes `T` from an object, except its entry `name`, which decodes as `E` (`None` when the
/// object has no such entry). Errors keep the JSON path of the field they concern.
///
/// ```
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Key { id: String }
///
/// struct Validated { key: Key, activation: Option<u32> }
///
/// impl<'de> Deserialize<'de> for Validated {
///     fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
///         let (key, activation) = keyward_core::de::with_field(d, "activation")?;
///         Ok(Self { key, activation })
///     }
/// }
///
/// let v: Validated = serde_json::from_str(r#"{"id": "k1", "activation": 7}"#).unwrap();
/// assert_eq!((v.key.id.as_str(), v.activation), ("k1", Some(7)));
/// ```
pub fn with_field<'de, D, T, E>(
    deserializer: D,
    name: &'static str,
) -> Result<(T, Option<E>), D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
    E: Deserialize<'de>,
{
    let mut aside = None;
    let outer = T::deserialize(Splitting {
        inner: deserializer,
        name,
        aside: &mut aside,
    })?;
    Ok((outer, aside))
}

/// The deserializer `T` sees: the inner one, its maps filtered.
struct Splitting<'a, D, E> {
    inner: D,
    name: &'static str,
    aside: &'a mut Option<E>,
}

/// The visitor the inner deserializer sees: `T`'s, its map filtered.
struct SplittingVisitor<'a, V, E> {
    outer: V,
    name: &'static str,
    aside: &'a mut Option<E>,
}

/// The map `T`'s visitor sees: every entry but `name`.
struct SplittingMap<'a, M, E> {
    inner: M,
    name: &'static str,
    aside: &'a mut Option<E>,
}

impl<'de, D, E> Deserializer<'de> for Splitting<'_, D, E>
where
    D: Deserializer<'de>,
    E: Deserialize<'de>,
{
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_any(SplittingVisitor {
            outer: visitor,
            name: self.name,
            aside: self.aside,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(SplittingVisitor {
            outer: visitor,
            name: self.name,
            aside: self.aside,
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.inner.deserialize_map(SplittingVisitor {
            outer: visitor,
            name: self.name,
            aside: self.aside,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier
        ignored_any
    }
}

impl<'de, V, E> Visitor<'de> for SplittingVisitor<'_, V, E>
where
    V: Visitor<'de>,
    E: Deserialize<'de>,
{
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.outer.expecting(f)
    }

    fn visit_map<M: MapAccess<'de>>(self, map: M) -> Result<V::Value, M::Error> {
        self.outer.visit_map(SplittingMap {
            inner: map,
            name: self.name,
            aside: self.aside,
        })
    }
}

impl<'de, M, E> MapAccess<'de> for SplittingMap<'_, M, E>
where
    M: MapAccess<'de>,
    E: Deserialize<'de>,
{
    type Error = M::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, M::Error> {
        while let Some(key) = self.inner.next_key_seed(KeySeed)? {
            if key == self.name {
                *self.aside = Some(self.inner.next_value()?);
                continue;
            }
            return match key {
                Cow::Borrowed(key) => {
                    seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
                }
                Cow::Owned(key) => seed.deserialize(key.into_deserializer()),
            }
            .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, M::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A key, borrowed from the input where it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_borrowed_str<Er: de::Error>(self, key: &'de str) -> Result<Self::Value, Er> {
        Ok(Cow::Borrowed(key))
    }

    fn visit_str<Er: de::Error>(self, key: &str) -> Result<Self::Value, Er> {
        Ok(Cow::Owned(key.to_owned()))
    }

    fn visit_string<Er: de::Error>(self, key: String) -> Result<Self::Value, Er> {
        Ok(Cow::Owned(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Outer {
        id: String,
        #[serde(default)]
        n: Option<u32>,
    }

    fn split(json: &str) -> Result<(Outer, Option<Vec<u8>>), String> {
        let mut d = serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(&mut d)
            .map(|Pair(outer, aside)| (outer, aside))
            .map_err(|e| format!("{} at {}", e.inner(), e.path()))
    }

    struct Pair(Outer, Option<Vec<u8>>);

    impl<'de> Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let (outer, aside) = with_field(d, "aside")?;
            Ok(Pair(outer, aside))
        }
    }

    #[test]
    fn the_field_goes_aside_wherever_it_stands_and_the_rest_decodes() {
        for json in [
            r#"{"aside": [1, 2], "id": "a", "n": 3}"#,
            r#"{"id": "a", "aside": [1, 2], "n": 3}"#,
            r#"{"id": "a", "n": 3, "aside": [1, 2], "extra": {"x": 1}}"#,
            r#"{"i\u0064": "a", "n": 3, "\u0061side": [1, 2]}"#,
        ] {
            let (outer, aside) = split(json).unwrap();
            assert_eq!(
                outer,
                Outer {
                    id: "a".into(),
                    n: Some(3)
                },
                "{json}"
            );
            assert_eq!(aside, Some(vec![1, 2]), "{json}");
        }
        let (outer, aside) = split(r#"{"id": "b"}"#).unwrap();
        assert_eq!((outer.id.as_str(), outer.n, aside), ("b", None, None));
    }

    #[test]
    fn errors_name_their_path() {
        assert_eq!(
            split(r#"{"id": "a", "aside": [1, "x"]}"#)
                .unwrap_err()
                .rsplit(" at ")
                .next(),
            Some("aside[1]")
        );
        assert_eq!(
            split(r#"{"id": 5}"#).unwrap_err().rsplit(" at ").next(),
            Some("id")
        );
        assert!(
            split(r#"{"n": 1}"#)
                .unwrap_err()
                .contains("missing field `id`")
        );
        assert!(split(r#"[1]"#).is_err());
    }
}
