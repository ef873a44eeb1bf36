//! Dodo Payments behind [`LicenseProvider`]: the public activate / validate / deactivate
//! endpoints ([`DodoProvider`]) and the admin license-key and instance endpoints ([`DodoAdmin`])
//! of the `keyward-dodo` crate (`keyward::dodo`), with
//! entitlement grants where Dodo removes a deprecated key endpoint.

pub mod mapping;
use self::mapping as map;

use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, CreateRequest, DeactivateRequest, Instance,
    InstancesRequest, InvalidReason, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider,
    LicenseStatus, ListRequest, Page, PageToken, Patch, Provider, SecretLicenseKey, UpdateRequest,
    ValidateRequest, ValidationOutcome,
};
use keyward_dodo::{
    CreateLicenseKey, DodoErrorExt, Environment, IntegrationType, LicenseKeyStatus,
    ListCustomerGrants, ListInstances, ListLicenseKeys, UpdateLicenseKey,
};

use crate::adapters::common::{
    is_empty_metadata, missing_admin_key, reason_for_status, unsupported_input,
};

/// Dodo Payments as a [`LicenseProvider`]: the app side.
///
/// Validate, activate and deactivate use Dodo's public endpoints (no API key needed). Get, list,
/// create, update and instances use the admin endpoints: they are [`DodoAdmin`]'s, from
/// [`admin`](Self::admin) with a client built with an API key.
/// Page tokens are 1-based [`PageToken::Number`]s (Dodo's `page_number` is 0-based: page 1 is
/// Dodo's page 0).
///
/// Dodo deprecated `GET /license_keys`, `GET /license_keys/{id}` and `PATCH /license_keys/{id}`
/// (API v1.95.3) in favour of entitlement grants. They are still called first, for accounts that
/// have them. Where grants can stand in, they do once Dodo answers that a deprecated route is gone
/// (404 or 410 on the list, which has no id to be unknown): [`list`](LicenseAdmin::list) with a
/// customer reads the customer's `license_key` grants (`GET /customers/{id}/entitlement-grants`).
/// Grants cannot replace get-by-id or update (no grant route takes a `lic_…` id, and grants
/// cannot change a limit or expiry); revoking is on [`keyward::dodo::Entitlements::revoke_grant`](crate::dodo::Entitlements::revoke_grant) through
/// [`client`](Self::client).
///
/// ```no_run
/// use std::sync::Arc;
///
/// use keyward::{DodoProvider, LicenseProvider, ValidateRequest};
///
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// let client = keyward::dodo::Client::builder()
///     .environment(keyward::dodo::Environment::TestMode)
///     .api_key("sk_test_…")
///     .build()?;
/// let provider: Arc<dyn LicenseProvider> = Arc::new(DodoProvider::new(client));
/// let outcome = provider.validate(ValidateRequest::new("2b1f8e2d-c41e-4e8f")).await?;
/// println!("valid: {}", outcome.is_valid());
/// # Ok(()) }
/// ```
///
/// The app side cannot mint keys: this does not compile, since `DodoProvider` has no admin
/// operation ...
///
/// ```compile_fail
/// use keyward::{CreateRequest, DodoProvider, LicenseAdmin};
///
/// # async fn mint(client: keyward::dodo::Client) {
/// let provider = DodoProvider::new(client);
/// let _ = provider.create(CreateRequest::for_product("pdt_1")).await;
/// # }
/// ```
///
/// ... while the same call on its admin role does:
///
/// ```no_run
/// use keyward::{CreateRequest, DodoProvider, LicenseAdmin};
///
/// # async fn mint(client: keyward::dodo::Client) -> Result<(), keyward::LicenseError> {
/// let provider = DodoProvider::new(client).admin()?; // a config error without an API key
/// let _ = provider.create(CreateRequest::for_product("pdt_1")).await;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DodoProvider {
    client: keyward_dodo::Client,
    test_mode: Option<bool>,
}

impl DodoProvider {
    /// This provider with the seller's admin credential, for [`LicenseAdmin`]'s operations
    /// besides the app-side ones; a config error when the client holds no API key.
    pub fn admin(self) -> Result<DodoAdmin, LicenseError> {
        if !self.client.has_api_key() {
            return Err(missing_admin_key(PROVIDER, keyward_dodo::API_KEY_ENV));
        }
        Ok(DodoAdmin { provider: self })
    }

