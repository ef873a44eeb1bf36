//! The public license endpoints: activate, validate, deactivate. They need no API key and this
//! crate sends none.

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request};
use serde::Serialize;

use crate::client::{Client, PROVIDER};
use crate::error::{check, op};
use crate::models::{Activation, Validation};

/// The public license endpoints; from [`Client::licenses`].
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
}

#[derive(Serialize)]
struct ActivateBody<'a> {
    license_key: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct ValidateBody<'a> {
    license_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_key_instance_id: Option<&'a str>,
}

#[derive(Serialize)]
struct DeactivateBody<'a> {
    license_key: &'a str,
    license_key_instance_id: &'a str,
}

impl Licenses {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// `POST /licenses/activate`: creates an instance (a device) of the key; 201 with the
    /// instance. Store [`Activation::id`]: it is needed to deactivate and to validate this device.
    ///
    /// Errors: 404 unknown key (`is_not_found`), 403 disabled or expired key
    /// ([`is_inactive_license`](crate::DodoErrorExt::is_inactive_license), kind `Conflict`), 422
    /// every activation in use
    /// ([`is_activation_limit_reached`](crate::DodoErrorExt::is_activation_limit_reached), kind
    /// `Conflict`). Never retried after an ambiguous failure (an activation could be spent twice):
    /// check `may_have_been_applied()`.
    pub async fn activate(
        &self,
        key: &SecretLicenseKey,
        instance_name: &str,
    ) -> Result<Activation, LicenseError> {
        require_key(key, op::ACTIVATE)?;
        if instance_name.trim().is_empty() {
            return Err(invalid(op::ACTIVATE, "the instance name is empty"));
        }
        let request = Request::post(op::ACTIVATE, ["licenses", "activate"])?
            .redact_key(key)
            .accept("application/json")?
            .json(&ActivateBody {
                license_key: key.expose(),
                name: instance_name,
            })?;
        let response = check(self.client.send_public(request).await?)?;
        response.model()
    }

    /// `POST /licenses/validate`: whether the key is active and unexpired, and, with an instance
    /// id, whether that instance still exists on it. An invalid key is `Ok` with `valid: false`.
    ///
    /// Read-only, so retried like a GET. Errors: 422 malformed request.
    pub async fn validate(
        &self,
        key: &SecretLicenseKey,
        instance_id: Option<&str>,
    ) -> Result<Validation, LicenseError> {
        require_key(key, op::VALIDATE)?;
        if instance_id.is_some_and(|id| id.trim().is_empty()) {
            return Err(invalid(op::VALIDATE, "the instance id is empty"));
        }
        let request = Request::post(op::VALIDATE, ["licenses", "validate"])?
            .idempotency_override(Idempotency::Idempotent)
            .redact_key(key)
            .accept("application/json")?
            .json(&ValidateBody {
                license_key: key.expose(),
                license_key_instance_id: instance_id,
            })?;
        let response = check(self.client.send_public(request).await?)?;
        response.json()
    }

    /// `POST /licenses/deactivate`: removes the instance, freeing its activation; 200 with an
    /// empty body.
    ///
    /// Errors: 404 unknown key, 403 instance unknown or not on this key (kind `NotFound`, code
    /// `LICENSE_KEY_NOT_FOUND`).
    pub async fn deactivate(
        &self,
        key: &SecretLicenseKey,
        instance_id: &str,
    ) -> Result<(), LicenseError> {
        require_key(key, op::DEACTIVATE)?;
        if instance_id.trim().is_empty() {
            return Err(invalid(op::DEACTIVATE, "the instance id is empty"));
        }
        let request = Request::post(op::DEACTIVATE, ["licenses", "deactivate"])?
            .redact_key(key)
            .accept("*/*")?
            .json(&DeactivateBody {
                license_key: key.expose(),
                license_key_instance_id: instance_id,
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

pub(crate) fn invalid(operation: &'static str, message: &str) -> LicenseError {
    LicenseError::invalid_input(message)
        .with_provider(PROVIDER)
        .with_operation(operation)
}
