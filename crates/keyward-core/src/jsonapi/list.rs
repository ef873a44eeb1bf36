//! One page of a listing: its resources, its `links` (where the next page is) and what its
//! `meta` says about where it sits.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::included_of;
use crate::{AttachRaw, RawJson};

/// One page of a listing. `M` is what the provider's `meta` says about the page (Lemon
/// Squeezy's `meta.page`); by default the `meta` as sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>, M: ListMeta"))]
#[non_exhaustive]
pub struct ListPage<T, M = Option<Value>> {
    /// The resources on this page.
    pub data: Vec<T>,
    /// What the document's `meta` says about this page, as `M` reads it.
    #[serde(default, rename = "meta", deserialize_with = "M::from_meta")]
    pub page: M,
    /// Links to this, the first, last, next and previous pages (empty when none were sent).
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub links: ListLinks,
    /// Related resources asked for with `include`, as sent.
    #[serde(default, deserialize_with = "crate::de::null_as_default")]
    pub included: Vec<Value>,
}

impl<T, M: ListMeta> ListPage<T, M> {
    /// The included resources of one `type`, decoded; those that do not decode are skipped.
    pub fn included_of<R: DeserializeOwned>(&self, resource_type: &str) -> Vec<R> {
        included_of(&self.included, resource_type)
    }

    /// Whether a page follows this one (by number or by cursor).
    pub fn has_next(&self) -> bool {
        self.next_page_number().is_some() || self.next_cursor().is_some()
    }

    /// The number of the page after this one, as the `meta` says (see [`ListMeta`]), else the
    /// `page[number]` of `links.next`. `None` on the last page and on an empty page.
    pub fn next_page_number(&self) -> Option<u32> {
        if self.data.is_empty() {
            return None;
        }
        self.page.next_page_number(self.links.next_page_number())
    }

    /// The `page[cursor]` of `links.next` (cursor paging). `None` on the last page and on an
    /// empty page.
    pub fn next_cursor(&self) -> Option<String> {
        if self.data.is_empty() {
            return None;
        }
        self.links.next_cursor()
    }
}

impl<T: AttachRaw, M> AttachRaw for ListPage<T, M> {
    fn attach_raw(&mut self, raw: RawJson) {
        self.data.attach_raw(raw.at("/data"));
    }
}

/// What a list's `meta` says about where its page sits, as one provider writes it.
pub trait ListMeta: Default + Sized {
    /// Reads the document's `meta` (called when it is present, `null` included).
    ///
    /// # Errors
    /// When `meta` does not have the provider's shape.
    fn from_meta<'de, D: Deserializer<'de>>(meta: D) -> Result<Self, D::Error>;

    /// The number of the page after this one, given the `page[number]` of `links.next`
    /// (`next_link`). By default that link; a `meta` that knows where the page sits may answer
    /// from itself.
    fn next_page_number(&self, next_link: Option<u32>) -> Option<u32> {
        next_link
    }
}

/// The `meta` as sent (`None` when absent or `null`); the next page is the one `links.next` names.
impl ListMeta for Option<Value> {
    fn from_meta<'de, D: Deserializer<'de>>(meta: D) -> Result<Self, D::Error> {
        Option::<Value>::deserialize(meta)
    }
}

/// `links` of a list page. Which are sent depends on the provider and the paging: `next` is
/// absent or `null` on the last page, `prev` on the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ListLinks {
    /// This page.
    #[serde(default, rename = "self")]
    pub self_link: Option<String>,
    /// The first page.
    #[serde(default)]
    pub first: Option<String>,
    /// The last page.
    #[serde(default)]
    pub last: Option<String>,
    /// The next page; `None` on the last.
    #[serde(default)]
    pub next: Option<String>,
    /// The previous page; `None` on the first.
    #[serde(default)]
    pub prev: Option<String>,
    /// The number of pages and of items, where the server adds them to the links (Keygen's
    /// offset pagination).
    #[serde(default)]
    pub meta: Option<PageCounts>,
}

impl ListLinks {
    /// The `page[number]` of `next`; `None` when there is no next page or it names none.
    pub fn next_page_number(&self) -> Option<u32> {
        self.next_param("page[number]")?.parse().ok()
    }

    /// The `page[cursor]` of `next`; `None` when there is no next page or it names none.
    pub fn next_cursor(&self) -> Option<String> {
        self.next_param("page[cursor]").filter(|c| !c.is_empty())
    }

    /// A query parameter of `next` (a path, or a URL on any host), percent-decoded.
    pub fn next_param(&self, name: &str) -> Option<String> {
        let base = url::Url::parse("http://jsonapi.invalid/").ok()?;
        let next = base.join(self.next.as_deref()?).ok()?;
        next.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// `links.meta` of an offset page, where the server sends it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct PageCounts {
    /// How many pages there are.
    #[serde(default, deserialize_with = "crate::de::opt_uint")]
    pub pages: Option<u64>,
    /// How many items there are across all pages.
    #[serde(default, deserialize_with = "crate::de::opt_uint")]
    pub count: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(json: &str) -> ListPage<Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_next_page_comes_from_the_next_link_encoded_or_not_on_any_host() {
        let encoded = r#"{"data":[1],"links":{"next":"https://x/v1/license-keys?page%5Bnumber%5D=12&page%5Bsize%5D=2"}}"#;
        assert_eq!(page(encoded).next_page_number(), Some(12));
        let plain = r#"{"data":[1],"links":{"next":"/v1/licenses?page[number]=4&page[size]=5"}}"#;
        assert_eq!(page(plain).next_page_number(), Some(4));
        let cursor = r#"{"data":[1],"links":{"self":"/v1/l","next":"/v1/l?page[cursor]=b2f9"}}"#;
        assert_eq!(page(cursor).next_cursor().as_deref(), Some("b2f9"));
        assert_eq!(page(cursor).next_page_number(), None);
        assert!(page(cursor).has_next());
    }

    #[test]
    fn no_next_link_or_an_empty_page_is_the_end() {
        for json in [
            r#"{"data":[1]}"#,
            r#"{"data":[1],"links":null,"meta":null,"included":null}"#,
            r#"{"data":[1],"links":{"next":null}}"#,
            r#"{"data":[1],"links":{"next":"/v1/l?page[cursor]="}}"#,
            r#"{"data":[],"links":{"next":"/v1/l?page[number]=2"}}"#,
        ] {
            assert!(!page(json).has_next(), "{json}");
        }
    }

    #[test]
    fn links_meta_counts_and_unknown_members_decode() {
        let p = page(
            r#"{"data":[],"links":{"meta":{"pages":"4","count":40},"other":1},"meta":{"k":true}}"#,
        );
        assert_eq!(p.links.meta.and_then(|m| m.pages), Some(4));
        assert_eq!(p.links.meta.and_then(|m| m.count), Some(40));
        assert_eq!(p.page, Some(serde_json::json!({"k": true})));
    }
}
