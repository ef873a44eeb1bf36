//! Page-number pagination, sent explicitly.
//!
//! Dodo pages by `page_size` (default 10, at most 100) and `page_number` (the server's default is
//! 0) and answers only `{"items": [...]}`: no total, no next link. Dodo's own SDKs omit
//! `page_number` on the first request and then ask for page 2, which skips page 1 when the server
//! counts from 0. This crate always sends both parameters, starts at 0 (or where you say), adds
//! one each time, and stops on an empty or short page.

use std::collections::VecDeque;
use std::future::Future;

use futures_core::Stream;
use futures_util::stream;
use keyward_core::LicenseError;
use keyward_http::Request;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::check;
use crate::models::ListEnvelope;
use crate::models::Paging;

/// The page size Dodo uses when none is sent.
pub const DEFAULT_PAGE_SIZE: u32 = 10;
/// The largest page size Dodo serves.
pub const MAX_PAGE_SIZE: u32 = 100;

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The `page_number` that was sent.
    pub page_number: u32,
    /// The `page_size` that was sent.
    pub page_size: u32,
}

impl<T> Page<T> {
    /// The page number to ask for next, or `None` when this page is the last one (empty, or
    /// shorter than the page size).
    pub fn next_page_number(&self) -> Option<u32> {
        let full = !self.items.is_empty() && self.items.len() >= self.page_size as usize;
        if full {
            self.page_number.checked_add(1)
        } else {
            None
        }
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next_page_number().is_none()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A page size Dodo accepts: 1 to 100.
pub(crate) fn clamp_page_size(size: u32) -> u32 {
    size.clamp(1, MAX_PAGE_SIZE)
}

/// The parameters of one listing endpoint: where it is, its filters, its paging.
pub(crate) trait Listing: Clone + Send + Sync + 'static {
    /// What the listing's `items` hold.
    type Item: DeserializeOwned + keyward_core::AttachRaw + Send + 'static;
    /// The operation name used in errors and traces.
    const OPERATION: &'static str;
    /// The endpoint's path segments (`["entitlements", id, "grants"]`).
    fn segments(&self) -> Vec<&str>;
    /// The page size, and the page a walk starts at.
    fn paging(&self) -> Paging;
    /// Adds the filters to the request.
    fn filters(&self, request: Request) -> Request;
}

/// Fetches page `page_number` of a listing, sending `page_size` and `page_number` explicitly.
pub(crate) async fn fetch_page<L: Listing>(
    client: &Client,
    params: &L,
    page_number: u32,
) -> Result<Page<L::Item>, LicenseError> {
    let page_size = params.paging().size;
    let request = Request::get(L::OPERATION, params.segments())?
        .query("page_size", page_size.to_string())
        .query("page_number", page_number.to_string());
    let request = params.filters(request);
    let envelope: ListEnvelope<L::Item> = check(client.send_admin(request).await?)?.model()?;
    Ok(Page {
        items: envelope.items,
        page_number,
        page_size,
    })
}

/// Every item of a listing, page after page from its page number.
pub(crate) fn fetch_all<L: Listing>(
    client: &Client,
    params: L,
) -> impl Stream<Item = Result<L::Item, LicenseError>> + Send + 'static {
    let client = client.clone();
    walk(params.paging().number, move |number| {
        let client = client.clone();
        let params = params.clone();
        async move { fetch_page(&client, &params, number).await }
    })
}

/// Walks every page from `first`, yielding items; stops after the last page or the first error.
fn walk<T, F, Fut>(first: u32, fetch: F) -> impl Stream<Item = Result<T, LicenseError>>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<Page<T>, LicenseError>>,
{
    struct State<T, F> {
        next: Option<u32>,
        buffer: VecDeque<T>,
        fetch: F,
    }
    let state = State {
        next: Some(first),
        buffer: VecDeque::new(),
        fetch,
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffer.pop_front() {
                return Some((Ok(item), state));
            }
            let number = state.next?;
            match (state.fetch)(number).await {
                Ok(page) => {
                    state.next = page.next_page_number();
                    state.buffer.extend(page.items);
                }
                Err(error) => {
                    state.next = None;
                    return Some((Err(error), state));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_page_rules() {
        let page = |n: usize| Page {
            items: vec![0; n],
            page_number: 3,
            page_size: 2,
        };
        assert_eq!(page(2).next_page_number(), Some(4));
        assert_eq!(page(3).next_page_number(), Some(4));
        assert!(page(1).is_last());
        assert!(page(0).is_last());
        let end = Page {
            items: vec![0],
            page_number: u32::MAX,
            page_size: 1,
        };
        assert!(end.is_last());
        assert_eq!(clamp_page_size(0), 1);
        assert_eq!(clamp_page_size(500), 100);
    }
}
