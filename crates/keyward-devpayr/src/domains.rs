//! The domains of a project: list, create, show, update, delete. All need the API key.
//!
//! Path quirk kept from the API: list, create and delete use `/project/{p}/domains`, show uses
//! `/project/{p}/domain/{d}` (singular), and so does update (`PUT`, as DevPayr's PHP SDK sends it).

use keyward_core::LicenseError;
use keyward_http::Request;
use serde_json::Value;

use crate::client::{Client, require_data};
use crate::error::Call;
use crate::models::{ActionOutcome, Domain, DomainUpdate, Envelope, NewDomain};
use crate::pagination::{ListPage, RecordStream};

/// A request for one page of domains; finish with [`ListPage::send`].
pub type ListDomains = ListPage<Domain>;

/// The domains of one project; from [`Client::domains`].
#[derive(Debug, Clone)]
pub struct Domains {
    client: Client,
    project: String,
}

impl Domains {
    pub(crate) fn new(client: Client, project_id: u64) -> Self {
        Self {
            client,
            project: project_id.to_string(),
        }
    }

    /// One page: `GET /project/{project}/domains` (DevPayr's default page size is 50).
    pub fn list(&self) -> ListDomains {
        ListPage::new(
            self.client.clone(),
            "list domains",
            &self.project,
            "domains",
        )
    }

    /// Every domain, walking the pages (50 at a time).
    pub fn stream(&self) -> RecordStream<Domain> {
        self.list().into_stream()
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

    /// Changes a domain: `PUT /project/{project}/domain/{domain}` with only the fields set.
    /// Errors: 404 when the domain is not in this project, 422 a rejected field (a duplicate
    /// name), 403 a plan limit. Absolute values: safe to retry.
    pub async fn update(
        &self,
        domain_id: u64,
        update: &DomainUpdate,
    ) -> Result<Domain, LicenseError> {
        if update
            .domain
            .as_deref()
            .is_some_and(|d| d.trim().is_empty())
        {
            return Err(LicenseError::invalid_input(
                "update domain: the domain is empty",
            ));
        }
        let id = domain_id.to_string();
        let request = Request::put(
            "update domain",
            ["project", self.project.as_str(), "domain", &id],
        )?
        .json(update)?;
        let request = self.client.api_request(request)?;
        let envelope: Envelope<Domain> = self.client.execute(request, Call::Other).await?;
        require_data(envelope, "update domain")
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
