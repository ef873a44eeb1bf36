//! `/v2/licenses/*`: verify (public), enable, disable, decrement the uses count (OAuth token
//! with `edit_products`). Form-encoded, as Gumroad documents them.

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request};
use serde::Serialize;

use crate::client::{Client, PROVIDER};
use crate::error::{check, op};
use crate::models::License;

/// The license endpoints; from [`Client::licenses`].
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
}

#[derive(Serialize)]
struct Form<'a> {
    product_id: &'a str,
    license_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    increment_uses_count: Option<&'static str>,
}

impl Licenses {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    fn form<'a>(&'a self, key: &'a SecretLicenseKey, increment: Option<&'static str>) -> Form<'a> {
        Form {
            product_id: self.client.product_id(),
            license_key: key.expose(),
            increment_uses_count: increment,
        }
    }

    /// `POST /v2/licenses/verify` with `increment_uses_count=false`: checks the key and spends
    /// nothing (Gumroad counts a use on every verify unless told not to). Retried like a GET.
    ///
    /// Errors (404, see [`Refusal`](crate::Refusal)): unknown key, disabled key, purchase access
    /// expired. A refunded or charged-back purchase still answers 200: read
    /// [`Purchase::is_void`](crate::Purchase::is_void).
    pub async fn verify(&self, key: &SecretLicenseKey) -> Result<License, LicenseError> {
        let request = self
            .request(op::VERIFY, "verify", key)?
            .idempotency_override(Idempotency::Idempotent)
            .form(&self.form(key, Some("false")))?;
        successful(check(self.client.send_public(request).await?)?.model())
    }

    /// `POST /v2/licenses/verify` counting one use (`uses += 1`): for a seat or launch count.
    /// Never retried after an ambiguous failure (a use could be counted twice).
    pub async fn verify_and_count(&self, key: &SecretLicenseKey) -> Result<License, LicenseError> {
        let request = self
            .request(op::VERIFY, "verify", key)?
            .form(&self.form(key, None))?;
        successful(check(self.client.send_public(request).await?)?.model())
    }

    /// `PUT /v2/licenses/enable` (token): the key verifies again.
    pub async fn enable(&self, key: &SecretLicenseKey) -> Result<License, LicenseError> {
        self.admin(op::ENABLE, "enable", key).await
    }

    /// `PUT /v2/licenses/disable` (token): verify answers 404 "has been disabled".
    pub async fn disable(&self, key: &SecretLicenseKey) -> Result<License, LicenseError> {
        self.admin(op::DISABLE, "disable", key).await
    }

    /// `PUT /v2/licenses/decrement_uses_count` (token): one use less (never below 0). Not
    /// idempotent: never retried after an ambiguous failure.
    pub async fn decrement_uses_count(
        &self,
        key: &SecretLicenseKey,
    ) -> Result<License, LicenseError> {
        self.admin(op::DECREMENT, "decrement_uses_count", key).await
    }

    async fn admin(
        &self,
        operation: &'static str,
        action: &str,
        key: &SecretLicenseKey,
    ) -> Result<License, LicenseError> {
        let mut request = Request::put(operation, ["v2", "licenses", action])?;
        // Enable and disable set a state: repeating them changes nothing.
        if operation == op::DECREMENT {
            request = request.idempotency_override(Idempotency::NonIdempotent);
        }
        if key.is_empty() {
            return Err(empty(operation));
        }
        let request = request.redact_key(key).form(&self.form(key, None))?;
        successful(check(self.client.send_admin(request).await?)?.model())
    }

    fn request(
        &self,
        operation: &'static str,
        action: &str,
        key: &SecretLicenseKey,
    ) -> Result<Request, LicenseError> {
        if key.is_empty() {
            return Err(empty(operation));
        }
        Ok(Request::post(operation, ["v2", "licenses", action])?.redact_key(key))
    }
}

/// A decoded answer that says `success: false` in a 2xx is not an answer: a decode error.
fn successful(license: Result<License, LicenseError>) -> Result<License, LicenseError> {
    let license = license?;
    if license.success {
        Ok(license)
    } else {
        Err(
            LicenseError::decode("Gumroad answered 2xx without `success: true`")
                .with_provider(PROVIDER),
        )
    }
}

fn empty(operation: &'static str) -> LicenseError {
    LicenseError::invalid_input("the license key is empty")
        .with_provider(PROVIDER)
        .with_operation(operation)
}