    /// Every operation the provider has, in both roles.
    fn admin_capabilities(&self) -> Capabilities {
        Capabilities::all_operations()
    }

    /// A provider over `client`. Licenses say `test_mode` when the client talks to Dodo's test or
    /// live environment, and leave it unknown for any other base URL.
    pub fn new(client: keyward_dodo::Client) -> Self {
        let base = client.base_url().trim_end_matches('/');
        let test_mode = if base == Environment::TestMode.base_url() {
            Some(true)
        } else if base == Environment::LiveMode.base_url() {
            Some(false)
        } else {
            None
        };
        Self { client, test_mode }
    }

    /// The client this provider uses, for Dodo-specific calls.
    pub fn client(&self) -> &keyward_dodo::Client {
        &self.client
    }

    /// With admin access, the license of an instance, when it is the key being validated (the
    /// key strings are compared in constant time). Any failure gives `None`: this only refines
    /// the reason of an answer already given.
    async fn license_of_instance(
        &self,
        key: &SecretLicenseKey,
        instance_id: &str,
    ) -> Option<LicenseKey> {
        let instance = self
            .client
            .license_key_instances()
            .retrieve(instance_id)
            .await
            .ok()?;
        let license = self
            .client
            .license_keys()
            .retrieve(&instance.license_key_id)
            .await
            .ok()?;
        (license.key == *key).then(|| map::into_license(license, self.test_mode))
    }

    /// One page of `GET /license_keys`.
    async fn list_keys(&self, request: &ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        let number = page_number(request.page.as_ref(), "list")?;
        let mut params = ListLicenseKeys::new().page_number(number);
        if let Some(size) = request.page_size {
            params = params.page_size(size);
        }
        if let Some(status) = &request.status {
            params = params.status(status_filter(status)?);
        }
        if let Some(product) = &request.product_id {
            params = params.product_id(product.clone());
        }
        if let Some(customer) = &request.customer_id {
            params = params.customer_id(customer.clone());
        }
        let page = self.client.license_keys().list(&params).await?;
        let next = next_token(page.next_page_number());
        let items = page
            .items
            .into_iter()
            .map(|key| map::into_license(key, self.test_mode))
            .collect();
        Ok(Page::new(items, next))
    }

    /// One page of a customer's `license_key` grants, as licenses (grants without a key left
    /// out, the status filter applied here).
    async fn list_from_grants(
        &self,
        customer: &str,
        request: &ListRequest,
    ) -> Result<Page<LicenseKey>, LicenseError> {
        let number = page_number(request.page.as_ref(), "list")?;
        let mut params = ListCustomerGrants::new(customer)
            .integration_type(IntegrationType::LicenseKey)
            .page_number(number);
        if let Some(size) = request.page_size {
            params = params.page_size(size);
        }
        let page = self.client.grants().for_customer(&params).await?;
        let next = next_token(page.next_page_number());
        let items = page
            .items
            .iter()
            .filter_map(|grant| map::license_from_grant(grant, self.test_mode))
            .filter(|license| request.status.as_ref().is_none_or(|s| *s == license.status))
            .collect();
        Ok(Page::new(items, next))
    }
}

const PROVIDER: Provider = Provider::Dodo;

