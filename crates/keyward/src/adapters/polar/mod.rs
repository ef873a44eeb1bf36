//! Polar behind [`LicenseProvider`] (the public customer-portal validate, activate, deactivate)
//! and [`LicenseAdmin`] (the admin license-key endpoints, with an organization access token:
//! get, list, update, instances).

pub mod mapping;

use ::keyward_polar::models::{LicenseKeyStatus, ListLicenseKeys, UpdateLicenseKey};
use ::keyward_polar::{ActivateLicenseKey, PolarErrorExt, Refusal, ValidateLicenseKey};
use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, DeactivateRequest, Instance,
    InstancesRequest, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider, LicenseStatus,
    ListRequest, Page, PageToken, Patch, Provider, UpdateRequest, ValidateRequest,
    ValidationOutcome,
};

use self::mapping as map;
use super::common::{missing_admin_key, unsupported_input};

const PROVIDER: Provider = Provider::Polar;

/// Polar as a [`LicenseProvider`].
///
/// Built from a [`keyward::polar::Client`](crate::polar::Client) bound to your organization. The
/// app-side calls use Polar's public customer-portal endpoints (no token). Polar answers a
/// refused key with an HTTP error whose detail names the rule; this provider reads it, so an
/// unknown, revoked, disabled or expired key is `Ok(Invalid { reason })` and an activation at the
/// limit is `Ok(Refused { LimitReached })`. A key whose benefit sets no activation limit cannot
/// be activated at Polar: activate answers `Refused` and says to validate it instead.
///
/// ```no_run
/// use std::sync::Arc;
///
/// use keyward::{LicenseProvider, PolarProvider, ValidateRequest};
///
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// let client = keyward::polar::Client::builder()
///     .organization_id("fda84e25-7b55-4d67-916d-60ead04ff61f")
///     .build()?;
/// let provider: Arc<dyn LicenseProvider> = Arc::new(PolarProvider::new(client));
/// let outcome = provider.validate(ValidateRequest::new("1C285B2D-…")).await?;
/// println!("valid: {}", outcome.is_valid());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct PolarProvider {
    client: keyward_polar::Client,
}

impl PolarProvider {
    /// A provider over `client` (its `Debug` redacts the token).
    pub fn new(client: keyward_polar::Client) -> Self {
        Self { client }
    }

    /// The underlying client, for what the trait does not cover (usage counting, conditions,
    /// the authenticated twins, page streams).
    pub fn client(&self) -> &keyward_polar::Client {
        &self.client
    }

    /// This provider with the seller's access token, for [`LicenseAdmin`]'s operations besides
    /// the app-side ones; a config error when the client holds no token.
    pub fn admin(self) -> Result<PolarAdmin, LicenseError> {
        if !self.client.has_api_key() {
            return Err(missing_admin_key(PROVIDER, keyward_polar::API_KEY_ENV));
        }
        Ok(PolarAdmin { provider: self })
    }

    /// Every operation the provider has, in both roles (Polar creates keys only on purchase).
    fn admin_capabilities(&self) -> Capabilities {
        let mut c = Capabilities::all_operations();
        c.create = false;
        c
    }
}

/// The refusal an error stands for, if it is one.
fn refusal_of(error: &LicenseError) -> Option<Refusal> {
    error.polar_refusal()
}

