//! Listing: filters, the three ways Keygen pages (`limit`, `page[number]`, `page[cursor]`),
//! one page, and a stream over every page.

use std::fmt;
use std::marker::PhantomData;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use keyward_core::{AttachRaw, LicenseError};
use keyward_http::Request;
use serde::de::DeserializeOwned;

use crate::client::{Client, PROVIDER};
use crate::models::ListPage;

/// Where a listing starts and how it pages; `size` is `page[size]` (server default 10).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Paging {
    /// No `page`: the newest `limit` items (server default 10), no links.
    Limit(Option<u32>),
    /// `page[number]`.
    Offset { number: u32, size: Option<u32> },
    /// `page[cursor]` (an id; `None` for the first page: sent empty).
    Cursor {
        cursor: Option<String>,
        size: Option<u32>,
    },
}

/// A listing being set up: finish with [`send`](Self::send) for one page, [`pages`](Self::pages)
/// or [`stream`](Self::stream) for all of them.
#[must_use = "a listing does nothing until `.send()` or `.stream()`"]
pub struct Listing<T> {
    client: Client,
    operation: &'static str,
    path: &'static str,
    filters: Vec<(String, String)>,
    paging: Paging,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for Listing<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            path: self.path,
            filters: self.filters.clone(),
            paging: self.paging.clone(),
            item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listing")
            .field("operation", &self.operation)
            .field(
                "filters",
                &self.filters.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field("paging", &self.paging)
            .finish_non_exhaustive()
    }
}

impl<T> Listing<T> {
    /// A filter (`product`, `status`, `metadata[tier]`, `expires[before]`, …): one value per name.
    pub fn filter(mut self, name: impl Into<String>, value: impl ToString) -> Self {
        let name = name.into();
        self.filters.retain(|(n, _)| *n != name);
        self.filters.push((name, value.to_string()));
        self
    }

    /// No paging: the newest `limit` items (1–100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.paging = Paging::Limit(Some(limit));
        self
    }

    /// Offset paging from page `number` (from 1).
    pub fn page(mut self, number: u32) -> Self {
        let size = self.size();
        self.paging = Paging::Offset { number, size };
        self
    }

    /// Cursor paging after the item `cursor` (`None`: from the start).
    pub fn cursor(mut self, cursor: Option<String>) -> Self {
        let size = self.size();
        self.paging = Paging::Cursor { cursor, size };
        self
    }

    /// `page[size]` (1–100; the server's default is 10) for offset or cursor paging; offset
    /// paging from page 1 when neither was chosen.
    pub fn per_page(mut self, size: u32) -> Self {
        self.paging = match self.paging {
            Paging::Offset { number, .. } => Paging::Offset {
                number,
                size: Some(size),
            },
            Paging::Cursor { cursor, .. } => Paging::Cursor {
                cursor,
                size: Some(size),
            },
            Paging::Limit(_) => Paging::Offset {
                number: 1,
                size: Some(size),
            },
        };
        self
    }

    fn size(&self) -> Option<u32> {
        match &self.paging {
            Paging::Offset { size, .. } | Paging::Cursor { size, .. } => *size,
            Paging::Limit(_) => None,
        }
    }
}

impl<T: DeserializeOwned + AttachRaw + Send + 'static> Listing<T> {
    pub(crate) fn new(client: &Client, operation: &'static str, path: &'static str) -> Self {
        Self {
            client: client.clone(),
            operation,
            path,
            filters: Vec::new(),
            paging: Paging::Limit(None),
            item: PhantomData,
        }
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<ListPage<T>, LicenseError> {
        fetch_page(
            &self.client,
            self.operation,
            self.path,
            &self.filters,
            &self.paging,
        )
        .await
    }

    /// Every page, one request each, following `links.next` (its `page` parameters only, on
    /// this client's host) until there is none. A `limit` listing is one page.
    pub fn pages(self) -> impl Stream<Item = Result<ListPage<T>, LicenseError>> + Send + 'static {
        let Self {
            client,
            operation,
            path,
            filters,
            paging,
            ..
        } = self;
        stream::try_unfold(Some(paging), move |next| {
            let client = client.clone();
            let filters = filters.clone();
            async move {
                let Some(paging) = next else {
                    return Ok(None);
                };
                let page: ListPage<T> =
                    fetch_page(&client, operation, path, &filters, &paging).await?;
                // An empty page has no next page (see `ListPage::next_page_number`).
                let following = next_paging(&paging, &page);
                Ok(Some((page, following)))
            }
        })
    }

    /// Every item of every page.
    pub fn stream(self) -> impl Stream<Item = Result<T, LicenseError>> + Send + 'static {
        self.pages()
            .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }
}

