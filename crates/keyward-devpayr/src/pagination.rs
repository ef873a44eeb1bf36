//! Cursor pagination: one list request for any project collection, its page, and a stream that
//! walks every page.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;

use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use keyward_core::{LicenseError, Page, PageToken};
use keyward_http::Request;
use serde::de::DeserializeOwned;

use crate::client::{Client, require_data};
use crate::error::Call;
use crate::models::{CursorPage, Envelope};

/// The largest page size DevPayr accepts.
pub const MAX_PER_PAGE: u32 = 50;

/// A stream of records that walks every page.
pub type RecordStream<T> = Pin<Box<dyn Stream<Item = Result<T, LicenseError>> + Send + 'static>>;

/// A request for one page of a project's records (`GET /project/{project}/{collection}`);
/// finish with [`send`](Self::send).
#[must_use = "call .send() to fetch the page"]
pub struct ListPage<T> {
    client: Client,
    operation: &'static str,
    project: String,
    collection: &'static str,
    per_page: Option<u32>,
    cursor: Option<String>,
    item: PhantomData<fn() -> T>,
}

impl<T> Clone for ListPage<T> {
    fn clone(&self) -> Self {
        Self {
            client: self.client.clone(),
            operation: self.operation,
            project: self.project.clone(),
            collection: self.collection,
            per_page: self.per_page,
            cursor: self.cursor.clone(),
            item: PhantomData,
        }
    }
}

impl<T> fmt::Debug for ListPage<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListPage")
            .field("operation", &self.operation)
            .field("project", &self.project)
            .field("per_page", &self.per_page)
            .field("cursor", &self.cursor)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + keyward_core::AttachRaw + Send + 'static> ListPage<T> {
    pub(crate) fn new(
        client: Client,
        operation: &'static str,
        project: &str,
        collection: &'static str,
    ) -> Self {
        Self {
            client,
            operation,
            project: project.to_owned(),
            collection,
            per_page: None,
            cursor: None,
            item: PhantomData,
        }
    }

    /// Sets the page size (1 to 50; DevPayr's default is 20 for licenses, 50 for domains).
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page);
        self
    }

    /// Starts at this cursor (a previous page's `next`).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Fetches the page.
    pub async fn send(self) -> Result<Page<T>, LicenseError> {
        let request = Request::get(
            self.operation,
            ["project", self.project.as_str(), self.collection],
        )?;
        let request = self
            .client
            .api_request(paging(request, self.per_page, self.cursor)?)?;
        let envelope: Envelope<CursorPage<T>> = self.client.execute(request, Call::Other).await?;
        Ok(to_page(require_data(envelope, self.operation)?))
    }

    /// Every record, walking the pages 50 at a time.
    pub(crate) fn into_stream(self) -> RecordStream<T> {
        walk(move |cursor| {
            let mut list = self.clone().per_page(MAX_PER_PAGE);
            list.cursor = cursor;
            list.send()
        })
    }
}

/// Adds `per_page` (checked against 1..=50) and `cursor` to a list request.
pub(crate) fn paging(
    request: Request,
    per_page: Option<u32>,
    cursor: Option<String>,
) -> Result<Request, LicenseError> {
    if let Some(n) = per_page
        && !(1..=MAX_PER_PAGE).contains(&n)
    {
        return Err(LicenseError::invalid_input(format!(
            "{}: per_page must be between 1 and {MAX_PER_PAGE}, not {n}",
            request.operation()
        )));
    }
    Ok(request
        .query_opt("per_page", per_page)
        .query_opt("cursor", cursor))
}

/// A cursor page as a [`Page`]; an empty cursor counts as the end.
fn to_page<T>(page: CursorPage<T>) -> Page<T> {
    let next = page
        .next_cursor
        .filter(|c| !c.is_empty())
        .map(PageToken::Cursor);
    Page::new(page.data, next)
}

/// Walks cursor pages with `fetch(cursor)`, stopping at the last page or when the server hands
/// back the cursor it was just given (which would loop forever).
fn walk<T, F, Fut>(fetch: F) -> RecordStream<T>
where
    T: Send + 'static,
    F: Fn(Option<String>) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<Page<T>, LicenseError>> + Send + 'static,
{
    let pages = stream::try_unfold(Some(None::<String>), move |state| {
        let asked = state.clone().flatten();
        let fetched = state.map(&fetch);
        async move {
            let Some(fetched) = fetched else {
                return Ok(None);
            };
            let page = fetched.await?;
            let next = match page.next {
                Some(PageToken::Cursor(c)) if Some(&c) == asked.as_ref() => {
                    return Err(LicenseError::decode(
                        "the server returned the same cursor again; stopping",
                    ));
                }
                Some(PageToken::Cursor(c)) => Some(Some(c)),
                _ => None,
            };
            Ok(Some((page.items, next)))
        }
    });
    pages
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}
