//! The licenses of a project: list (cursor pages, or a stream of all), show, create, revoke,
//! reactivate, delete. All need the API key.

use std::pin::Pin;

use futures_core::Stream;
use futures_util::{StreamExt as _, TryStreamExt as _, stream};
use license_core::{LicenseError, Page, PageToken};
use license_http::Request;
use serde_json::Value;

use crate::client::{DevPayrClient, require_data};
use crate::error::Call;
use crate::models::{ActionOutcome, CursorPage, Envelope, License, NewLicense};

/// The default page size of the license list.
pub const DEFAULT_PER_PAGE: u32 = 20;
/// The largest page size DevPayr accepts.
pub const MAX_PER_PAGE: u32 = 50;

/// A stream of records that walks every page.
pub type RecordStream<T> = Pin<Box<dyn Stream<Item = Result<T, LicenseError>> + Send + 'static>>;

/// The licenses of one project; from [`DevPayrClient::licenses`].
#[derive(Debug, Clone)]
pub struct Licenses {
    client: DevPayrClient,
    project: String,
}

impl Licenses {
    pub(crate) fn new(client: DevPayrClient, project_id: u64) -> Self {
        Self {
            client,
            project: project_id.to_string(),
        }
    }

    /// One page, newest first: `GET /project/{project}/licenses`.
    pub fn list(&self) -> ListLicenses {
        ListLicenses {
            licenses: self.clone(),
            per_page: None,
            cursor: None,
        }
    }

    /// Every license, walking the pages (50 at a time).
    pub fn stream(&self) -> RecordStream<License> {
        let licenses = self.clone();
        walk(move |cursor| {
            let licenses = licenses.clone();
            async move {
                let mut list = licenses.list().per_page(MAX_PER_PAGE);
                list.cursor = cursor;
                list.send().await
            }
        })
    }

    /// One license by record id: `GET /project/{project}/licenses/{license}`. A license of
    /// another project is not found.
    pub async fn show(&self, license_id: u64) -> Result<License, LicenseError> {
        let id = license_id.to_string();
        let request = Request::get("show license", ["project", &self.project, "licenses", &id])?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<License> = self.client.execute(request, Call::Other).await?;
        require_data(envelope, "show license")
    }

    /// Creates a license (201): `POST /project/{project}/licenses`. Give its `uuid` to the
    /// customer. Validation failures (duplicate title, past `expires_at`) are rejected errors
    /// with field errors (see [`crate::devpayr_error`]).
    pub async fn create(&self, license: &NewLicense) -> Result<License, LicenseError> {
        if license.title.trim().is_empty() {
            return Err(LicenseError::invalid_input(
                "create license: the title is empty",
            ));
        }
        let request = Request::post("create license", ["project", &self.project, "licenses"])?
            .json(license)?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<License> = self.client.execute(request, Call::Other).await?;
        require_data(envelope, "create license")
    }

    /// Revokes an active license: `POST /project/{project}/licenses/{license}/revoke`. A
    /// license that is not active is a conflict ([`crate::ErrorReason::LicenseNotActive`]).
    pub async fn revoke(&self, license_id: u64) -> Result<ActionOutcome, LicenseError> {
        self.action("revoke license", license_id, "revoke", Call::Revoke)
            .await
    }

    /// Reactivates a revoked, unexpired license:
    /// `POST /project/{project}/licenses/{license}/reactivate`. A license that is not revoked or
    /// has expired is a conflict ([`crate::ErrorReason::LicenseNotRevoked`],
    /// [`crate::ErrorReason::LicenseExpired`]).
    pub async fn reactivate(&self, license_id: u64) -> Result<ActionOutcome, LicenseError> {
        self.action(
            "reactivate license",
            license_id,
            "reactivate",
            Call::Reactivate,
        )
        .await
    }

    /// Deletes a license: `DELETE /project/{project}/licenses/{license}`. A license of another
    /// project (or owner) is a conflict ([`crate::ErrorReason::LicenseNotInProject`], HTTP 422).
    pub async fn delete(&self, license_id: u64) -> Result<ActionOutcome, LicenseError> {
        let id = license_id.to_string();
        let request = Request::delete(
            "delete license",
            ["project", &self.project, "licenses", &id],
        )?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<Value> = self.client.execute(request, Call::Delete).await?;
        Ok(ActionOutcome::from_envelope(envelope))
    }

    async fn action(
        &self,
        operation: &'static str,
        license_id: u64,
        verb: &str,
        call: Call,
    ) -> Result<ActionOutcome, LicenseError> {
        let id = license_id.to_string();
        let request = Request::post(operation, ["project", &self.project, "licenses", &id, verb])?
            .json(&serde_json::json!({}))?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<Value> = self.client.execute(request, call).await?;
        Ok(ActionOutcome::from_envelope(envelope))
    }
}

/// A request for one page of licenses; finish with [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "call .send() to fetch the page"]
pub struct ListLicenses {
    licenses: Licenses,
    per_page: Option<u32>,
    cursor: Option<String>,
}

impl ListLicenses {
    /// Sets the page size (1 to 50; DevPayr's default is 20).
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
    pub async fn send(self) -> Result<Page<License>, LicenseError> {
        let client = &self.licenses.client;
        let request = Request::get(
            "list licenses",
            ["project", self.licenses.project.as_str(), "licenses"],
        )?;
        let request = paging(request, self.per_page, self.cursor)?;
        let request = client.api_request(request)?;
        let envelope: Envelope<CursorPage<License>> = client.execute(request, Call::Other).await?;
        Ok(to_page(require_data(envelope, "list licenses")?))
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
pub(crate) fn to_page<T>(page: CursorPage<T>) -> Page<T> {
    let next = page
        .next_cursor
        .filter(|c| !c.is_empty())
        .map(PageToken::Cursor);
    Page::new(page.data, next)
}

/// Walks cursor pages with `fetch(cursor)`, stopping at the last page or when the server hands
/// back the cursor it was just given (which would loop forever).
pub(crate) fn walk<T, F, Fut>(fetch: F) -> RecordStream<T>
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
