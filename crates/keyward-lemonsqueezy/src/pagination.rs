//! Listing: query parameters shared by both lists, one page, and a stream over every page.

use std::fmt;
use std::marker::PhantomData;

use futures_core::Stream;
use futures_util::{StreamExt, TryStreamExt, stream};
use keyward_core::{AttachRaw, LicenseError};
use keyward_http::Request;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::models::ListPage;

/// A listing being set up (filters, page, size, include): finish with [`send`](Self::send) for
/// one page, [`pages`](Self::pages) or [`stream`](Self::stream) for all of them.
#[must_use = "a listing does nothing until `.send()` or `.stream()`"]
pub struct Listing<T> {
    client: Client,
    operation: &'static str,
    path: &'static str,
    pub(crate) query: ListQuery,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for Listing<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            path: self.path,
            query: self.query.clone(),
            item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listing")
            .field("client", &self.client)
            .field("operation", &self.operation)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + AttachRaw + Send + 'static> Listing<T> {
    pub(crate) fn new(client: &Client, operation: &'static str, path: &'static str) -> Self {
        Self {
            client: client.clone(),
            operation,
            path,
            query: ListQuery::default(),
            item: PhantomData,
        }
    }

    /// `page[number]` (1-based): the page `.send()` fetches, or where `.stream()` starts.
    pub fn page(mut self, number: u32) -> Self {
        self.query.page_number = Some(number);
        self
    }

    /// `page[size]` (default 10 on the server).
    pub fn per_page(mut self, size: u32) -> Self {
        self.query.page_size = Some(size);
        self
    }

    /// `include=…`: related resources to return in `included`.
    pub fn include(mut self, related: &str) -> Self {
        self.query.include.push(related.to_owned());
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<ListPage<T>, LicenseError> {
        let number = self.query.page_number;
        fetch_page(&self.client, self.operation, self.path, &self.query, number).await
    }

    /// Every page, one request each, until the last.
    pub fn pages(self) -> impl Stream<Item = Result<ListPage<T>, LicenseError>> + Send + 'static {
        pages(self.client, self.operation, self.path, self.query)
    }

    /// Every item of every page, until the last page.
    pub fn stream(self) -> impl Stream<Item = Result<T, LicenseError>> + Send + 'static {
        items(self.client, self.operation, self.path, self.query)
    }
}

/// Filters, page and include of one list call.
#[derive(Debug, Clone, Default)]
pub(crate) struct ListQuery {
    pub(crate) filters: Vec<(&'static str, String)>,
    pub(crate) page_number: Option<u32>,
    pub(crate) page_size: Option<u32>,
    pub(crate) include: Vec<String>,
}

impl ListQuery {
    pub(crate) fn filter(&mut self, name: &'static str, value: impl ToString) {
        self.filters.retain(|(n, _)| *n != name);
        self.filters.push((name, value.to_string()));
    }
}

/// Fetches one page of `path` (`license-keys`).
async fn fetch_page<T: DeserializeOwned + AttachRaw>(
    client: &Client,
    operation: &'static str,
    path: &'static str,
    query: &ListQuery,
    page_number: Option<u32>,
) -> Result<ListPage<T>, LicenseError> {
    if query.page_size == Some(0) || page_number == Some(0) {
        return Err(
            LicenseError::invalid_input("page numbers and sizes start at 1")
                .with_provider("lemonsqueezy")
                .with_operation(operation),
        );
    }
    let mut request = Request::get(operation, ["v1", path])?;
    for (name, value) in &query.filters {
        request = request.query(format!("filter[{name}]"), value.clone());
    }
    request = request
        .query_opt("page[number]", page_number)
        .query_opt("page[size]", query.page_size);
    if !query.include.is_empty() {
        request = request.query("include", query.include.join(","));
    }
    let request = client.json_api(request, false)?;
    client.send_document(request).await
}

/// Every page from `query.page_number` (default 1) to the last, one request per page.
///
/// Walks by `page[number]` rather than following `links.next` (those links name the production
/// host even behind a base-URL override), and stops at the last page, on an empty page, or when
/// the server answers with another page than the one asked for.
fn pages<T: DeserializeOwned + AttachRaw + Send + 'static>(
    client: Client,
    operation: &'static str,
    path: &'static str,
    query: ListQuery,
) -> impl Stream<Item = Result<ListPage<T>, LicenseError>> + Send + 'static {
    let first = query.page_number.unwrap_or(1);
    stream::try_unfold(Some(first), move |next| {
        let client = client.clone();
        let query = query.clone();
        async move {
            let Some(number) = next else {
                return Ok(None);
            };
            let page: ListPage<T> =
                fetch_page(&client, operation, path, &query, Some(number)).await?;
            if let Some(current) = page.page.current_page.filter(|c| *c != number) {
                return Err(LicenseError::decode(format!(
                    "asked for page {number} but the answer is page {current}"
                ))
                .with_provider("lemonsqueezy")
                .with_operation(operation));
            }
            // Only ever forward: a server that points back would loop for ever.
            let following = page.next_page_number().filter(|n| *n > number);
            Ok(Some((page, following)))
        }
    })
}

/// Every item of every page.
fn items<T: DeserializeOwned + AttachRaw + Send + 'static>(
    client: Client,
    operation: &'static str,
    path: &'static str,
    query: ListQuery,
) -> impl Stream<Item = Result<T, LicenseError>> + Send + 'static {
    pages::<T>(client, operation, path, query)
        .map_ok(|page| stream::iter(page.data.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}
