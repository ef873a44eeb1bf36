//! Validate, activate, deactivate: the public customer-portal endpoints, which need no token (the
//! organization id scopes the key lookup; this crate sends none, so an app can call them) and
//! which Polar rate-limits to 3 requests a second per client (a 60 s block after that); or
//! their authenticated twins under `/v1/license-keys/`, for servers, with the same bodies,
//! answers and errors and no such limit.

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request, Response};
use serde::Serialize;

use crate::client::Client;
use crate::error::{check, op};
use crate::ids::{invalid, require_uuid};
use crate::models::{
    ActivateLicenseKey, ActivatedLicenseKey, DeactivateBody, ValidateLicenseKey,
    ValidatedLicenseKey,
};

/// Validate, activate, deactivate; from [`Client::licenses`] (public) or
/// [`Client::authenticated_licenses`] (with the access token).
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
    authenticated: bool,
}

#[derive(Serialize)]
struct WithKey<'a, T> {
    key: &'a str,
    organization_id: &'a str,
    #[serde(flatten)]
    options: &'a T,
}

impl Licenses {
    pub(crate) fn new(client: Client, authenticated: bool) -> Self {
        Self {
            client,
            authenticated,
        }
    }

    /// The path of `action`: `/v1/customer-portal/license-keys/…` or `/v1/license-keys/…`.
    fn route<'a>(&self, action: &'a str) -> Vec<&'a str> {
        if self.authenticated {
            vec!["v1", "license-keys", action]
        } else {
            vec!["v1", "customer-portal", "license-keys", action]
        }
    }

    async fn send(&self, request: Request) -> Result<Response, LicenseError> {
        let response = if self.authenticated {
            self.client.send_admin(request).await?
        } else {
            self.client.send_public(request).await?
        };
        check(response)
    }

    /// `POST …/license-keys/validate`: 200 with the key (and the activation,
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
        let mut request = Request::post(op::VALIDATE, self.route("validate"))?;
        if options.spends_nothing() {
            request = request.idempotency_override(Idempotency::Idempotent);
        }
        let request = request.redact_key(key).json(&WithKey {
            key: key.expose(),
            organization_id: self.client.organization_id(),
            options: &options,
        })?;
        self.send(request).await?.model()
    }

    /// `POST …/license-keys/activate`: creates an activation (a device); 200
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
        let request = Request::post(op::ACTIVATE, self.route("activate"))?
            .redact_key(key)
            .json(&WithKey {
                key: key.expose(),
                organization_id: self.client.organization_id(),
                options: activation,
            })?;
        self.send(request).await?.model()
    }

    /// `POST …/license-keys/deactivate`: removes the activation; 204.
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
        let request = Request::post(op::DEACTIVATE, self.route("deactivate"))?
            .redact_key(key)
            .accept("*/*")?
            .json(&DeactivateBody {
                key: key.expose(),
                organization_id: self.client.organization_id(),
                activation_id: &activation_id,
            })?;
        self.send(request).await.map(drop)
    }
}

fn require_key(key: &SecretLicenseKey, operation: &'static str) -> Result<(), LicenseError> {
    if key.is_empty() {
        return Err(invalid(operation, "the license key is empty"));
    }
    Ok(())
}
