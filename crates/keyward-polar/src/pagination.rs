//! Page-number pagination: `page` (from 1) and `limit` (at most 100), answered with the total
//! count and the last page number, so a walk knows where to stop without an extra request.

use futures_core::Stream;
use futures_util::{TryStreamExt, stream};
use keyward_core::LicenseError;
use keyward_http::Request;

use crate::client::Client;
use crate::error::{check, op};
use crate::models::{LicenseKey, ListEnvelope, ListLicenseKeys, Pagination};

/// The page size Polar uses when none is sent.
pub const DEFAULT_LIMIT: u32 = 10;
/// The largest page size Polar serves.
pub const MAX_LIMIT: u32 = 100;

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page.
    pub items: Vec<T>,
    /// The `page` that was sent (1-based).
    pub page: u32,
    /// The `limit` that was sent.
    pub limit: u32,
    /// The total count and last page number Polar sent.
    pub pagination: Pagination,
}

impl<T> Page<T> {
    /// The page to ask for next, or `None` when this page is the last one (Polar's `max_page`
    /// reached, or an empty page).
    pub fn next_page(&self) -> Option<u32> {
        let more = !self.items.is_empty() && i64::from(self.page) < self.pagination.max_page;
        if more { self.page.checked_add(1) } else { None }
    }

    /// Whether this is the last page.
    pub fn is_last(&self) -> bool {
        self.next_page().is_none()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Fetches page `page` of the admin key listing.
pub(crate) async fn fetch_page(
    client: &Client,
    params: &ListLicenseKeys,
    page: u32,
) -> Result<Page<LicenseKey>, LicenseError> {
    let limit = params.paging.limit;
    let mut request = Request::get(op::LIST_KEYS, ["v1", "license-keys"])?
        .trailing_slash()
        .query("organization_id", client.organization_id())
        .query("page", page.to_string())
        .query("limit", limit.to_string());
    for id in &params.benefit_ids {
        request = request.query("benefit_id", id.as_str());
    }
    for status in &params.statuses {
        request = request.query("status", status.as_str());
    }
    let envelope: ListEnvelope<LicenseKey> = check(client.send_admin(request).await?)?.model()?;
    Ok(Page {
        items: envelope.items,
        page,
        limit,
        pagination: envelope.pagination,
    })
}

/// Every key of the listing, page after page from its first page; stops after the last page or
/// at the first error.
pub(crate) fn fetch_all(
    client: &Client,
    params: ListLicenseKeys,
) -> impl Stream<Item = Result<LicenseKey, LicenseError>> + Send + 'static {
    let client = client.clone();
    let first = Some(params.paging.page);
    stream::try_unfold(first, move |next| {
        let client = client.clone();
        let params = params.clone();
        async move {
            let Some(number) = next else {
                return Ok(None);
            };
            let page = fetch_page(&client, &params, number).await?;
            let next = page.next_page();
            Ok(Some((stream::iter(page.items.into_iter().map(Ok)), next)))
        }
    })
    .try_flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_page_rules() {
        let page = |n: usize, page: u32, max_page: i64| Page {
            items: vec![0; n],
            page,
            limit: 2,
            pagination: Pagination {
                total_count: 5,
                max_page,
            },
        };
        assert_eq!(page(2, 1, 3).next_page(), Some(2));
        assert!(page(1, 3, 3).is_last());
        assert!(page(0, 1, 3).is_last());
        assert!(page(2, u32::MAX, i64::MAX).is_last());
    }
}
