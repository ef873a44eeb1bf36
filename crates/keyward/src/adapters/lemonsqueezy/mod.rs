//! Lemon Squeezy behind [`LicenseProvider`] (the License API: validate, activate, deactivate)
//! and [`LicenseAdmin`] (the JSON:API, with an API key: get, list, update, instances).

pub mod mapping;

use ::keyward_lemonsqueezy::models::{ListPage, Refusal, UpdateLicenseKey};
use ::keyward_lemonsqueezy::{InstanceId, LicenseKeyId, ProductId};
use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, DeactivateRequest, Instance,
    InstancesRequest, InvalidReason, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider,
    ListRequest, Page, PageToken, Provider, UpdateRequest, ValidateRequest, ValidationOutcome,
};

use self::mapping as map;
use super::common::{missing_admin_key, refusal_error, unsupported_input};

const PROVIDER: Provider = Provider::LemonSqueezy;

/// Lemon Squeezy as a [`LicenseProvider`].
///
/// Built from a [`keyward::lemonsqueezy::Client`](crate::lemonsqueezy::Client). Bind the client
/// to your store/product/variant (`expect_store`, `expect_product`, `expect_variant`): Lemon
/// Squeezy validates keys of any product, and a key of another product then answers
/// `Invalid { ProductMismatch }`. The License API calls need no API key; `get`, `list`,
/// `update` and `instances` do: they are [`LemonSqueezyAdmin`]'s, from [`admin`](Self::admin).
///
/// ```no_run
/// use std::sync::Arc;
///
/// use keyward::{LemonSqueezyProvider, LicenseProvider, ValidateRequest};
///
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// let client = keyward::lemonsqueezy::Client::builder()
///     .from_env()?
///     .expect_store(1)
///     .expect_product(4)
///     .build()?;
/// let provider: Arc<dyn LicenseProvider> = Arc::new(LemonSqueezyProvider::new(client));
/// let outcome = provider.validate(ValidateRequest::new("38b1460a-…")).await?;
/// println!("valid: {}", outcome.is_valid());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct LemonSqueezyProvider {
    client: keyward_lemonsqueezy::Client,
}

impl LemonSqueezyProvider {
    /// This provider with the seller's admin credential, for [`LicenseAdmin`]'s operations
    /// besides the app-side ones; a config error when the client holds no API key.
    pub fn admin(self) -> Result<LemonSqueezyAdmin, LicenseError> {
        if !self.client.has_api_key() {
            return Err(missing_admin_key(
                PROVIDER,
                keyward_lemonsqueezy::API_KEY_ENV,
            ));
        }
        Ok(LemonSqueezyAdmin { provider: self })
    }

    /// Every operation the provider has, in both roles.
    fn admin_capabilities(&self) -> Capabilities {
        let mut c = Capabilities::all_operations();
        c.create = false;
        c
    }

    /// A provider over `client` (its `Debug` redacts the API key).
    pub fn new(client: keyward_lemonsqueezy::Client) -> Self {
        Self { client }
    }

    /// The underlying client, for what the trait does not cover (webhooks, streams, includes).
    pub fn client(&self) -> &keyward_lemonsqueezy::Client {
        &self.client
    }
}

fn license_key_id(id: &str, operation: &'static str) -> Result<LicenseKeyId, LicenseError> {
    id.parse::<LicenseKeyId>().map_err(|_| {
        unsupported_input(
            PROVIDER,
            operation,
            "a Lemon Squeezy license key id is a number (the JSON:API `data.id`)",
        )
    })
}

fn page_number(
    page: Option<&PageToken>,
    operation: &'static str,
) -> Result<Option<u32>, LicenseError> {
    match page {
        None => Ok(None),
        Some(PageToken::Number(n)) => Ok(Some(*n)),
        Some(_) => Err(unsupported_input(
            PROVIDER,
            operation,
            "Lemon Squeezy pages by number, not by cursor",
        )),
    }
}

/// The page after `page`: by `meta.page` when the client read it, else by `links.next` and the
/// page number asked for (1 when none was).
fn next_page<T>(page: &ListPage<T>, asked: Option<u32>) -> Option<PageToken> {
    page.next_page_number()
        .or_else(|| {
            page.has_next()
                .then(|| page.page.current_page.or(asked).unwrap_or(1).checked_add(1))
                .flatten()
        })
        .map(PageToken::Number)
}

/// A refused deactivation as an error: deactivate has no "answer" to return. Lemon Squeezy's
/// text comes redacted by the client (it may echo the key).
fn deactivation_error(refusal: Option<&Refusal>, error: Option<&str>) -> LicenseError {
    let text = match (refusal, error) {
        (_, Some(error)) => error.to_owned(),
        (Some(refusal), None) => refusal.to_string(),
        (None, None) => String::from("refused without a reason"),
    };
    let reason = refusal.map_or_else(
        || InvalidReason::Other(text.clone()),
        Refusal::to_invalid_reason,
    );
    refusal_error(PROVIDER, "deactivate", &reason, text, None)
}

