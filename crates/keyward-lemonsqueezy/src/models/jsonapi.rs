//! Lemon Squeezy's side of JSON:API: the `meta.page` of its lists. The documents themselves are
//! [`keyward_core::jsonapi`]'s.

use keyward_core::jsonapi::ListMeta;
use serde::{Deserialize, Deserializer, Serialize};

/// One page of a listing, with Lemon Squeezy's `meta.page` in [`page`](keyward_core::jsonapi::ListPage::page).
pub type ListPage<T> = keyward_core::jsonapi::ListPage<T, PageMeta>;

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

impl ListMeta for PageMeta {
    /// `meta.page`; the rest of `meta` is not read.
    fn from_meta<'de, D: Deserializer<'de>>(meta: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Meta {
            #[serde(default)]
            page: PageMeta,
        }
        Ok(Option::<Meta>::deserialize(meta)?
            .map(|m| m.page)
            .unwrap_or_default())
    }

    /// `currentPage + 1` while below `lastPage`; the `page[number]` of `links.next` when the
    /// meta does not say both.
    fn next_page_number(&self, next_link: Option<u32>) -> Option<u32> {
        match (self.current_page, self.last_page) {
            (Some(current), Some(last)) => (current < last).then(|| current.checked_add(1))?,
            _ => next_link,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[test]
    fn next_page_comes_from_meta_or_the_next_link() {
        let mut page: ListPage<Value> = serde_json::from_str(
            r#"{"meta":{"page":{"currentPage":2,"lastPage":3}},"links":{},"data":[1]}"#,
        )
        .unwrap();
        assert_eq!(page.next_page_number(), Some(3));
        page.page.current_page = Some(3);
        assert_eq!(page.next_page_number(), None);
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

    #[test]
    fn meta_without_page_or_null_reads_as_unknown() {
        for json in [
            r#"{"data":[],"meta":null}"#,
            r#"{"data":[],"meta":{"x":1}}"#,
        ] {
            let page: ListPage<Value> = serde_json::from_str(json).unwrap();
            assert_eq!(page.page, PageMeta::default());
        }
    }
}
