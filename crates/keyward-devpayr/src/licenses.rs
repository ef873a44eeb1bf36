//! The licenses of a project: list (cursor pages, or a stream of all), show, create, revoke,
//! reactivate, delete. All need the API key.

use keyward_core::LicenseError;
use keyward_http::Request;
use serde_json::Value;

use crate::client::{Client, require_data};
use crate::error::Call;
use crate::models::{ActionOutcome, Envelope, License, NewLicense};
use crate::pagination::{ListPage, RecordStream};

/// The default page size of the license list.
pub const DEFAULT_PER_PAGE: u32 = 20;

/// A request for one page of licenses; finish with [`ListPage::send`].
pub type ListLicenses = ListPage<License>;

/// The licenses of one project; from [`Client::licenses`].
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
    project: String,
}

impl Licenses {
    pub(crate) fn new(client: Client, project_id: u64) -> Self {
        Self {
            client,
            project: project_id.to_string(),
        }
    }

    /// One page, newest first: `GET /project/{project}/licenses`.
    pub fn list(&self) -> ListLicenses {
        ListPage::new(
            self.client.clone(),
            "list licenses",
            &self.project,
            "licenses",
        )
    }

    /// Every license, walking the pages (50 at a time).
    pub fn stream(&self) -> RecordStream<License> {
        self.list().into_stream()
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
