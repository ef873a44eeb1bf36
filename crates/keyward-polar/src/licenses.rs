//! The public customer-portal endpoints: validate, activate, deactivate. They need no token (the
//! organization id scopes the key lookup) and this crate sends none, so an app can call them.
//! Polar rate-limits them to 3 requests a second per client (a 60 s block after that).

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request};
use serde::Serialize;

use crate::client::Client;
use crate::error::{check, op};
use crate::ids::{invalid, require_uuid};
use crate::models::{
    ActivateLicenseKey, ActivatedLicenseKey, DeactivateBody, ValidateLicenseKey,
    ValidatedLicenseKey,
};

/// The public license endpoints; from [`Client::licenses`].
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
}

#[derive(Serialize)]
struct WithKey<'a, T> {
    key: &'a str,
    organization_id: &'a str,
    #[serde(flatten)]
    options: &'a T,
}

const PORTAL: [&str; 3] = ["v1", "customer-portal", "license-keys"];

fn route(action: &str) -> [&str; 4] {
    [PORTAL[0], PORTAL[1], PORTAL[2], action]
}

impl Licenses {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /v1/customer-portal/license-keys/validate`: 200 with the key (and the activation,
    /// when one was named) only when the key is usable. Counts a validation; counts usage only
    /// when [`increment_usage`](ValidateLicenseKey::increment_usage) is set.
    ///
    /// Polar answers every refusal with an error: 404 for an unknown, revoked, disabled,
    /// expired or mismatched key (kind `NotFound`), 400 when the usage asked exceeds what is left
    /// (kind `Conflict`); [`PolarErrorExt::polar_refusal`](crate::PolarErrorExt::polar_refusal)
    /// says which rule. Retried like a GET unless it counts usage.
    pub async fn validate(
        &self,
        key: &SecretLicenseKey,
        options: &ValidateLicenseKey,
    ) -> Result<ValidatedLicenseKey, LicenseError> {
        require_key(key, op::VALIDATE)?;
        let options = options.checked(op::VALIDATE)?;
        let mut request = Request::post(op::VALIDATE, route("validate"))?;
        if options.spends_nothing() {
            request = request.idempotency_override(Idempotency::Idempotent);
        }
        let request = request.redact(key.expose()).json(&WithKey {
            key: key.expose(),
            organization_id: self.client.organization_id(),
            options: &options,
        })?;
        check(self.client.send_public(request).await?)?.model()
    }

    /// `POST /v1/customer-portal/license-keys/activate`: creates an activation (a device); 200
    /// with it and its key. Store [`Activation::id`](crate::Activation::id) to validate and
    /// deactivate this device. Every call creates a new activation.
    ///
    /// Errors: 404 unknown key; 403 (kind `Conflict`) when the activation limit is reached, the
    /// key is revoked, disabled or expired, or its benefit has no activation limit (see
    /// [`Refusal`](crate::Refusal)). Never retried after an ambiguous failure: check
    /// `may_have_been_applied()`.
    pub async fn activate(
        &self,
        key: &SecretLicenseKey,
        activation: &ActivateLicenseKey,
    ) -> Result<ActivatedLicenseKey, LicenseError> {
        require_key(key, op::ACTIVATE)?;
        activation.check(op::ACTIVATE)?;
        let request = Request::post(op::ACTIVATE, route("activate"))?
            .redact(key.expose())
            .json(&WithKey {
                key: key.expose(),
                organization_id: self.client.organization_id(),
                options: activation,
            })?;
        check(self.client.send_public(request).await?)?.model()
    }

    /// `POST /v1/customer-portal/license-keys/deactivate`: removes the activation; 204.
    ///
    /// Errors: 404 when the key or the (live) activation is unknown, so a second deactivate of
    /// the same activation is a 404. Never retried after an ambiguous failure.
    pub async fn deactivate(
        &self,
        key: &SecretLicenseKey,
        activation_id: &str,
    ) -> Result<(), LicenseError> {
        require_key(key, op::DEACTIVATE)?;
        let activation_id = require_uuid(op::DEACTIVATE, "activation id", activation_id)?;
        let request = Request::post(op::DEACTIVATE, route("deactivate"))?
            .redact(key.expose())
            .accept("*/*")?
            .json(&DeactivateBody {
                key: key.expose(),
                organization_id: self.client.organization_id(),
                activation_id: &activation_id,
            })?;
        check(self.client.send_public(request).await?).map(drop)
    }
}

fn require_key(key: &SecretLicenseKey, operation: &'static str) -> Result<(), LicenseError> {
    if key.is_empty() {
        return Err(invalid(operation, "the license key is empty"));
    }
    Ok(())
}
