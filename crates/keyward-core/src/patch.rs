//! Three-state update fields: leave as is, clear, or set.

use serde::{Serialize, Serializer};

/// One field of an update request.
///
/// Serialize with `#[serde(skip_serializing_if = "Patch::is_keep")]` so that `Keep` sends nothing,
/// `Clear` sends `null` and `Set(v)` sends `v`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Patch<T> {
    /// Leave the field as it is (nothing is sent).
    #[default]
    Keep,
    /// Clear the field (`null`: for example unlimited activations, or never expires).
    Clear,
    /// Set the field to this value.
    Set(T),
}

impl<T> Patch<T> {
    /// Whether nothing is to be sent.
    pub fn is_keep(&self) -> bool {
        matches!(self, Self::Keep)
    }

    /// `Set` from `Some`, `Clear` from `None`.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Self::Clear, Self::Set)
    }

    /// Maps the value, keeping the state.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Patch<U> {
        match self {
            Self::Keep => Patch::Keep,
            Self::Clear => Patch::Clear,
            Self::Set(v) => Patch::Set(f(v)),
        }
    }

    /// The value, when set.
    pub fn as_set(&self) -> Option<&T> {
        match self {
            Self::Set(v) => Some(v),
            _ => None,
        }
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Keep | Self::Clear => serializer.serialize_none(),
            Self::Set(v) => serializer.serialize_some(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Body {
        #[serde(skip_serializing_if = "Patch::is_keep")]
        limit: Patch<u32>,
        #[serde(skip_serializing_if = "Patch::is_keep")]
        expires: Patch<String>,
        #[serde(skip_serializing_if = "Patch::is_keep")]
        name: Patch<String>,
    }

    #[test]
    fn three_states_serialize_distinctly() {
        let body = Body {
            limit: Patch::Set(3),
            expires: Patch::Clear,
            name: Patch::Keep,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"limit":3,"expires":null}"#
        );
    }
}
