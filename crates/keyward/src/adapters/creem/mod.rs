//! Creem behind [`LicenseProvider`] and [`LicenseAdmin`]: **server-side only**, since every
//! Creem license call needs the secret API key.

pub mod mapping;

use ::keyward_creem::CreemErrorExt;
use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, DeactivateRequest, InvalidReason,
    LicenseAdmin, LicenseError, LicenseKey, LicenseProvider, LicenseStatus, ListRequest, Page,
    PageToken, Provider, ValidateRequest, ValidationOutcome,
};

use self::mapping as map;
use super::common::{reason_for_status, unsupported_input};

const PROVIDER: Provider = Provider::Creem;

/// Creem as a [`LicenseProvider`], for **your server**: every Creem license call needs the
/// secret API key, so [`capabilities`](LicenseProvider::capabilities) say `server_only` and a
/// shipped app must ask your backend, which holds this provider.
///
/// Creem validates a key only for an instance: validate needs the `instance_id` activate gave
/// (without one it is invalid input). A license whose status is expired or disabled, or whose
/// instance is deactivated, is `Invalid`; Creem's refusals (unknown key, revoked or expired,
/// activation limit) are answers too.
///
/// ```no_run
/// use keyward::{CreemProvider, LicenseProvider, ValidateRequest};
///
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// let provider = CreemProvider::new(keyward::creem::Client::from_env()?); // CREEM_API_KEY
/// assert!(provider.capabilities().server_only);
/// let outcome = provider
///     .validate(ValidateRequest::new("ABC123-XYZ456-XYZ456-XYZ456").instance_id("inst_xyz789"))
///     .await?;
/// println!("valid: {}", outcome.is_valid());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct CreemProvider {
    client: keyward_creem::Client,
}

impl CreemProvider {
    /// A provider over `client` (which always holds the secret key).
    pub fn new(client: keyward_creem::Client) -> Self {
        Self { client }
    }

    /// The underlying client, for what the trait does not cover (webhooks, page streams).
    pub fn client(&self) -> &keyward_creem::Client {
        &self.client
    }

    /// This provider in the admin role (a customer's licenses). Always available: the client
    /// holds the secret key already.
    pub fn admin(self) -> Result<CreemAdmin, LicenseError> {
        Ok(CreemAdmin { provider: self })
    }

    /// What Creem can do, in both roles.
    fn admin_capabilities(&self) -> Capabilities {
        let mut c = Capabilities::none();
        c.validate = true;
        c.activate = true;
        c.deactivate = true;
        c.list = true;
        c.server_only = true;
        c
    }
}

#[async_trait]
impl LicenseProvider for CreemProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /v1/licenses/validate` with the instance: `Valid` for an active (or not yet
    /// activated) license on a live instance.
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let Some(instance_id) = request.instance_id.as_deref() else {
            return Err(unsupported_input(
                PROVIDER,
                "validate",
                "Creem validates a key only for an instance: pass the instance id activate gave",
            ));
        };
        let answer = match self
            .client
            .licenses()
            .validate(&request.key, instance_id)
            .await
        {
            Ok(answer) => answer,
            Err(error) => {
                return match error.creem_refusal() {
                    Some(refusal) => Ok(ValidationOutcome::invalid(map::reason(refusal), None)),
                    None => Err(error),
                };
            }
        };
        let license = map::license(&answer);
        let refused = reason_for_status(&license.status).or_else(|| {
            answer
                .instance
                .as_ref()
                .filter(|i| map::is_deactivated(i))
                .map(|_| InvalidReason::InstanceMismatch)
        });
        Ok(match refused {
            Some(reason) => ValidationOutcome::invalid(reason, Some(license)),
            None => {
                let instance = answer
                    .instance
                    .as_ref()
                    .map(|i| map::instance(i, &answer.id));
                ValidationOutcome::valid(Some(license), instance)
            }
        })
    }

    /// `POST /v1/licenses/activate`: `Activated` with the new instance; the activation limit
    /// and an unknown key are `Refused`.
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let answer = self
            .client
            .licenses()
            .activate(&request.key, &request.instance_name)
            .await;
        match answer {
            Ok(answer) => {
                let instance = answer
                    .instance
                    .as_ref()
                    .map(|i| map::instance(i, &answer.id));
                let license = Some(Box::new(map::license(&answer)));
                match instance {
                    Some(instance) => Ok(ActivationOutcome::Activated { instance, license }),
                    None => Err(
                        LicenseError::decode("Creem's activation answer has no instance")
                            .with_provider(PROVIDER.as_str())
                            .with_operation("activate"),
                    ),
                }
            }
            Err(error) => match error.creem_refusal() {
                Some(refusal) => Ok(ActivationOutcome::Refused {
                    reason: map::reason(refusal),
                    license: None,
                }),
                None => Err(error),
            },
        }
    }

    /// `POST /v1/licenses/deactivate`. An unknown key or instance is `is_not_found()`; an
    /// instance deactivated already is `is_conflict()`.
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        self.client
            .licenses()
            .deactivate(&request.key, &request.instance_id)
            .await
            .map(drop)
    }
}

/// Creem in the admin role: a customer's licenses ([`LicenseAdmin::list`] with a customer).
#[derive(Clone, Debug)]
pub struct CreemAdmin {
    provider: CreemProvider,
}

impl CreemAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &CreemProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(CreemAdmin);

#[async_trait]
impl LicenseAdmin for CreemAdmin {
    /// `GET /v1/customers/{id}/licenses`: Creem lists only a customer's licenses, so the
    /// request must name the customer; other filters are applied to the page here (status) or
    /// refused (product).
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        let Some(customer) = request.customer_id.as_deref() else {
            return Err(unsupported_input(
                PROVIDER,
                "list",
                "Creem lists only a customer's licenses: name the customer",
            ));
        };
        if request.product_id.is_some() {
            return Err(unsupported_input(
                PROVIDER,
                "list",
                "Creem cannot list licenses by product",
            ));
        }
        let number = match request.page {
            None => 1,
            Some(PageToken::Number(n)) => n,
            Some(_) => return Err(unsupported_input(PROVIDER, "list", "Creem pages by number")),
        };
        let size = request
            .page_size
            .unwrap_or(keyward_creem::DEFAULT_PAGE_SIZE);
        let page = self
            .provider
            .client
            .licenses()
            .list_for_customer(customer, number, size)
            .await?;
        let next = page.next_page().map(PageToken::Number);
        let wanted = |l: &LicenseKey| {
            request
                .status
                .as_ref()
                .is_none_or(|s: &LicenseStatus| *s == l.status)
        };
        let items = page.items.iter().map(map::license).filter(wanted).collect();
        Ok(Page::new(items, next).with_total(Some(page.pagination.total_records)))
    }
}
