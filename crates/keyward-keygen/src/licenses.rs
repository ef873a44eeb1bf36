//! `/licenses`: validation (by key with no credential, by id with one), reading, listing, check-out,
//! and the admin calls (create, update, suspend, reinstate, renew, revoke).

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request};

use crate::client::{Client, JSON_API, PROVIDER};
use crate::models::{
    Checkout, CheckoutOptions, Document, License, NewLicense, UpdateLicense, Validation,
    ValidationScope, validation_meta,
};
use crate::pagination::Listing;

const PATH: &str = "licenses";

/// The `licenses` resource.
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
}

impl Licenses {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /licenses/actions/validate-key`: needs no credential. An unknown, expired or
    /// out-of-scope key is an answer (`valid: false` and its code), not an error.
    pub async fn validate_key(
        &self,
        key: &SecretLicenseKey,
        scope: &ValidationScope,
    ) -> Result<Validation, LicenseError> {
        self.validate_key_with_nonce(key, scope, None).await
    }

    /// [`validate_key`](Self::validate_key) with a nonce: Keygen echoes it in `meta.nonce`,
    /// under the response signature, so a signed answer cannot be replayed for another request.
    /// An answer echoing another nonce is a signature error.
    pub async fn validate_key_with_nonce(
        &self,
        key: &SecretLicenseKey,
        scope: &ValidationScope,
        nonce: Option<i64>,
    ) -> Result<Validation, LicenseError> {
        if key.is_empty() {
            return Err(input("validate license key", "the license key is empty"));
        }
        let request = Request::post(
            "validate license key",
            self.client.path(&[PATH, "actions", "validate-key"]),
        )?
        .redact_key(key)
        .idempotency_override(Idempotency::Idempotent)
        .json_as(JSON_API, &validation_meta(Some(key), scope, nonce))?;
        let request = self.client.prepare(request, false)?;
        checked_nonce(self.client.send_document(request).await?, nonce)
    }

    /// `POST /licenses/{id}/actions/validate` (id or key; needs a credential), with a scope.
    pub async fn validate(
        &self,
        id: &str,
        scope: &ValidationScope,
        nonce: Option<i64>,
    ) -> Result<Validation, LicenseError> {
        let request = Request::post(
            "validate license",
            self.client.path(&[PATH, id, "actions", "validate"]),
        )?
        .idempotency_override(Idempotency::Idempotent)
        .json_as(JSON_API, &validation_meta(None, scope, nonce))?;
        let request = self.client.prepare(request, true)?;
        checked_nonce(self.client.send_document(request).await?, nonce)
    }

    /// `GET /licenses/{id}` (an id, or a key: Keygen looks keys up too).
    pub async fn get(&self, id: &str) -> Result<Document<License>, LicenseError> {
        let request = Request::get("retrieve license", self.client.path(&[PATH, id]))?.redact(id);
        let request = self.client.prepare(request, true)?;
        self.client.send_document(request).await
    }

    /// `GET /licenses` with filters and paging: finish with `.send()` or `.stream()`.
    pub fn list(&self) -> ListLicenses {
        Listing::new(&self.client, "list licenses", PATH)
    }

    /// `POST /licenses/{id}/actions/check-out`: a license file (verify it with
    /// [`LicenseFile`](crate::LicenseFile) before reading it).
    pub async fn check_out(
        &self,
        id: &str,
        options: &CheckoutOptions,
    ) -> Result<Document<Checkout>, LicenseError> {
        let path = [PATH, id, "actions", "check-out"];
        self.client
            .check_out("check out license", &path, options)
            .await
    }

    /// `GET /licenses/{id}/actions/check-out`: the license file's certificate alone.
    pub async fn download_file(
        &self,
        id: &str,
        options: &CheckoutOptions,
    ) -> Result<String, LicenseError> {
        let path = [PATH, id, "actions", "check-out"];
        self.client
            .download("download license file", &path, options)
            .await
    }

    /// `GET /licenses/{id}/actions/validate`: the quick validation (no scope, no nonce).
    pub async fn validate_quick(&self, id: &str) -> Result<Validation, LicenseError> {
        let request = Request::get(
            "quick validate license",
            self.client.path(&[PATH, id, "actions", "validate"]),
        )?;
        let request = self.client.prepare(request, true)?;
        self.client.send_document(request).await
    }

    /// `POST /licenses` (token): 201 with the license.
    pub async fn create(&self, license: &NewLicense) -> Result<Document<License>, LicenseError> {
        if license.policy_id.is_empty() {
            return Err(input("create license", "a license needs a policy id"));
        }
        let mut request = Request::post("create license", self.client.path(&[PATH]))?
            .json_as(JSON_API, &license.to_document())?;
        if let Some(key) = &license.key {
            request = request.redact_key(key);
        }
        let request = self.client.prepare_admin(request)?;
        self.client.send_document(request).await
    }

    /// `PATCH /licenses/{id}` (token): sends only what `update` changes. Retried like an
    /// idempotent call: it sets absolute values.
    pub async fn update(
        &self,
        id: &str,
        update: &UpdateLicense,
    ) -> Result<Document<License>, LicenseError> {
        if update.is_empty() {
            return Err(input("update license", "the update changes nothing"));
        }
        let request = Request::patch("update license", self.client.path(&[PATH, id]))?
            .idempotency_override(Idempotency::Idempotent)
            .json_as(JSON_API, &update.to_document(id))?;
        let request = self.client.prepare_admin(request)?;
        self.client.send_document(request).await
    }

    /// `POST /licenses/{id}/actions/suspend` (token; 422 when suspended already).
    pub async fn suspend(&self, id: &str) -> Result<Document<License>, LicenseError> {
        self.action("suspend license", id, "suspend").await
    }

    /// `POST /licenses/{id}/actions/reinstate` (token; 422 when not suspended).
    pub async fn reinstate(&self, id: &str) -> Result<Document<License>, LicenseError> {
        self.action("reinstate license", id, "reinstate").await
    }

    /// `POST /licenses/{id}/actions/renew` (token; 422 when the policy has no duration).
    pub async fn renew(&self, id: &str) -> Result<Document<License>, LicenseError> {
        self.action("renew license", id, "renew").await
    }

    /// `DELETE /licenses/{id}/actions/revoke` (token): 204; the license is deleted.
    pub async fn revoke(&self, id: &str) -> Result<(), LicenseError> {
        let request = Request::delete(
            "revoke license",
            self.client.path(&[PATH, id, "actions", "revoke"]),
        )?;
        let request = self.client.prepare_admin(request)?;
        self.client.send_empty(request).await
    }

    async fn action(
        &self,
        operation: &'static str,
        id: &str,
        action: &str,
    ) -> Result<Document<License>, LicenseError> {
        let request = Request::post(operation, self.client.path(&[PATH, id, "actions", action]))?;
        let request = self
            .client
            .prepare_admin(request)?
            .header("content-type", JSON_API)?;
        self.client.send_document(request).await
    }
}

/// A license listing being set up: filters here, paging on [`Listing`].
pub type ListLicenses = Listing<License>;

impl Listing<License> {
    /// `product=…`.
    pub fn product(self, id: &str) -> Self {
        self.filter("product", id)
    }

    /// `policy=…`.
    pub fn policy(self, id: &str) -> Self {
        self.filter("policy", id)
    }

    /// `owner=…` (a user id).
    pub fn owner(self, id: &str) -> Self {
        self.filter("owner", id)
    }

    /// `machine=…`.
    pub fn machine(self, id: &str) -> Self {
        self.filter("machine", id)
    }

    /// `status=…` (`ACTIVE`, `INACTIVE`, `EXPIRING`, `EXPIRED`, `SUSPENDED`, `BANNED`).
    pub fn status(self, status: &crate::models::LicenseStatus) -> Self {
        self.filter("status", status)
    }

    /// `metadata[key]=value`.
    pub fn metadata(self, key: &str, value: &str) -> Self {
        self.filter(format!("metadata[{key}]"), value)
    }
}

fn input(operation: &'static str, message: &str) -> LicenseError {
    LicenseError::invalid_input(message)
        .with_provider(PROVIDER)
        .with_operation(operation)
}

/// Refuses an answer whose `meta.nonce` is not the one sent.
fn checked_nonce(validation: Validation, nonce: Option<i64>) -> Result<Validation, LicenseError> {
    match nonce {
        Some(sent) if validation.meta.nonce != Some(sent) => Err(crate::signatures::refused(
            "the answer does not echo the nonce sent",
        )),
        _ => Ok(validation),
    }
}
