//! JSON:API documents (<https://jsonapi.org/format/>) in the spec's neutral shapes, shared by the
//! provider crates that speak it (Lemon Squeezy, Keygen): a single-resource [`Document`], a
//! [`ListPage`] with its [`ListLinks`], [`Relationship`]s and [`ResourceIdentifier`]s, and
//! [`JsonApiError`]s. Unknown members are ignored, `null` reads as absent, and each resource keeps
//! the JSON it came from ([`AttachRaw`]). Where providers differ the types are generic: what a
//! list's `meta` says ([`ListMeta`]) and the shape of relationship links.
//!
//! ```
//! use keyward_core::jsonapi::{Document, ListPage};
//! use serde_json::Value;
//!
//! let page: ListPage<Value> = serde_json::from_str(
//!     r#"{"data":[{"type":"licenses","id":"1"}],"links":{"next":"/v1/licenses?page[number]=2"}}"#,
//! )?;
//! assert_eq!(page.next_page_number(), Some(2));
//! let doc: Document<Value> = serde_json::from_str(r#"{"data":{"type":"licenses","id":"1"}}"#)?;
//! assert_eq!(doc.into_data()["id"], "1");
//! # Ok::<(), serde_json::Error>(())
//! ```

mod error;
mod list;
mod relationship;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{AttachRaw, RawJson};

pub use error::{ErrorDocument, ErrorSource, JsonApiError};
pub use list::{ListLinks, ListMeta, ListPage, PageCounts};
pub use relationship::{
    Relationship, RelationshipLinks, Relationships, ResourceIdentifier, related_id,
};

/// A single-resource document: the resource plus anything `include`d.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Document<T> {
    /// The resource.
    pub data: T,
    /// The document's links (`self`).
    #[serde(default)]
    pub links: Option<ResourceLinks>,
    /// Related resources asked for with `include`, as sent (their `type` tells them apart).
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub included: Vec<Value>,
    /// The document's `meta`, as sent.
    #[serde(default)]
    pub meta: Option<Value>,
}

impl<T> Document<T> {
    /// The resource alone.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The included resources of one `type` (`"license-keys"`), decoded; those that do not
    /// decode are skipped.
    pub fn included_of<R: DeserializeOwned>(&self, resource_type: &str) -> Vec<R> {
        included_of(&self.included, resource_type)
    }
}

impl<T: AttachRaw> AttachRaw for Document<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

/// The `included` resources of one `type`, decoded; those that do not decode are skipped.
fn included_of<R: DeserializeOwned>(included: &[Value], resource_type: &str) -> Vec<R> {
    included
        .iter()
        .filter(|v| v.get("type").and_then(Value::as_str) == Some(resource_type))
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect()
}

/// `links` of a resource or a single-resource document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResourceLinks {
    /// The resource's own URL.
    #[serde(default, rename = "self")]
    pub self_link: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_tolerates_null_and_unknown_members_and_keeps_the_rest() {
        let doc: Document<Value> = serde_json::from_str(
            r#"{"data":{"type":"licenses","id":"1"},"included":null,"jsonapi":{"version":"1.0"},
                "links":{"self":"/v1/licenses/1"},"meta":{"x":1}}"#,
        )
        .unwrap();
        assert!(doc.included.is_empty());
        assert_eq!(
            doc.links.and_then(|l| l.self_link).as_deref(),
            Some("/v1/licenses/1")
        );
        assert_eq!(doc.meta, Some(serde_json::json!({"x": 1})));
    }

    #[test]
    fn included_resources_are_picked_by_type() {
        let doc: Document<Value> = serde_json::from_str(
            r#"{"data":{},"included":[{"type":"a","id":"1"},{"type":"b","id":"2"},{"type":"a","id":"3"}]}"#,
        )
        .unwrap();
        let ids: Vec<Value> = doc.included_of("a");
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[1]["id"], "3");
        assert!(doc.included_of::<Value>("c").is_empty());
    }

    #[test]
    fn a_decode_error_names_the_json_path() {
        let body = br#"{"data":{"id":7},"included":[]}"#;
        #[derive(Debug, Deserialize)]
        struct Res {
            #[allow(dead_code)]
            id: String,
        }
        let err = crate::decode_json::<Document<Res>>(body, str::to_owned).unwrap_err();
        assert!(err.to_string().contains("data.id"), "{err}");
    }
}
