//! Keygen behind [`LicenseProvider`] (validate, activate, deactivate, with the license key) and
//! [`LicenseAdmin`] (with a token: get, list, create, update, instances).

mod lease;
pub mod mapping;

use ::keyward_keygen::models::{LicenseStatus as KeygenStatus, UpdateLicense};
use ::keyward_keygen::{Client, NewLicense, NewMachine, ValidationCode, ValidationScope};
use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, CreateRequest, DeactivateRequest, Instance,
    InstancesRequest, InvalidReason, Lease, LicenseAdmin, LicenseError, LicenseKey,
    LicenseProvider, ListRequest, Page, PageToken, Provider, SecretLicenseKey, UpdateRequest,
    ValidateRequest, ValidationOutcome,
};

use self::mapping as map;
use super::common::{missing_admin_key, unsupported_input};

const PROVIDER: Provider = Provider::Keygen;

/// Keygen as a [`LicenseProvider`].
///
/// Built from a [`keyward::keygen::Client`](crate::keygen::Client) with the account (and, to
/// have every answer verified, its public key: then [`Capabilities::signed`]). An instance is a
/// Keygen machine: `activate` takes the machine's fingerprint as `instance_name` and answers the
/// machine's id, which `validate` (machine scope) and `deactivate` take. Each call authenticates
/// with the request's license key (`Authorization: License …`), so the policy must allow
/// license-key authentication. `get`, `list`, `create`, `update` and `instances` need a token:
/// they are [`KeygenAdmin`]'s, from [`admin`](Self::admin).
///
/// ```no_run
/// use std::sync::Arc;
///
/// use keyward::{KeygenProvider, LicenseProvider, ValidateRequest};
///
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// let client = keyward::keygen::Client::builder()
///     .account("1fddcec8-8dd3-4d8d-9b16-215cac0f9b52")
///     .public_key("e8601e48b69383ba520245fd07971e983d06d22c4257cfd82304601479cee788")
///     .build()?;
/// let provider: Arc<dyn LicenseProvider> = Arc::new(KeygenProvider::new(client));
/// let outcome = provider.validate(ValidateRequest::new("C1B6DE-39A6E3-…")).await?;
/// println!("valid: {}", outcome.is_valid());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct KeygenProvider {
    client: Client,
}

