//! DevPayr behind [`LicenseProvider`] (the runtime has-paid check) and [`LicenseAdmin`] (the
//! license management endpoints of one project), through the `keyward-devpayr` crate.

pub mod mapping;
use self::mapping as map;

use std::sync::Arc;

use async_trait::async_trait;
use keyward_core::{
    Capabilities, Clock, CreateRequest, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider,
    LicenseStatus, ListRequest, Page, PageToken, Provider, SystemClock, UpdateRequest,
    ValidateRequest, ValidationOutcome,
};
use keyward_devpayr::models::{LicenseCheck, NewLicense};
use keyward_devpayr::{ErrorReason, MAX_PER_PAGE, error_reason};

use crate::adapters::common::{is_empty_metadata, missing_admin_key, unsupported_input};

/// DevPayr as a [`LicenseProvider`], for the licenses of one project.
///
/// `validate` is DevPayr's runtime check (`POST /project/has-paid` with the license key; no API
/// key needed): the domain checked is the request's `instance_name` (else its `instance_id`, else
/// the provider's [`domain`](Self::domain)). `get`, `list`, `create` and `update` manage the
/// project's licenses with the client's API key: they are [`DevPayrAdmin`]'s, from
/// [`admin`](Self::admin). DevPayr has no activations (domains register
/// themselves on first use in `license_domains` mode), so `activate`, `deactivate` and
/// `instances` are unsupported; it has no license update either, so `update` can only revoke
/// (`disabled: Some(true)`) and reactivate (`Some(false)`).
///
/// ```no_run
/// use std::sync::Arc;
///
/// use keyward::{DevPayrProvider, LicenseProvider, ValidateRequest};
///
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// let client = keyward::devpayr::Client::builder().api_key("gk_1_…").build()?;
/// let provider: Arc<dyn LicenseProvider> =
///     Arc::new(DevPayrProvider::new(client, 2).domain("app.example.com"));
/// let outcome = provider
///     .validate(ValidateRequest::new("019ae9f4-18b2-706b-b728-3f77c6bd9217"))
///     .await?;
/// println!("paid and valid: {}", outcome.is_valid());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct DevPayrProvider {
    client: keyward_devpayr::Client,
    project_id: u64,
    domain: Option<String>,
    check_project: bool,
    clock: Arc<dyn Clock>,
}

impl DevPayrProvider {
    /// This provider with the seller's admin credential, for [`LicenseAdmin`]'s operations
    /// besides the app-side ones; a config error when the client holds no API key.
    pub fn admin(self) -> Result<DevPayrAdmin, LicenseError> {
        if !self.client.has_api_key() {
            return Err(missing_admin_key(PROVIDER, keyward_devpayr::API_KEY_ENV));
        }
        Ok(DevPayrAdmin { provider: self })
    }

    /// Every operation the provider has, in both roles.
    fn admin_capabilities(&self) -> Capabilities {
        let mut caps = Capabilities::none();
        caps.validate = true;
        caps.get = true;
        caps.list = true;
        caps.create = true;
        caps.update = true;
        caps
    }

    /// A provider for the licenses of project `project_id`, on the system clock, with no default
    /// domain.
    pub fn new(client: keyward_devpayr::Client, project_id: u64) -> Self {
        Self {
            client,
            project_id,
            domain: None,
            check_project: false,
            clock: Arc::new(SystemClock),
        }
    }

    /// The domain (or device id) `validate` checks when the request names none.
    #[must_use]
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Makes `validate` check the project's paid flag only (`action=check_project`; the domain
    /// is then ignored by DevPayr).
    #[must_use]
    pub fn check_project(mut self, on: bool) -> Self {
        self.check_project = on;
        self
    }

    /// The clock licenses' expiry is read with (their status is `expired` once `expires_at` has
    /// passed).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The client this provider uses, for DevPayr-specific calls.
    pub fn client(&self) -> &keyward_devpayr::Client {
        &self.client
    }

    fn license_id(id: &str, operation: &'static str) -> Result<u64, LicenseError> {
        id.trim().parse().map_err(|_| {
            unsupported_input(
                PROVIDER,
                operation,
                "devpayr license ids are integers (the record id, not the key)",
            )
        })
    }

    async fn show(&self, id: u64) -> Result<LicenseKey, LicenseError> {
        let license = self.client.licenses(self.project_id).show(id).await?;
        Ok(map::license(&license, self.clock.now()))
    }
}

const PROVIDER: Provider = Provider::DevPayr;

