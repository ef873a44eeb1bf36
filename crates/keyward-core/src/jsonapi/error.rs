//! JSON:API error objects, and the `{errors: […]}` document that carries them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A JSON:API error document: its `errors` array.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ErrorDocument {
    /// The errors, in the order sent.
    pub errors: Vec<JsonApiError>,
}

impl ErrorDocument {
    /// A short `(code, message)` for an error: the first error's `code` (else its
    /// `source.pointer`), and every error's `detail` (else `title`) joined with `"; "`.
    pub fn code_and_message(&self) -> (Option<String>, Option<String>) {
        let code = self.errors.first().and_then(|e| {
            e.code
                .clone()
                .or_else(|| e.source.as_ref().and_then(|s| s.pointer.clone()))
        });
        let messages: Vec<&str> = self
            .errors
            .iter()
            .filter_map(JsonApiError::message)
            .collect();
        let message = (!messages.is_empty()).then(|| messages.join("; "));
        (code, message)
    }
}

/// One element of a JSON:API `errors` array, every member kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonApiError {
    /// A unique id for this occurrence.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub id: Option<String>,
    /// The HTTP status, as a string (`"422"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub status: Option<String>,
    /// An application-specific code (Keygen's `FINGERPRINT_TAKEN`, `NOT_FOUND`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub code: Option<String>,
    /// A short summary (`"Unprocessable Entity"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What went wrong, in words (the useful part: `"has already been taken"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Which part of the request it is about (`{"pointer": "/data/attributes/fingerprint"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
    /// Links (`about`, `type`), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
    /// Extra information, as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
}

impl JsonApiError {
    /// The HTTP status as a number, when `status` holds one.
    pub fn status_code(&self) -> Option<u16> {
        self.status.as_deref().and_then(|s| s.trim().parse().ok())
    }

    /// `detail`, else `title`.
    pub fn message(&self) -> Option<&str> {
        self.detail.as_deref().or(self.title.as_deref())
    }
}

/// `source` of a JSON:API error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorSource {
    /// A JSON pointer into the request document (`/data/attributes/activation_limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The query parameter at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    /// The request header at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_every_member_and_summarise() {
        let doc: ErrorDocument = serde_json::from_str(
            r#"{"errors":[{"status":422,"title":"Unprocessable resource","detail":"has already been taken",
                "code":"FINGERPRINT_TAKEN","source":{"pointer":"/data/attributes/fingerprint"},
                "links":{"about":"/docs"},"meta":{"x":1},"unknown":true},
               {"title":"Second","source":{"parameter":"page"}}]}"#,
        )
        .unwrap();
        let first = &doc.errors[0];
        assert_eq!(first.status_code(), Some(422));
        assert_eq!(first.message(), Some("has already been taken"));
        assert_eq!(doc.errors[1].message(), Some("Second"));
        assert_eq!(
            doc.code_and_message(),
            (
                Some("FINGERPRINT_TAKEN".into()),
                Some("has already been taken; Second".into())
            )
        );
        let again: JsonApiError =
            serde_json::from_value(serde_json::to_value(first).unwrap()).unwrap();
        assert_eq!(&again, first);
    }

    #[test]
    fn without_a_code_the_pointer_names_the_error() {
        let doc: ErrorDocument =
            serde_json::from_str(r#"{"errors":[{"source":{"pointer":"/data/attributes/name"}}]}"#)
                .unwrap();
        assert_eq!(
            doc.code_and_message(),
            (Some("/data/attributes/name".into()), None)
        );
    }
}