impl KeygenProvider {
    /// A provider over `client` (its `Debug` redacts the token).
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The underlying client, for what the trait does not cover (heartbeats, check-out,
    /// suspend, webhooks).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// This provider with the account's token, for [`LicenseAdmin`]'s operations besides the
    /// app-side ones; a config error when the client holds no token.
    pub fn admin(self) -> Result<KeygenAdmin, LicenseError> {
        if !self.client.has_token() {
            return Err(missing_admin_key(PROVIDER, keyward_keygen::TOKEN_ENV));
        }
        Ok(KeygenAdmin { provider: self })
    }

    /// Every operation in both roles; signed when answers are verified, offline always
    /// (license and machine files).
    fn admin_capabilities(&self) -> Capabilities {
        let mut c = Capabilities::all_operations();
        c.signed = self.client.verifies_responses();
        c.offline = true;
        c
    }
}

#[async_trait]
impl LicenseProvider for KeygenProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /licenses/actions/validate-key`, scoped to the machine when `instance_id` is given
    /// (else to the fingerprint `instance_name`, when given). When valid for a machine and the
    /// client pins the account's public key, the machine's file is checked out encrypted and
    /// answered as a signed [`Lease`] (signed at its `issued`, valid until its `expiry`; see
    /// [`verify_lease`](Self::verify_lease)).
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let mut scope = ValidationScope::default();
        if let Some(machine) = &request.instance_id {
            scope.machine = Some(machine.clone());
        } else if let Some(fingerprint) = &request.instance_name {
            scope.fingerprint = Some(fingerprint.clone());
        }
        let answer = self
            .client
            .licenses()
            .validate_key(&request.key, &scope)
            .await?;
        let valid = answer.is_valid();
        let instance = request
            .instance_id
            .clone()
            .filter(|_| valid)
            .map(Instance::new);
        let outcome = map::into_validation_outcome(answer, instance);
        if !valid {
            return Ok(outcome);
        }
        Ok(match self.machine_lease(&request).await {
            Some(lease) => outcome.with_lease(lease),
            None => outcome,
        })
    }

    /// Validates the key scoped to the fingerprint `instance_name` (Keygen needs the license's
    /// id to activate), then `POST /machines` with the license key. A key that is unknown,
    /// suspended or expired is `Refused` without an activation; a full license is
    /// `Refused { LimitReached }`; a fingerprint already activated answers its machine (so a
    /// retried activation is not an error).
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let fingerprint = request.instance_name.clone();
        let scope = ValidationScope::fingerprint(fingerprint.clone());
        let check = self
            .client
            .licenses()
            .validate_key(&request.key, &scope)
            .await?;
        let code = check.code().clone();
        let license = check.data.clone().map(map::into_license_key).map(Box::new);
        let Some(license_id) = check.data.as_ref().map(|l| l.id.clone()) else {
            return Ok(ActivationOutcome::Refused {
                reason: map::reason(&code),
                license,
            });
        };
        if matches!(code, ValidationCode::Suspended | ValidationCode::Banned)
            || (code == ValidationCode::Expired && !check.is_valid())
        {
            return Ok(ActivationOutcome::Refused {
                reason: map::reason(&code),
                license,
            });
        }
        let as_app = self.client.with_license_key(request.key.clone());
        let created = as_app
            .machines()
            .activate(&NewMachine::new(&license_id, &fingerprint))
            .await;
        let machine = match created {
            Ok(document) => document.into_data(),
            Err(e) if e.provider_code() == Some("MACHINE_LIMIT_EXCEEDED") => {
                return Ok(ActivationOutcome::Refused {
                    reason: InvalidReason::LimitReached,
                    license,
                });
            }
            Err(e) if e.provider_code() == Some("FINGERPRINT_TAKEN") => {
                as_app.machines().get(&fingerprint).await?.into_data()
            }
            Err(e) => return Err(e),
        };
        Ok(ActivationOutcome::Activated {
            instance: map::instance(&machine),
            license,
        })
    }

    /// `DELETE /machines/{instance_id}` with the license key (an unknown machine is
    /// `is_not_found()`).
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        let as_app = self.client.with_license_key(request.key);
        as_app.machines().deactivate(&request.instance_id).await
    }

    /// The lease's machine file verified again, offline: its Ed25519 signature over the exact
    /// `enc`, its decryption with `key` and the fingerprint kept beside it (a file for another
    /// key or machine does not decrypt), and its signed fingerprint. Its times are the file's
    /// signed `issued` and `expiry`.
    fn verify_lease(&self, key: &SecretLicenseKey, proof: &str) -> Result<Lease, LicenseError> {
        lease::verify(&self.client, key, proof)
    }
}

impl KeygenProvider {
    /// The machine file of a valid, machine-scoped validation as a lease: `None` without a
    /// account key or a machine, or when the file cannot be had (the validation stands).
    async fn machine_lease(&self, request: &ValidateRequest) -> Option<Lease> {
        if self.client.account_keys().is_empty() {
            return None;
        }
        let (machine, fingerprint) = match (&request.instance_id, &request.instance_name) {
            (Some(id), Some(fingerprint)) => (id.clone(), fingerprint.clone()),
            (None, Some(fingerprint)) => (fingerprint.clone(), fingerprint.clone()),
            (Some(id), None) => {
                // The file is encrypted for the fingerprint: learn it from the machine.
                let as_app = self.client.with_license_key(request.key.clone());
                let machine = as_app.machines().get(id).await.ok()?.into_data();
                (id.clone(), machine.attributes.fingerprint)
            }
            (None, None) => return None,
        };
        lease::check_out(&self.client, &request.key, &machine, &fingerprint).await
    }
}

/// Keygen with the account's token: [`LicenseAdmin`] besides [`LicenseProvider`].
///
/// From [`KeygenProvider::admin`].
#[derive(Clone, Debug)]
pub struct KeygenAdmin {
    provider: KeygenProvider,
}

impl KeygenAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &KeygenProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(KeygenAdmin);

#[async_trait]
impl LicenseAdmin for KeygenAdmin {
    /// `GET /licenses/{id}` (an id or a key).
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        let document = self.provider.client.licenses().get(id).await?;
        Ok(map::into_license_key(document.data))
    }

    /// `GET /licenses` with `product`, `owner` (the customer) and `status` filters, paged by
    /// number or by cursor as the token says.
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        let mut list = self.provider.client.licenses().list();
        if let Some(product) = &request.product_id {
            list = list.product(product);
        }
        if let Some(owner) = &request.customer_id {
            list = list.owner(owner);
        }
        if let Some(status) = &request.status {
            let Some(status) = map::status_filter(status) else {
                return Err(unsupported_input(
                    PROVIDER,
                    "list",
                    format!("Keygen has no `{status}` status"),
                ));
            };
            list = list.status(&KeygenStatus::from(status));
        }
        list = paged(list, request.page, request.page_size, "list")?;
        let page = list.send().await?;
        let next = map::next_page(&page);
        let total = page.links.meta.and_then(|m| m.count);
        let items = page.data.into_iter().map(map::into_license_key).collect();
        Ok(Page::new(items, next).with_total(total))
    }

    /// `POST /licenses`: `product_id` names the **policy** (Keygen makes licenses from a
    /// policy), `customer_id` the owner, `activation_limit` the machine limit; `title` is the
    /// name.
    async fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        let Some(policy) = request.product_id else {
            return Err(unsupported_input(
                PROVIDER,
                "create",
                "Keygen creates a license from a policy: give its id as product_id",
            ));
        };
        let mut new = NewLicense::new(policy);
        new.name = request.title;
        new.key = request.key;
        new.expiry = request.expires_at;
        new.max_machines = request.activation_limit.map(u64::from);
        new.owner_id = request.customer_id;
        if let serde_json::Value::Object(metadata) = request.metadata {
            new.metadata = metadata;
        }
        let document = self.provider.client.licenses().create(&new).await?;
        Ok(map::into_license_key(document.data))
    }

    /// `PATCH /licenses/{id}` (limit and expiry; `Clear` = the policy's limit, never expires),
    /// then `suspend` or `reinstate` for `disabled`. An update that sets nothing is a `get`.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        let licenses = self.provider.client.licenses();
        let mut update = UpdateLicense::default();
        update.max_machines = request.activation_limit.map(u64::from);
        update.expiry = request.expires_at;
        let mut latest = None;
        if !update.is_empty() {
            latest = Some(licenses.update(&request.id, &update).await?.data);
        }
        if let Some(disabled) = request.disabled {
            let current = match &latest {
                Some(license) => license.attributes.suspended,
                None => licenses.get(&request.id).await?.data.attributes.suspended,
            };
            if current != disabled {
                let changed = if disabled {
                    licenses.suspend(&request.id).await?
                } else {
                    licenses.reinstate(&request.id).await?
                };
                latest = Some(changed.data);
            }
        }
        match latest {
            Some(license) => Ok(map::into_license_key(license)),
            None => self.get(&request.id).await,
        }
    }

    /// `GET /machines?license={id}`, paged by number or cursor.
    async fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        let mut list = self
            .provider
            .client
            .machines()
            .list()
            .license(&request.license_id);
        list = paged(list, request.page, request.page_size, "instances")?;
        let page = list.send().await?;
        let next = map::next_page(&page);
        let total = page.links.meta.and_then(|m| m.count);
        Ok(Page::new(page.data.iter().map(map::instance).collect(), next).with_total(total))
    }
}

/// A listing paged as the token says: a number (offset pages), a cursor, or from page 1 when
/// only a size is given.
fn paged<T>(
    list: keyward_keygen::Listing<T>,
    page: Option<PageToken>,
    size: Option<u32>,
    operation: &'static str,
) -> Result<keyward_keygen::Listing<T>, LicenseError> {
    let list = match page {
        Some(PageToken::Number(n)) => list.page(n),
        Some(PageToken::Cursor(c)) => list.cursor(Some(c)),
        Some(_) => {
            return Err(unsupported_input(
                PROVIDER,
                operation,
                "a page token Keygen does not know",
            ));
        }
        None if size.is_some() => list.page(1),
        None => list,
    };
    Ok(match size {
        Some(size) => list.per_page(size),
        None => list,
    })
}
