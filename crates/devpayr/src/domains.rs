//! The domains of a project: list, create, show, delete. All need the API key.
//!
//! Path quirk kept from the API: list, create and delete use `/project/{p}/domains`, show uses
//! `/project/{p}/domain/{d}` (singular).

use license_core::{LicenseError, Page};
use license_http::Request;
use serde_json::Value;

use crate::client::{DevPayrClient, require_data};
use crate::error::Call;
use crate::licenses::{MAX_PER_PAGE, RecordStream, paging, to_page, walk};
use crate::models::{ActionOutcome, CursorPage, Domain, Envelope, NewDomain};

/// The domains of one project; from [`DevPayrClient::domains`].
#[derive(Debug, Clone)]
pub struct Domains {
    client: DevPayrClient,
    project: String,
}

impl Domains {
    pub(crate) fn new(client: DevPayrClient, project_id: u64) -> Self {
        Self {
            client,
            project: project_id.to_string(),
        }
    }

    /// One page: `GET /project/{project}/domains` (DevPayr's default page size is 50).
    pub fn list(&self) -> ListDomains {
        ListDomains {
            domains: self.clone(),
            per_page: None,
            cursor: None,
        }
    }

    /// Every domain, walking the pages.
    pub fn stream(&self) -> RecordStream<Domain> {
        let domains = self.clone();
        walk(move |cursor| {
            let domains = domains.clone();
            async move {
                let mut list = domains.list().per_page(MAX_PER_PAGE);
                list.cursor = cursor;
                list.send().await
            }
        })
    }

    /// Adds a domain (201): `POST /project/{project}/domains`. A duplicate is a rejected error
    /// with field errors; a plan's domain limit is a 403.
    pub async fn create(&self, domain: &NewDomain) -> Result<Domain, LicenseError> {
        if domain.domain.trim().is_empty() {
            return Err(LicenseError::invalid_input(
                "create domain: the domain is empty",
            ));
        }
        let request = Request::post(
            "create domain",
            ["project", self.project.as_str(), "domains"],
        )?
        .json(domain)?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<Domain> = self.client.execute(request, Call::Other).await?;
        require_data(envelope, "create domain")
    }

    /// One domain: `GET /project/{project}/domain/{domain}` (cached by DevPayr for 15 minutes).
    pub async fn show(&self, domain_id: u64) -> Result<Domain, LicenseError> {
        let id = domain_id.to_string();
        let request = Request::get(
            "show domain",
            ["project", self.project.as_str(), "domain", &id],
        )?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<Domain> = self.client.execute(request, Call::Other).await?;
        require_data(envelope, "show domain")
    }

    /// Deletes a domain: `DELETE /project/{project}/domains/{domain}`.
    pub async fn delete(&self, domain_id: u64) -> Result<ActionOutcome, LicenseError> {
        let id = domain_id.to_string();
        let request = Request::delete(
            "delete domain",
            ["project", self.project.as_str(), "domains", &id],
        )?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<Value> = self.client.execute(request, Call::Other).await?;
        Ok(ActionOutcome::from_envelope(envelope))
    }
}

/// A request for one page of domains; finish with [`send`](Self::send).
#[derive(Debug, Clone)]
#[must_use = "call .send() to fetch the page"]
pub struct ListDomains {
    domains: Domains,
    per_page: Option<u32>,
    cursor: Option<String>,
}

impl ListDomains {
    /// Sets the page size (1 to 50; DevPayr's default is 50).
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
    pub async fn send(self) -> Result<Page<Domain>, LicenseError> {
        let client = &self.domains.client;
        let request = Request::get(
            "list domains",
            ["project", self.domains.project.as_str(), "domains"],
        )?;
        let request = client.api_request(paging(request, self.per_page, self.cursor)?)?;
        let envelope: Envelope<CursorPage<Domain>> = client.execute(request, Call::Other).await?;
        Ok(to_page(require_data(envelope, "list domains")?))
    }
}