#[async_trait]
impl LicenseProvider for DodoProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /licenses/validate`. Dodo answers only `{"valid": bool}`, so an invalid key's reason
    /// is [`InvalidReason::Other`] (unknown, disabled or expired: Dodo does not say which), except
    /// with an instance id: the key is checked again alone, and a key valid alone gives
    /// [`InvalidReason::InstanceMismatch`]; otherwise, when the client has an API key, the
    /// instance's license is fetched (`GET /license_key_instances/{id}`, `GET /license_keys/{id}`)
    /// and, if it is this key, its status gives the reason (`Disabled`, `Expired`) and the
    /// license comes with the answer. A 404 (should Dodo answer one for an unknown key) is
    /// [`InvalidReason::NotFound`].
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let licenses = self.client.licenses();
        let instance_id = request.instance_id.as_deref();
        let answer = match licenses.validate(&request.key, instance_id).await {
            Ok(answer) => answer,
            Err(e) if e.is_not_found() => {
                return Ok(ValidationOutcome::invalid(InvalidReason::NotFound, None));
            }
            Err(e) => return Err(e),
        };
        if answer.valid {
            return Ok(ValidationOutcome::valid(None, None));
        }
        // Only a refinement of the reason: if this second check fails, the answer stands.
        let key_alone_valid = instance_id.is_some()
            && licenses
                .validate(&request.key, None)
                .await
                .is_ok_and(|alone| alone.valid);
        if key_alone_valid {
            return Ok(ValidationOutcome::invalid(
                InvalidReason::InstanceMismatch,
                None,
            ));
        }
        if let Some(id) = instance_id
            && let Some(license) = self.license_of_instance(&request.key, id).await
            && let Some(reason) = reason_for_status(&license.status)
        {
            return Ok(ValidationOutcome::invalid(reason, Some(license)));
        }
        Ok(ValidationOutcome::invalid(
            InvalidReason::Other(NOT_VALID.to_owned()),
            None,
        ))
    }

    /// `POST /licenses/activate`. Refusals are answers: 422 (every activation in use) is
    /// [`InvalidReason::LimitReached`], 404 (unknown key) [`InvalidReason::NotFound`], 403
    /// (disabled or expired key: Dodo does not say which) [`InvalidReason::Other`] with Dodo's
    /// message.
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let activated = self
            .client
            .licenses()
            .activate(&request.key, &request.instance_name)
            .await;
        match activated {
            Ok(activation) => {
                let (instance, license) =
                    map::activation(&activation, &request.key, self.test_mode);
                Ok(ActivationOutcome::Activated {
                    instance,
                    license: Some(Box::new(license)),
                })
            }
            Err(e) => refusal(&e).map_or(Err(e), |reason| {
                Ok(ActivationOutcome::Refused {
                    reason,
                    license: None,
                })
            }),
        }
    }

    /// `POST /licenses/deactivate`. An instance that is not on the key is `is_not_found()`.
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        self.client
            .licenses()
            .deactivate(&request.key, &request.instance_id)
            .await
    }
}

/// Dodo with the seller's admin credential: [`LicenseAdmin`] besides [`LicenseProvider`].
///
/// From [`DodoProvider::admin`].
#[derive(Clone, Debug)]
pub struct DodoAdmin {
    provider: DodoProvider,
}

impl DodoAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &DodoProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(DodoAdmin);

#[async_trait]
impl LicenseAdmin for DodoAdmin {
    /// `GET /license_keys/{id}` (deprecated by Dodo, still served).
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let key = self.provider.client.license_keys().retrieve(id).await?;
        Ok(map::into_license(key, self.provider.test_mode))
    }

    /// `GET /license_keys` (deprecated by Dodo, still served): filters by status (`active`,
    /// `expired`, `disabled`), product and customer. Dodo sends no total; the next page is offered
    /// while pages are full. When that route is gone (404 or 410) and a customer is given, the
    /// customer's `license_key` grants are listed instead (status filtered here, no product
    /// filter: grants name the entitlement, not the product).
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        match self.provider.list_keys(&request).await {
            Err(error) if matches!(error.status(), Some(404 | 410)) => {
                match (&request.customer_id, &request.product_id) {
                    (Some(customer), None) => {
                        self.provider.list_from_grants(customer, &request).await
                    }
                    _ => Err(error),
                }
            }
            other => other,
        }
    }

    /// `POST /license_keys`: imports a key. Dodo needs the key string, the customer and the
    /// product, and has no title or license metadata (those are refused before sending).
    async fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        const OP: &str = "create";
        let missing = |what: &str| {
            unsupported_input(PROVIDER, OP, format!("dodo needs {what} to create a key"))
        };
        let key = request
            .key
            .ok_or_else(|| missing("the key string (it imports keys)"))?;
        let customer = request
            .customer_id
            .ok_or_else(|| missing("a customer id"))?;
        let product = request.product_id.ok_or_else(|| missing("a product id"))?;
        if request.title.is_some() {
            return Err(unsupported_input(PROVIDER, OP, "dodo keys have no title"));
        }
        if !is_empty_metadata(&request.metadata) {
            return Err(unsupported_input(
                PROVIDER,
                OP,
                "dodo keys have no metadata",
            ));
        }
        let mut params = CreateLicenseKey::new(key, customer, product);
        if let Some(limit) = request.activation_limit {
            params = params.activations_limit(limit);
        }
        if let Some(at) = request.expires_at {
            params = params.expires_at(at);
        }
        let created = self.provider.client.license_keys().create(&params).await?;
        Ok(map::into_license(created, self.provider.test_mode))
    }

    /// `PATCH /license_keys/{id}` (deprecated by Dodo, still served): limit and expiry are
    /// three-state (`Clear` = unlimited / never), `disabled` disables or re-enables.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        let mut update = UpdateLicenseKey::new();
        match request.activation_limit {
            Patch::Set(limit) => update = update.activations_limit(limit),
            Patch::Clear => update = update.unlimited_activations(),
            _ => {}
        }
        match request.expires_at {
            Patch::Set(at) => update = update.expires_at(at),
            Patch::Clear => update = update.never_expires(),
            _ => {}
        }
        if let Some(disabled) = request.disabled {
            update = update.disabled(disabled);
        }
        let key = self
            .provider
            .client
            .license_keys()
            .update(&request.id, &update)
            .await?;
        Ok(map::into_license(key, self.provider.test_mode))
    }

    /// `GET /license_key_instances?license_key_id=…`.
    async fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        let number = page_number(request.page.as_ref(), "instances")?;
        let mut params = ListInstances::new()
            .license_key_id(request.license_id)
            .page_number(number);
        if let Some(size) = request.page_size {
            params = params.page_size(size);
        }
        let page = self
            .provider
            .client
            .license_key_instances()
            .list(&params)
            .await?;
        let next = next_token(page.next_page_number());
        Ok(Page::new(
            page.items.iter().map(map::instance).collect(),
            next,
        ))
    }
}

/// The reason given when Dodo's validate answers `{"valid": false}`.
const NOT_VALID: &str = "not valid (Dodo does not say whether unknown, disabled or expired)";

/// The refusal an activation error stands for, or `None` for a real error.
fn refusal(error: &LicenseError) -> Option<InvalidReason> {
    if error.is_activation_limit_reached() {
        Some(InvalidReason::LimitReached)
    } else if error.is_inactive_license() {
        let words = error
            .dodo_message()
            .unwrap_or("license key is not active (disabled or expired)");
        Some(InvalidReason::Other(words.to_owned()))
    } else if error.is_not_found() {
        Some(InvalidReason::NotFound)
    } else {
        None
    }
}

/// Dodo's 0-based page number for a 1-based token.
fn page_number(token: Option<&PageToken>, operation: &'static str) -> Result<u32, LicenseError> {
    match token {
        None => Ok(0),
        Some(PageToken::Number(n)) => Ok(n.saturating_sub(1)),
        Some(_) => Err(unsupported_input(
            PROVIDER,
            operation,
            "dodo pages by number, not by cursor",
        )),
    }
}

/// The 1-based token of Dodo's next 0-based page.
fn next_token(next: Option<u32>) -> Option<PageToken> {
    next.and_then(|n| n.checked_add(1)).map(PageToken::Number)
}

/// A neutral status as a Dodo list filter; statuses Dodo does not have are refused.
fn status_filter(status: &LicenseStatus) -> Result<LicenseKeyStatus, LicenseError> {
    match status {
        LicenseStatus::Active => Ok(LicenseKeyStatus::Active),
        LicenseStatus::Expired => Ok(LicenseKeyStatus::Expired),
        LicenseStatus::Disabled => Ok(LicenseKeyStatus::Disabled),
        LicenseStatus::Other(other) => Ok(LicenseKeyStatus::from(other.as_str())),
        other => Err(unsupported_input(
            PROVIDER,
            "list",
            format!("dodo has no `{other}` status to filter by"),
        )),
    }
}
