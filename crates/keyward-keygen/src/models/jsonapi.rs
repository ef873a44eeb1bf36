//! JSON:API documents as Keygen sends them: one resource, a page of them, errors.

use std::collections::BTreeMap;

use keyward_core::{AttachRaw, RawJson};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A single-resource document: the resource plus anything `include`d.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Document<T> {
    /// The resource.
    pub data: T,
    /// Related resources, as sent (their `type` tells them apart).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
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
}

impl<T: AttachRaw> AttachRaw for Document<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

/// One page of a listing (`GET /licenses`, `GET /machines`).
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ListPage<T> {
    /// The resources on this page.
    pub data: Vec<T>,
    /// `self`, `prev`, `next`, `first`, `last` and `meta {pages, count}` (empty without `page`).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub links: ListLinks,
    /// Related resources asked for with `include`.
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub included: Vec<Value>,
}

impl<T> ListPage<T> {
    /// `page[number]` of the `next` link (offset paging); `None` on the last page.
    pub fn next_page_number(&self) -> Option<u32> {
        self.next_param("page[number]")?.parse().ok()
    }

    /// `page[cursor]` of the `next` link (cursor paging); `None` on the last page.
    pub fn next_cursor(&self) -> Option<String> {
        self.next_param("page[cursor]").filter(|c| !c.is_empty())
    }

    /// A query parameter of the `next` link (a path, or a URL on another host).
    fn next_param(&self, name: &str) -> Option<String> {
        let base = url::Url::parse("http://keygen.invalid/").ok()?;
        let next = base.join(self.links.next.as_deref()?).ok()?;
        next.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

impl<T: AttachRaw> AttachRaw for ListPage<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

/// `links` of a list page. With `page[number]` Keygen sends all five and `meta`; with
/// `page[cursor]` only `self` and `next` (`null` at the end); without `page`, none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListLinks {
    /// This page.
    #[serde(default, rename = "self")]
    pub self_link: Option<String>,
    /// The previous page.
    #[serde(default)]
    pub prev: Option<String>,
    /// The next page; `None` on the last.
    #[serde(default)]
    pub next: Option<String>,
    /// The first page.
    #[serde(default)]
    pub first: Option<String>,
    /// The last page.
    #[serde(default)]
    pub last: Option<String>,
    /// The number of pages and of items (offset pagination only).
    #[serde(default)]
    pub meta: Option<PageCounts>,
}

/// `links.meta` of an offset page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PageCounts {
    /// How many pages there are.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub pages: Option<u64>,
    /// How many items there are across all pages.
    #[serde(default, deserialize_with = "keyward_core::de::opt_uint")]
    pub count: Option<u64>,
}

/// A relationship: its links, linkage (one identifier, a list, or `null`) and `meta`, as sent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Relationship {
    /// `related` and the like.
    #[serde(default)]
    pub links: Option<Value>,
    /// The linkage.
    #[serde(default)]
    pub data: Option<Value>,
    /// Counts (`machines.meta {cores, count}`).
    #[serde(default)]
    pub meta: Option<Value>,
}

impl Relationship {
    /// The id of a to-one linkage.
    pub fn id(&self) -> Option<&str> {
        self.data.as_ref()?.get("id")?.as_str()
    }
}

/// Relationships by name (`policy`, `product`, `owner`, `machines`, …).
pub type Relationships = BTreeMap<String, Relationship>;

/// The id of the to-one relationship `name`.
pub(crate) fn related_id<'a>(relationships: &'a Relationships, name: &str) -> Option<&'a str> {
    relationships.get(name).and_then(Relationship::id)
}

/// One element of a JSON:API `errors` array, every member kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonApiError {
    /// A short summary (`"Unprocessable resource"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What went wrong (`"has already been taken"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Keygen's code (`FINGERPRINT_TAKEN`, `NOT_FOUND`, `LICENSE_NOT_ALLOWED`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "keyward_core::de::opt_string"
    )]
    pub code: Option<String>,
    /// Which part of the request it is about (`{"pointer": "/data/attributes/fingerprint"}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ErrorSource>,
    /// Links (`about`), as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
}

impl JsonApiError {
    /// `detail`, else `title`.
    pub fn message(&self) -> Option<&str> {
        self.detail.as_deref().or(self.title.as_deref())
    }
}

/// `source` of an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorSource {
    /// A JSON pointer into the request document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// The query parameter at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}