#[async_trait]
impl LicenseProvider for PolarProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /v1/customer-portal/license-keys/validate`, with `activation_id` when an instance
    /// is given (`instance_name` is not something Polar validates by, and is ignored); no usage
    /// is counted. Polar says "Not found" alike for an unknown key and an unknown activation: in
    /// that case the key is checked alone once more, so an unknown activation of a good key is
    /// `InstanceMismatch`.
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let licenses = self.client.licenses();
        let mut options = ValidateLicenseKey::new();
        if let Some(instance) = &request.instance_id {
            options = options.activation_id(instance.clone());
        }
        let error = match licenses.validate(&request.key, &options).await {
            Ok(valid) => {
                let instance = valid.activation.as_ref().map(map::instance);
                return Ok(ValidationOutcome::valid(
                    Some(map::license(&valid.license_key)),
                    instance,
                ));
            }
            Err(error) => error,
        };
        let Some(refusal) = refusal_of(&error) else {
            return Err(error);
        };
        if refusal == Refusal::NotFound && request.instance_id.is_some() {
            let alone = licenses
                .validate(&request.key, &ValidateLicenseKey::new())
                .await;
            match alone {
                Ok(valid) => {
                    let license = Some(Box::new(map::license(&valid.license_key)));
                    let reason = keyward_core::InvalidReason::InstanceMismatch;
                    return Ok(ValidationOutcome::Invalid { reason, license });
                }
                Err(again) => match refusal_of(&again) {
                    Some(refusal) => {
                        return Ok(ValidationOutcome::invalid(map::reason(&refusal), None));
                    }
                    None => return Err(again),
                },
            }
        }
        Ok(ValidationOutcome::invalid(map::reason(&refusal), None))
    }

    /// `POST /v1/customer-portal/license-keys/activate` labelled with `instance_name`. Polar's
    /// refusals (limit reached, key inactive or expired, key without activations, unknown key)
    /// are `Refused`; each call creates an activation, and it is never retried after an
    /// ambiguous failure.
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let activation = ActivateLicenseKey::new(request.instance_name.clone());
        match self
            .client
            .licenses()
            .activate(&request.key, &activation)
            .await
        {
            Ok(activated) => Ok(ActivationOutcome::Activated {
                instance: map::instance(&activated.activation),
                license: Some(Box::new(map::license(&activated.license_key))),
            }),
            Err(error) => match refusal_of(&error) {
                Some(refusal) => Ok(ActivationOutcome::Refused {
                    reason: map::reason(&refusal),
                    license: None,
                }),
                None => Err(error),
            },
        }
    }

    /// `POST /v1/customer-portal/license-keys/deactivate`: an unknown key or activation (also a
    /// second deactivate) is `is_not_found()`.
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        self.client
            .licenses()
            .deactivate(&request.key, &request.instance_id)
            .await
    }
}

/// Polar with the seller's access token: [`LicenseAdmin`] besides [`LicenseProvider`].
///
/// From [`PolarProvider::admin`].
#[derive(Clone, Debug)]
pub struct PolarAdmin {
    provider: PolarProvider,
}

impl PolarAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &PolarProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(PolarAdmin);

fn page_number(page: Option<&PageToken>, operation: &'static str) -> Result<u32, LicenseError> {
    match page {
        None => Ok(1),
        Some(PageToken::Number(n)) => Ok(*n),
        Some(_) => Err(unsupported_input(
            PROVIDER,
            operation,
            "Polar pages by number, not by cursor",
        )),
    }
}

fn status_filter(status: &LicenseStatus) -> Result<LicenseKeyStatus, LicenseError> {
    match status {
        LicenseStatus::Active => Ok(LicenseKeyStatus::Granted),
        LicenseStatus::Revoked => Ok(LicenseKeyStatus::Revoked),
        LicenseStatus::Disabled => Ok(LicenseKeyStatus::Disabled),
        other => Err(unsupported_input(
            PROVIDER,
            "list",
            format!("Polar has no `{other}` status"),
        )),
    }
}

#[async_trait]
impl LicenseAdmin for PolarAdmin {
    /// `GET /v1/license-keys/{id}` (a UUID), with the count of live activations.
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let key = self.provider.client.license_keys().retrieve(id).await?;
        Ok(map::license_with_activations(&key))
    }

    /// `GET /v1/license-keys/` of the client's organization, oldest first, with `status` and
    /// `benefit_id` (the request's `product_id`) filters. Polar cannot filter by customer: that
    /// filter is refused as invalid input. Page tokens are Polar's 1-based page numbers.
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        if request.customer_id.is_some() {
            return Err(unsupported_input(
                PROVIDER,
                "list",
                "Polar cannot list license keys by customer",
            ));
        }
        let number = page_number(request.page.as_ref(), "list")?;
        let mut params = ListLicenseKeys::new().page(number);
        if let Some(size) = request.page_size {
            params = params.limit(size);
        }
        if let Some(status) = &request.status {
            params = params.status(status_filter(status)?);
        }
        if let Some(benefit) = &request.product_id {
            params = params.benefit_id(benefit.clone());
        }
        let page = self.provider.client.license_keys().list(&params).await?;
        let next = page.next_page().map(PageToken::Number);
        let total = u64::try_from(page.pagination.total_count).ok();
        let items = page.items.iter().map(map::license).collect();
        Ok(Page::new(items, next).with_total(total))
    }

    /// `PATCH /v1/license-keys/{id}`: limit, expiry, and disabled (`status: disabled`) or
    /// enabled (`status: granted`). Polar has no unlimited activations (a key without a limit
    /// cannot be activated at all), so `activation_limit: Clear` is refused as invalid input.
    /// An update that sets nothing is a `get`.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        let mut update = UpdateLicenseKey::new();
        let mut empty = true;
        match request.activation_limit {
            Patch::Keep => {}
            Patch::Set(limit) => (update, empty) = (update.limit_activations(limit), false),
            Patch::Clear => {
                return Err(unsupported_input(
                    PROVIDER,
                    "update",
                    "Polar has no unlimited activations: a key without a limit cannot be activated",
                ));
            }
        }
        match request.expires_at {
            Patch::Keep => {}
            Patch::Set(at) => (update, empty) = (update.expires_at(at), false),
            Patch::Clear => (update, empty) = (update.never_expires(), false),
        }
        if let Some(disabled) = request.disabled {
            let status = if disabled {
                LicenseKeyStatus::Disabled
            } else {
                LicenseKeyStatus::Granted
            };
            (update, empty) = (update.status(status), false);
        }
        if empty {
            return self.get(&request.id).await;
        }
        let key = self
            .provider
            .client
            .license_keys()
            .update(&request.id, &update)
            .await?;
        Ok(map::license(&key))
    }

    /// The key's live activations, from `GET /v1/license-keys/{id}`: one page, all of them.
    async fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        if page_number(request.page.as_ref(), "instances")? > 1 {
            return Ok(Page::new(Vec::new(), None));
        }
        let key = self
            .provider
            .client
            .license_keys()
            .retrieve(&request.license_id)
            .await?;
        let items: Vec<Instance> = key.activations.iter().map(map::instance).collect();
        let total = u64::try_from(items.len()).ok();
        Ok(Page::new(items, None).with_total(total))
    }
}
