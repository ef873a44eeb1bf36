//! Gumroad behind [`LicenseProvider`] (verify, without counting a use) and [`LicenseAdmin`]
//! (get = verify, update = enable/disable, with an OAuth token).

pub mod mapping;

use ::keyward_gumroad::GumroadErrorExt;
use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, DeactivateRequest, LicenseAdmin,
    LicenseError, LicenseKey, LicenseProvider, Patch, Provider, SecretLicenseKey, UpdateRequest,
    ValidateRequest, ValidationOutcome,
};

use self::mapping as map;
use super::common::{missing_admin_key, unsupported_input};

const PROVIDER: Provider = Provider::Gumroad;

/// Gumroad as a [`LicenseProvider`].
///
/// Validate is Gumroad's verify with `increment_uses_count=false`: checking a key spends
/// nothing. Gumroad has no activations (only a uses counter): activate and deactivate answer the
/// trait's unsupported error, and [`capabilities`](LicenseProvider::capabilities) say so. A
/// refunded, charged-back or ended purchase is `Invalid { Revoked }`.
#[derive(Clone, Debug)]
pub struct GumroadProvider {
    client: keyward_gumroad::Client,
}

impl GumroadProvider {
    /// A provider over `client` (bound to its product).
    pub fn new(client: keyward_gumroad::Client) -> Self {
        Self { client }
    }

    /// The underlying client (counting a use, decrementing).
    pub fn client(&self) -> &keyward_gumroad::Client {
        &self.client
    }

    /// The admin role (enable, disable); a config error without an OAuth token.
    pub fn admin(self) -> Result<GumroadAdmin, LicenseError> {
        if !self.client.has_api_key() {
            return Err(missing_admin_key(PROVIDER, keyward_gumroad::API_KEY_ENV));
        }
        Ok(GumroadAdmin { provider: self })
    }

    fn admin_capabilities(&self) -> Capabilities {
        let mut c = Capabilities::none();
        c.validate = true;
        c.get = true;
        c.update = true;
        c
    }

    async fn verify(&self, key: &SecretLicenseKey) -> Result<ValidationOutcome, LicenseError> {
        match self.client.licenses().verify(key).await {
            Ok(answer) => {
                let license = map::license(&answer, key);
                Ok(
                    match super::common::reason_for_status(&map::status(&answer)) {
                        Some(reason) => ValidationOutcome::invalid(reason, license),
                        None => ValidationOutcome::valid(license, None),
                    },
                )
            }
            Err(error) => match error.gumroad_refusal().and_then(map::reason) {
                Some(reason) => Ok(ValidationOutcome::invalid(reason, None)),
                None => Err(error),
            },
        }
    }
}

#[async_trait]
impl LicenseProvider for GumroadProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /v2/licenses/verify` with `increment_uses_count=false` (instances are ignored:
    /// Gumroad has none).
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        self.verify(&request.key).await
    }

    /// Unsupported: Gumroad has no activations (count uses with the client's
    /// `verify_and_count` if a seat count is what you need).
    async fn activate(&self, _request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        Err(LicenseError::unsupported(PROVIDER.as_str(), "activate"))
    }

    /// Unsupported: Gumroad has no activations.
    async fn deactivate(&self, _request: DeactivateRequest) -> Result<(), LicenseError> {
        Err(LicenseError::unsupported(PROVIDER.as_str(), "deactivate"))
    }
}

/// Gumroad with an OAuth token (`edit_products`).
#[derive(Clone, Debug)]
pub struct GumroadAdmin {
    provider: GumroadProvider,
}

impl GumroadAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &GumroadProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(GumroadAdmin);

#[async_trait]
impl LicenseAdmin for GumroadAdmin {
    /// A verify that counts nothing. Gumroad finds a license only by its key: pass the key as
    /// `id` (the license answered carries the purchase's id, not the key).
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let key = SecretLicenseKey::new(id);
        let answer = self.provider.client.licenses().verify(&key).await?;
        licensed(&answer, &key, "get")
    }

    /// `disabled` only (Gumroad keys have no limit or expiry to change): `PUT
    /// /v2/licenses/disable` or `/enable`; `id` is the license key (Gumroad's only handle). The
    /// request's `Debug` shows `id` as given: do not log a Gumroad update request.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        if !request.activation_limit.is_keep() || !matches!(request.expires_at, Patch::Keep) {
            return Err(unsupported_input(
                PROVIDER,
                "update",
                "Gumroad keys have no limit or expiry",
            ));
        }
        let key = SecretLicenseKey::new(request.id.clone());
        let licenses = self.provider.client.licenses();
        let answer = match request.disabled {
            Some(true) => licenses.disable(&key).await?,
            Some(false) => licenses.enable(&key).await?,
            None => return self.get(&request.id).await,
        };
        let mut license = licensed(&answer, &key, "update")?;
        if request.disabled == Some(true) {
            license.status = keyward_core::LicenseStatus::Disabled;
        }
        Ok(license)
    }
}

/// The license of an admin answer; a decode error when it names no purchase or imported customer.
fn licensed(
    answer: &keyward_gumroad::License,
    key: &SecretLicenseKey,
    operation: &'static str,
) -> Result<LicenseKey, LicenseError> {
    map::license(answer, key).ok_or_else(|| {
        LicenseError::decode("Gumroad's answer names no purchase or imported customer")
            .with_provider(PROVIDER.as_str())
            .with_operation(operation)
    })
}