async fn fetch_page<T: DeserializeOwned + AttachRaw>(
    client: &Client,
    operation: &'static str,
    path: &'static str,
    filters: &[(String, String)],
    paging: &Paging,
) -> Result<ListPage<T>, LicenseError> {
    let bad = |m: &str| {
        LicenseError::invalid_input(m)
            .with_provider(PROVIDER)
            .with_operation(operation)
    };
    let size_ok = |n: u32| (1..=100).contains(&n);
    let mut request = Request::get(operation, client.path(&[path]))?;
    for (name, value) in filters {
        request = request.query(name.clone(), value.clone());
    }
    request = match paging {
        Paging::Limit(limit) => {
            if limit.is_some_and(|n| !size_ok(n)) {
                return Err(bad("limit must be between 1 and 100"));
            }
            request.query_opt("limit", *limit)
        }
        Paging::Offset { number, size } => {
            if *number == 0 || size.is_some_and(|n| !size_ok(n)) {
                return Err(bad("page numbers start at 1 and sizes are 1 to 100"));
            }
            request
                .query("page[number]", number.to_string())
                .query_opt("page[size]", *size)
        }
        Paging::Cursor { cursor, size } => {
            if size.is_some_and(|n| !size_ok(n)) {
                return Err(bad("page sizes are 1 to 100"));
            }
            request
                .query("page[cursor]", cursor.as_deref().unwrap_or_default())
                .query_opt("page[size]", *size)
        }
    };
    let request = client.prepare(request, true)?;
    client.send_document(request).await
}

/// The paging of the page after `page`, fetched with `current`: only forward, never a page
/// already passed (a server pointing back would loop for ever).
fn next_paging<T>(current: &Paging, page: &ListPage<T>) -> Option<Paging> {
    match current {
        Paging::Limit(_) => None,
        Paging::Offset { number, size } => {
            let following = page.next_page_number()?;
            (following > *number).then_some(Paging::Offset {
                number: following,
                size: *size,
            })
        }
        Paging::Cursor { cursor, size } => {
            let following = page.next_cursor()?;
            (Some(&following) != cursor.as_ref()).then_some(Paging::Cursor {
                cursor: Some(following),
                size: *size,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(next: Option<&str>) -> ListPage<serde_json::Value> {
        serde_json::from_value(serde_json::json!({"data": [1], "links": {"next": next}})).unwrap()
    }

    #[test]
    fn next_pages_come_from_the_links_and_only_go_forward() {
        let offset = Paging::Offset {
            number: 2,
            size: Some(5),
        };
        let link = "/v1/accounts/a/licenses?page%5Bnumber%5D=3&page%5Bsize%5D=5";
        assert_eq!(
            next_paging(&offset, &page(Some(link))),
            Some(Paging::Offset {
                number: 3,
                size: Some(5)
            })
        );
        let back = "/v1/accounts/a/licenses?page[number]=1&page[size]=5";
        assert_eq!(next_paging(&offset, &page(Some(back))), None);
        assert_eq!(next_paging(&offset, &page(None)), None);
        let cursor = Paging::Cursor {
            cursor: None,
            size: Some(2),
        };
        let link = "/v1/accounts/a/licenses?page[cursor]=b2f9&page[size]=2";
        assert_eq!(
            next_paging(&cursor, &page(Some(link))),
            Some(Paging::Cursor {
                cursor: Some("b2f9".into()),
                size: Some(2)
            })
        );
        let same = Paging::Cursor {
            cursor: Some("b2f9".into()),
            size: Some(2),
        };
        assert_eq!(next_paging(&same, &page(Some(link))), None);
        assert_eq!(next_paging(&Paging::Limit(None), &page(Some(link))), None);
    }
}
