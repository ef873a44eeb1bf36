//! `GET /v1/license-key-instances`: retrieve and list. Instances are created and removed only
//! through the License API.

use futures_util::TryStreamExt;
use keyward_core::LicenseError;
use keyward_http::Request;

use crate::client::Client;
use crate::ids::{InstanceId, LicenseKeyId, LicenseKeyInstanceId};
use crate::models::{Document, LicenseKeyInstance};
use crate::pagination::Listing;

const PATH: &str = "license-key-instances";

/// The `license-key-instances` resource.
#[derive(Debug, Clone)]
pub struct LicenseKeyInstances {
    client: Client,
}

impl LicenseKeyInstances {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `GET /v1/license-key-instances/{id}` (the numeric id, not the UUID).
    pub async fn retrieve(
        &self,
        id: LicenseKeyInstanceId,
    ) -> Result<Document<LicenseKeyInstance>, LicenseError> {
        self.retrieve_including(id, &[]).await
    }

    /// `GET /v1/license-key-instances/{id}?include=license-key`.
    pub async fn retrieve_including(
        &self,
        id: LicenseKeyInstanceId,
        include: &[&str],
    ) -> Result<Document<LicenseKeyInstance>, LicenseError> {
        let mut request = Request::get(
            "retrieve license key instance",
            ["v1", PATH, &id.to_string()],
        )?;
        if !include.is_empty() {
            request = request.query("include", include.join(","));
        }
        let request = self.client.json_api(request, false)?;
        self.client.send_document(request).await
    }

    /// The instance of key `license_key_id` whose `identifier` is `instance_id` (the UUID the
    /// License API hands out). There is no lookup by UUID: this walks the key's instances.
    pub async fn find_by_identifier(
        &self,
        license_key_id: LicenseKeyId,
        instance_id: &InstanceId,
    ) -> Result<Option<LicenseKeyInstance>, LicenseError> {
        let mut instances = std::pin::pin!(
            self.list()
                .license_key_id(license_key_id)
                .per_page(100)
                .stream()
        );
        while let Some(instance) = instances.try_next().await? {
            if instance.attributes.identifier == *instance_id {
                return Ok(Some(instance));
            }
        }
        Ok(None)
    }

    /// `GET /v1/license-key-instances`: finish with `.send()` or `.stream()`.
    pub fn list(&self) -> ListLicenseKeyInstances {
        Listing::new(&self.client, "list license key instances", PATH)
    }
}

/// An instance listing being set up: the filter here, paging and sending on [`Listing`].
pub type ListLicenseKeyInstances = Listing<LicenseKeyInstance>;

impl Listing<LicenseKeyInstance> {
    /// `filter[license_key_id]`: only this key's instances.
    pub fn license_key_id(mut self, id: impl Into<LicenseKeyId>) -> Self {
        self.query.filter("license_key_id", id.into());
        self
    }
}
