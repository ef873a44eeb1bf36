//! JSON:API documents: single resources, list pages with `meta.page` and `links`, errors.

use std::collections::BTreeMap;

use keyward_core::{AttachRaw, RawJson};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A single-resource document (`retrieve`, `update`): the resource plus anything `include`d.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct Document<T> {
    /// The resource.
    pub data: T,
    /// The document's links (`self`).
    #[serde(default)]
    pub links: Option<ResourceLinks>,
    /// Related resources asked for with `include`, as sent (their `type` tells them apart).
    #[serde(default)]
    pub included: Vec<Value>,
}

impl<T: AttachRaw> AttachRaw for Document<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

impl<T: AttachRaw> AttachRaw for ListPage<T> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

impl<T> Document<T> {
    /// The resource alone.
    pub fn into_data(self) -> T {
        self.data
    }

    /// The included resources of one `type` (`"license-keys"`), decoded; those that do not
    /// decode are skipped.
    pub fn included_of<R: serde::de::DeserializeOwned>(&self, resource_type: &str) -> Vec<R> {
        included_of(&self.included, resource_type)
    }
}

fn included_of<R: serde::de::DeserializeOwned>(included: &[Value], resource_type: &str) -> Vec<R> {
    included
        .iter()
        .filter(|v| v.get("type").and_then(Value::as_str) == Some(resource_type))
        .filter_map(|v| serde_json::from_value(v.clone()).ok())
        .collect()
}

/// One page of a listing.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct ListPage<T> {
    /// The resources on this page.
    pub data: Vec<T>,
    /// Where this page sits (`meta.page`).
    #[serde(default, rename = "meta", deserialize_with = "page_meta")]
    pub page: PageMeta,
    /// Links to the first, last, next and previous pages.
    #[serde(default)]
    pub links: ListLinks,
    /// Related resources asked for with `include`.
    #[serde(default)]
    pub included: Vec<Value>,
}

impl<T> ListPage<T> {
    /// The included resources of one `type`, decoded; those that do not decode are skipped.
    pub fn included_of<R: serde::de::DeserializeOwned>(&self, resource_type: &str) -> Vec<R> {
        included_of(&self.included, resource_type)
    }

    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.next_page_number().is_some()
    }

    /// The number of the page after this one: `currentPage + 1` while below `lastPage`, else
    /// the `page[number]` of `links.next`. `None` on the last page and on an empty page.
    pub fn next_page_number(&self) -> Option<u32> {
        if self.data.is_empty() {
            return None;
        }
        match (self.page.current_page, self.page.last_page) {
            (Some(current), Some(last)) => {
                (current < last).then(|| current.checked_add(1)).flatten()
            }
            _ => self.links.next.as_deref().and_then(page_number_in_link),
        }
    }
}

/// The `page[number]` of a page link (`…?page%5Bnumber%5D=2&…`).
fn page_number_in_link(link: &str) -> Option<u32> {
    ["page%5Bnumber%5D=", "page[number]="]
        .iter()
        .find_map(|marker| {
            let start = link.find(marker)? + marker.len();
            let digits: String = link
                .get(start..)?
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
}

fn page_meta<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<PageMeta, D::Error> {
    #[derive(Deserialize)]
    struct Meta {
        #[serde(default)]
        page: PageMeta,
    }
    Ok(Option::<Meta>::deserialize(deserializer)?
        .map(|m| m.page)
        .unwrap_or_default())
}

/// `meta.page` of a list (camelCase on the wire). `from`/`to` are `null` on an empty page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PageMeta {
    /// The 1-based number of this page.
    #[serde(default)]
    pub current_page: Option<u32>,
    /// The position of the first item on this page (1-based), `None` when the page is empty.
    #[serde(default)]
    pub from: Option<u64>,
    /// The number of the last page.
    #[serde(default)]
    pub last_page: Option<u32>,
    /// The page size.
    #[serde(default)]
    pub per_page: Option<u32>,
    /// The position of the last item on this page, `None` when the page is empty.
    #[serde(default)]
    pub to: Option<u64>,
    /// The number of items across all pages.
    #[serde(default)]
    pub total: Option<u64>,
}

/// `links` of a list. `next`/`prev` are left out on the last/first page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListLinks {
    /// The first page.
    #[serde(default)]
    pub first: Option<String>,
    /// The last page.
    #[serde(default)]
    pub last: Option<String>,
    /// The next page, absent on the last page.
    #[serde(default)]
    pub next: Option<String>,
    /// The previous page, absent on the first page.
    #[serde(default)]
    pub prev: Option<String>,
}

/// `links` of a resource or a single-resource document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResourceLinks {
    /// The resource's own URL.
    #[serde(default, rename = "self")]
    pub self_link: Option<String>,
}

/// A relationship of a resource: its links, and its linkage when it was `include`d.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Relationship {
    /// The related and relationship URLs.
    #[serde(default)]
    pub links: Option<RelationshipLinks>,
    /// The linkage: one identifier, a list, or `null` (kept as sent; its shape is unconfirmed).
    #[serde(default)]
    pub data: Option<Value>,
}

impl Relationship {
    /// The linked resources, whether `data` was a single identifier or a list.
    pub fn identifiers(&self) -> Vec<ResourceIdentifier> {
        match &self.data {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(|v| serde_json::from_value(v.clone()).ok())
                .collect(),
            Some(v @ Value::Object(_)) => serde_json::from_value(v.clone()).into_iter().collect(),
            _ => Vec::new(),
        }
    }
}

/// `{type, id}` of a linked resource.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ResourceIdentifier {
    /// The resource type (`license-keys`).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The resource id, as sent (a string of digits).
    #[serde(deserialize_with = "keyward_core::de::string")]
    pub id: String,
}

/// The `related` and `self` URLs of a relationship.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct RelationshipLinks {
    /// The related resource.
    #[serde(default)]
    pub related: Option<String>,
    /// The relationship itself.
    #[serde(default, rename = "self")]
    pub self_link: Option<String>,
}

/// Relationships by name (`store`, `order-item`, `license-key`, …).
pub(crate) type Relationships = BTreeMap<String, Relationship>;

/// One element of a JSON:API `errors` array, every member kept.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct JsonApiError {
    /// A unique id for this occurrence.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "keyward_core::de::opt_string"
    )]
    pub id: Option<String>,
    /// The HTTP status, as a string (`"422"`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "keyward_core::de::opt_string"
    )]
    pub status: Option<String>,
    /// An application-specific code.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "keyward_core::de::opt_string"
    )]
    pub code: Option<String>,
    /// A short summary (`"Unprocessable Entity"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What went wrong, in words (the useful part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Which part of the request it is about.
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_page_comes_from_meta_or_the_next_link() {
        let mut page: ListPage<Value> = serde_json::from_str(
            r#"{"meta":{"page":{"currentPage":2,"lastPage":3}},"links":{},"data":[1]}"#,
        )
        .unwrap();
        assert_eq!(page.next_page_number(), Some(3));
        page.page = PageMeta::default();
        assert_eq!(page.next_page_number(), None);
        page.links.next =
            Some("https://x/v1/license-keys?page%5Bnumber%5D=12&page%5Bsize%5D=2".into());
        assert_eq!(page.next_page_number(), Some(12));
        page.links.next = Some("https://x/v1/license-keys?page[number]=4".into());
        assert_eq!(page.next_page_number(), Some(4));
        page.data.clear();
        assert!(!page.has_next());
    }
}