#[async_trait]
impl LicenseProvider for DevPayrProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /project/has-paid`. Paid is `Valid`; unpaid is `Invalid(NotPaid)`; a refusal (401/403)
    /// is `Invalid` with [`map::denial_reason`]. DevPayr does not describe the license here, so
    /// no license comes back. A domain DevPayr cannot work out (400) stays an error.
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let mut check = self
            .client
            .has_paid(&request.key)
            .check_project(self.check_project);
        let domain = request
            .instance_name
            .or(request.instance_id)
            .or_else(|| self.domain.clone());
        if let Some(domain) = domain {
            check = check.domain(domain);
        }
        Ok(match check.send().await? {
            LicenseCheck::Paid(_) => ValidationOutcome::valid(None, None),
            LicenseCheck::Unpaid(_) => {
                ValidationOutcome::invalid(keyward_core::InvalidReason::NotPaid, None)
            }
            LicenseCheck::Denied(denial) => {
                ValidationOutcome::invalid(map::denial_reason(&denial), None)
            }
            _ => ValidationOutcome::invalid(
                keyward_core::InvalidReason::Other("unknown DevPayr answer".into()),
                None,
            ),
        })
    }
}

/// DevPayr with the seller's admin credential: [`LicenseAdmin`] besides [`LicenseProvider`].
///
/// From [`DevPayrProvider::admin`].
#[derive(Clone, Debug)]
pub struct DevPayrAdmin {
    provider: DevPayrProvider,
}

impl DevPayrAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &DevPayrProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(DevPayrAdmin);

#[async_trait]
impl LicenseAdmin for DevPayrAdmin {
    /// `GET /project/{project}/licenses/{id}` (`id` is the integer record id). DevPayr caches this
    /// answer for 15 minutes.
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        self.provider
            .show(DevPayrProvider::license_id(id, "get")?)
            .await
    }

    /// `GET /project/{project}/licenses`, newest first, by cursor ([`PageToken::Cursor`]); page
    /// sizes are clamped to 1–50. DevPayr filters by nothing: a status or customer filter is
    /// refused, a product filter is accepted only for this provider's project.
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        const OP: &str = "list";
        if request.status.is_some() || request.customer_id.is_some() {
            return Err(unsupported_input(
                PROVIDER,
                OP,
                "devpayr cannot filter licenses by status or customer",
            ));
        }
        if let Some(product) = &request.product_id
            && product.trim() != self.provider.project_id.to_string()
        {
            return Err(unsupported_input(
                PROVIDER,
                OP,
                "devpayr lists one project's licenses: the product filter must be its id",
            ));
        }
        let mut call = self
            .provider
            .client
            .licenses(self.provider.project_id)
            .list();
        match request.page {
            None => {}
            Some(PageToken::Cursor(cursor)) => call = call.cursor(cursor),
            Some(_) => {
                return Err(unsupported_input(
                    PROVIDER,
                    OP,
                    "devpayr pages by cursor, not by number",
                ));
            }
        }
        if let Some(size) = request.page_size {
            call = call.per_page(size.clamp(1, MAX_PER_PAGE));
        }
        let now = self.provider.clock.now();
        Ok(call
            .send()
            .await?
            .map(|license| map::license(&license, now)))
    }

    /// `POST /project/{project}/licenses`: DevPayr generates the key. `title` is required; the
    /// activation limit is sent as `max_domains`. An imported key, a customer, another product
    /// or metadata are refused before sending (DevPayr has none of them).
    async fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        const OP: &str = "create";
        let refuse = |message: &str| Err(unsupported_input(PROVIDER, OP, message));
        let Some(title) = request.title else {
            return refuse("devpayr needs a title to create a license");
        };
        if request.key.is_some() {
            return refuse("devpayr generates license keys; it cannot import one");
        }
        if request.customer_id.is_some() {
            return refuse("devpayr licenses have no customer");
        }
        if request
            .product_id
            .as_deref()
            .is_some_and(|p| p.trim() != self.provider.project_id.to_string())
        {
            return refuse("devpayr creates licenses in this provider's project only");
        }
        if !is_empty_metadata(&request.metadata) {
            return refuse("devpayr licenses have no metadata");
        }
        let mut body = NewLicense::new(title);
        if let Some(limit) = request.activation_limit {
            body = body.max_domains(u64::from(limit));
        }
        if let Some(at) = request.expires_at {
            body = body.expires_at(at);
        }
        let created = self
            .provider
            .client
            .licenses(self.provider.project_id)
            .create(&body)
            .await?;
        Ok(map::license(&created, self.provider.clock.now()))
    }

    /// Revoke (`disabled: Some(true)`, `POST …/revoke`) or reactivate (`Some(false)`,
    /// `POST …/reactivate`), then show the license. Revoking a license that is not active and
    /// reactivating one that is not revoked change nothing and are not errors; reactivating an
    /// expired license is (`is_conflict()`). DevPayr has no endpoint to change the limit or the
    /// expiry: asking for it is `is_unsupported()`, before anything is sent. Because DevPayr may
    /// serve a cached record for 15 minutes, the status of the answer is the one just set.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        if !request.activation_limit.is_keep() {
            return Err(LicenseError::unsupported(
                PROVIDER.as_str(),
                "update activation_limit",
            ));
        }
        if !request.expires_at.is_keep() {
            return Err(LicenseError::unsupported(
                PROVIDER.as_str(),
                "update expires_at",
            ));
        }
        let id = DevPayrProvider::license_id(&request.id, "update")?;
        let licenses = self.provider.client.licenses(self.provider.project_id);
        match request.disabled {
            Some(true) => match licenses.revoke(id).await {
                Err(e) if error_reason(&e) != Some(ErrorReason::LicenseNotActive) => {
                    return Err(e);
                }
                _ => {}
            },
            Some(false) => match licenses.reactivate(id).await {
                Err(e) if error_reason(&e) != Some(ErrorReason::LicenseNotRevoked) => {
                    return Err(e);
                }
                _ => {}
            },
            None => {}
        }
        let mut license = self.provider.show(id).await?;
        match (request.disabled, &license.status) {
            (Some(true), LicenseStatus::Active) => license.status = LicenseStatus::Revoked,
            (Some(false), LicenseStatus::Revoked) => license.status = LicenseStatus::Active,
            _ => {}
        }
        Ok(license)
    }
}