#[async_trait]
impl LicenseProvider for LemonSqueezyProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /v1/licenses/validate` with `instance_id` when given (`instance_name` is not
    /// something Lemon Squeezy validates by, and is ignored).
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let instance = request.instance_id.map(InstanceId::new);
        let answer = self
            .client
            .licenses()
            .validate(&request.key, instance.as_ref())
            .await?;
        Ok(map::into_validation_outcome(answer))
    }

    /// `POST /v1/licenses/activate`. With a product binding set, the key is validated first
    /// (`meta` names its store, product and variant) and a key of another product is refused
    /// without spending a slot. Should the product still differ in the activation's answer (the
    /// key changed in between), the new activation is released again (best effort) before
    /// answering `Refused`.
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let licenses = self.client.licenses();
        if self.client.binding().is_set() {
            let check = licenses.validate(&request.key, None).await?;
            if check.is_product_mismatch() {
                return Ok(ActivationOutcome::Refused {
                    reason: map::refusal_reason(&check),
                    license: map::license_from_answer(&check).map(Box::new),
                });
            }
        }
        let answer = licenses
            .activate(&request.key, &request.instance_name)
            .await?;
        if answer.is_product_mismatch()
            && let Some(instance) = answer.instance_id()
        {
            // The slot must not stay used by a key this client refuses; a failure here leaves it
            // for the seller to free, and the answer is still a refusal.
            let _ = licenses.deactivate(&request.key, instance).await;
        }
        map::into_activation_outcome(answer)
    }

    /// `POST /v1/licenses/deactivate`. A refusal (unknown key or instance, disabled key) is an
    /// error: `is_not_found()` for an unknown key or instance, `is_conflict()` for a disabled or
    /// expired key.
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        let instance = InstanceId::new(request.instance_id);
        let answer = self
            .client
            .licenses()
            .deactivate(&request.key, &instance)
            .await?;
        if answer.confirmed {
            Ok(())
        } else {
            Err(deactivation_error(
                answer.refusal(),
                answer.error.as_deref(),
            ))
        }
    }
}

/// LemonSqueezy with the seller's admin credential: [`LicenseAdmin`] besides [`LicenseProvider`].
///
/// From [`LemonSqueezyProvider::admin`].
#[derive(Clone, Debug)]
pub struct LemonSqueezyAdmin {
    provider: LemonSqueezyProvider,
}

impl LemonSqueezyAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &LemonSqueezyProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(LemonSqueezyAdmin);

#[async_trait]
impl LicenseAdmin for LemonSqueezyAdmin {
    /// `GET /v1/license-keys/{id}`.
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let id = license_key_id(id, "get")?;
        let document = self.provider.client.license_keys().retrieve(id).await?;
        Ok(map::into_license_key(document.data))
    }

    /// `GET /v1/license-keys` with `filter[product_id]`, `filter[status]`, `page[number]`,
    /// `page[size]`. Lemon Squeezy cannot filter by customer, and has no revoked or suspended
    /// status: those filters are refused as invalid input.
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        let mut list = self.provider.client.license_keys().list();
        if request.customer_id.is_some() {
            return Err(unsupported_input(
                PROVIDER,
                "list",
                "Lemon Squeezy cannot list license keys by customer",
            ));
        }
        if let Some(product) = &request.product_id {
            let id = product.parse::<ProductId>().map_err(|_| {
                unsupported_input(PROVIDER, "list", "a Lemon Squeezy product id is a number")
            })?;
            list = list.product_id(id);
        }
        if let Some(status) = &request.status {
            let Some(status) = map::key_status_filter(status) else {
                return Err(unsupported_input(
                    PROVIDER,
                    "list",
                    format!("Lemon Squeezy has no `{status}` status"),
                ));
            };
            list = list.status(status);
        }
        let number = page_number(request.page.as_ref(), "list")?;
        if let Some(number) = number {
            list = list.page(number);
        }
        if let Some(size) = request.page_size {
            list = list.per_page(size);
        }
        let page = list.send().await?;
        let next = next_page(&page, number);
        let items = page.data.into_iter().map(map::into_license_key).collect();
        Ok(Page::new(items, next).with_total(page.page.total))
    }

    /// `PATCH /v1/license-keys/{id}`, sending only what the request sets (`Clear` limit =
    /// unlimited, `Clear` expiry = never). An update that sets nothing is a `get`.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        let id = license_key_id(&request.id, "update")?;
        let mut update = UpdateLicenseKey::new()
            .activation_limit(request.activation_limit)
            .expires_at(request.expires_at);
        if let Some(disabled) = request.disabled {
            update = update.disabled(disabled);
        }
        if update.is_empty() {
            return self.get(&request.id).await;
        }
        let document = self
            .provider
            .client
            .license_keys()
            .update(id, &update)
            .await?;
        Ok(map::into_license_key(document.data))
    }

    /// `GET /v1/license-key-instances?filter[license_key_id]=…`. Instance ids are the UUIDs
    /// validate and deactivate take.
    async fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        let id = license_key_id(&request.license_id, "instances")?;
        let mut list = self
            .provider
            .client
            .license_key_instances()
            .list()
            .license_key_id(id);
        let number = page_number(request.page.as_ref(), "instances")?;
        if let Some(number) = number {
            list = list.page(number);
        }
        if let Some(size) = request.page_size {
            list = list.per_page(size);
        }
        let page = list.send().await?;
        let next = next_page(&page, number);
        let items = page.data.iter().map(map::instance).collect();
        Ok(Page::new(items, next).with_total(page.page.total))
    }
}
