//! GetKeyManager ("signed-license") behind [`LicenseProvider`]: every answer is RSA-verified by
//! the client before it is mapped; a verification failure stays an error (fail closed).

pub mod mapping;

use ::keyward_signed_license::models::{
    Activation, Answer, LicenseKeyRecord, LicenseKeySpec, LicenseKeyStatus, Refusal,
};
use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, CreateRequest, DeactivateRequest, ErrorKind,
    Instance, Lease, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider, ListRequest, Page,
    PageToken, Patch, Provider, SecretLicenseKey, UpdateRequest, ValidateRequest,
    ValidationOutcome,
};

use self::mapping as map;
use super::common::{self, is_empty_metadata, unsupported_input};

const PROVIDER: Provider = Provider::SignedLicense;

/// A GetKeyManager install as a [`LicenseProvider`].
///
/// Built from a [`keyward::signed_license::Client`](crate::signed_license::Client) (base URL, API key, **pinned product public key**).
/// Activations are bound to an *identifier* (a domain or hardware id): `instance_name` when
/// activating, and the same text as `instance_id` when validating or deactivating. Set the
/// product with [`with_product_id`](Self::with_product_id) to `create` keys without naming it.
///
/// ```no_run
/// use std::sync::Arc;
///
/// use keyward::{ActivateRequest, LicenseProvider, SignedLicenseProvider};
/// use keyward::signed_license::{KeySet, PublicKey};
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pem = std::fs::read_to_string("product-1.pub.pem")?;
/// let client = keyward::signed_license::Client::builder()
///     .base_url("https://licenses.example.com")
///     .api_key(keyward::ApiKey::new("00000000-0000-0000-0000-000000000000")?)
///     .keys(KeySet::new(PublicKey::from_pem("product-1", &pem)?))
///     .product_id(1)
///     .build()?;
/// let provider: Arc<dyn LicenseProvider> =
///     Arc::new(SignedLicenseProvider::new(client).with_product_id(1));
/// let outcome = provider
///     .activate(ActivateRequest::new("3a343c8a-…", "example.com"))
///     .await?;
/// println!("activated: {}", outcome.instance().is_some());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SignedLicenseProvider {
    client: keyward_signed_license::Client,
    product_id: Option<u64>,
}

impl SignedLicenseProvider {
    /// This provider for [`LicenseAdmin`]'s operations besides the app-side ones. GetKeyManager
    /// needs its API key for every call, so a client that exists holds it.
    pub fn admin(self) -> Result<SignedLicenseAdmin, LicenseError> {
        Ok(SignedLicenseAdmin { provider: self })
    }

    /// Every operation the provider has, in both roles.
    fn admin_capabilities(&self) -> Capabilities {
        let mut c = Capabilities::all_operations();
        c.instances = false;
        c.signed = true;
        c.offline = true;
        c
    }

    /// A provider over `client` (its `Debug` redacts the API key).
    pub fn new(client: keyward_signed_license::Client) -> Self {
        Self {
            client,
            product_id: None,
        }
    }

    /// The product `create` puts keys in when the request names none.
    #[must_use]
    pub fn with_product_id(mut self, product_id: u64) -> Self {
        self.product_id = Some(product_id);
        self
    }

    /// The underlying client: offline envelopes, meta, downloadables, telemetry, products.
    pub fn client(&self) -> &keyward_signed_license::Client {
        &self.client
    }

    /// Every license key of the install (`get-license-keys`, 730), as the verified payload
    /// lists them.
    async fn all_records(
        &self,
        operation: &'static str,
    ) -> Result<Vec<LicenseKeyRecord>, LicenseError> {
        let reply = self.client.license_keys().await?;
        match reply.answer() {
            Answer::Done(records) => Ok(records.clone()),
            Answer::Refused(refusal) => Err(refusal_error(refusal, operation)),
            _ => Err(LicenseError::decode("unexpected answer")
                .with_provider(PROVIDER.as_str())
                .with_operation(operation)),
        }
    }

    /// Every license key of the install, as neutral licenses.
    async fn all_licenses(&self, operation: &'static str) -> Result<Vec<LicenseKey>, LicenseError> {
        Ok(self
            .all_records(operation)
            .await?
            .iter()
            .map(map::license)
            .collect())
    }

    /// The listed record with the neutral id `id`.
    async fn find_record(
        &self,
        id: &str,
        operation: &'static str,
    ) -> Result<LicenseKeyRecord, LicenseError> {
        self.all_records(operation)
            .await?
            .into_iter()
            .find(|r| r.id.to_string() == id)
            .ok_or_else(|| not_found(operation, "no license key has this id"))
    }

    async fn find(&self, id: &str, operation: &'static str) -> Result<LicenseKey, LicenseError> {
        self.find_record(id, operation)
            .await
            .map(|r| map::license(&r))
    }

    async fn find_key(&self, key: &SecretLicenseKey) -> Result<LicenseKey, LicenseError> {
        self.all_licenses("create")
            .await?
            .into_iter()
            .find(|l| l.key.as_ref().is_some_and(|k| k == key))
            .ok_or_else(|| not_found("create", "the created key is not listed"))
    }
}

fn identifier(request: &ValidateRequest) -> Result<&str, LicenseError> {
    request
        .instance_id
        .as_deref()
        .or(request.instance_name.as_deref())
        .filter(|i| !i.trim().is_empty())
        .ok_or_else(|| {
            unsupported_input(
                PROVIDER,
                "validate",
                "GetKeyManager verifies a key for an identifier (domain or hardware id): set \
                 `instance_id` or `instance_name`",
            )
        })
}

fn instance(identifier: &str) -> Instance {
    let mut instance = Instance::new(identifier);
    instance.name = Some(identifier.to_owned());
    instance
}

/// A verified answer as a lease: its signed envelope, signed at its timestamp.
fn lease(
    verified: &keyward_signed_license::Verified<keyward_signed_license::Payload>,
) -> Option<Lease> {
    let signed_at = verified.value().signed_at()?;
    let proof = serde_json::to_string(verified.envelope()).ok()?;
    Some(Lease::new(proof, signed_at))
}

fn not_found(operation: &'static str, message: &str) -> LicenseError {
    LicenseError::new(ErrorKind::NotFound, message)
        .with_provider(PROVIDER.as_str())
        .with_operation(operation)
}

/// A signed refusal of an operation that has no "answer" to return (deactivate, create, update).
fn refusal_error(refusal: &Refusal, operation: &'static str) -> LicenseError {
    common::refusal_error(
        PROVIDER,
        operation,
        &map::reason(refusal.code, &refusal.message),
        refusal.message.clone(),
        Some(refusal.code.to_string()),
    )
}

fn parse_product(id: &str, operation: &'static str) -> Result<u64, LicenseError> {
    id.parse().map_err(|_| {
        unsupported_input(
            PROVIDER,
            operation,
            "a GetKeyManager product id is a number",
        )
    })
}

#[async_trait]
impl LicenseProvider for SignedLicenseProvider {
    fn provider(&self) -> Provider {
        PROVIDER
    }

    fn capabilities(&self) -> Capabilities {
        self.admin_capabilities().without_admin()
    }

    /// `POST /verify` for the identifier `instance_id` (else `instance_name`). Valid (200) only
    /// when the key is active on that identifier, with the verified envelope as a signed
    /// [`Lease`] (signed at the payload's timestamp, no signed end; none when the payload echoes
    /// the key, which would then be kept on disk); a refusal code is `Invalid` with its reason.
    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        let identifier = identifier(&request)?;
        let reply = self.client.verify(&request.key, identifier).await?;
        Ok(match reply.answer() {
            Answer::Done(()) => {
                let outcome = ValidationOutcome::valid(None, Some(instance(identifier)));
                let verified = reply.verified();
                // A proof that echoes the key would write it to disk (base64 is not a secret).
                let echoes_key = verified.value().json().contains(request.key.expose());
                match lease(verified).filter(|_| !echoes_key) {
                    Some(lease) => outcome.with_lease(lease),
                    None => outcome,
                }
            }
            Answer::Refused(r) => ValidationOutcome::invalid(map::reason(r.code, &r.message), None),
            _ => ValidationOutcome::invalid(map::reason(reply.code(), ""), None),
        })
    }

    /// `POST /activate` for the identifier `instance_name` (300; 301 "already active" is also
    /// `Activated`). The instance id is the identifier.
    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        let identifier = request.instance_name.as_str();
        let reply = self.client.activate(&request.key, identifier).await?;
        Ok(match reply.answer() {
            Answer::Done(Activation::Activated | Activation::AlreadyActive) => {
                ActivationOutcome::Activated {
                    instance: instance(identifier),
                    license: None,
                }
            }
            Answer::Refused(r) => ActivationOutcome::Refused {
                reason: map::reason(r.code, &r.message),
                license: None,
            },
            _ => ActivationOutcome::Refused {
                reason: map::reason(reply.code(), ""),
                license: None,
            },
        })
    }

    /// The lease's envelope verified again with the pinned product keys, offline: a signed
    /// "valid" (200) that echoes no other key; its time is the signed timestamp.
    fn verify_lease(&self, key: &SecretLicenseKey, proof: &str) -> Result<Lease, LicenseError> {
        let expected = keyward_signed_license::Expected {
            license_key: Some(key),
            ..Default::default()
        };
        let verified = self
            .client
            .verifier()
            .check_kept(proof.as_bytes(), &expected)
            .map_err(|e| e.into_license_error().with_operation("verify lease"))?;
        if verified.value().code().as_u32() != 200 {
            return Err(
                LicenseError::signature("the lease's signed answer is not \"valid\"")
                    .with_provider(PROVIDER.as_str())
                    .with_operation("verify lease"),
            );
        }
        lease(&verified).ok_or_else(|| {
            LicenseError::decode("the lease's signed timestamp is out of range")
                .with_provider(PROVIDER.as_str())
                .with_operation("verify lease")
        })
    }

    /// `POST /deactivate` for the identifier `instance_id` (400; 401 "already inactive" is also
    /// done). A refusal is an error: `is_not_found()` for an unknown key, `is_conflict()` for a
    /// blocked or expired one.
    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        let reply = self
            .client
            .deactivate(&request.key, &request.instance_id)
            .await?;
        match reply.refusal() {
            None => Ok(()),
            Some(refusal) => Err(refusal_error(refusal, "deactivate")),
        }
    }
}

/// SignedLicense with the seller's admin credential: [`LicenseAdmin`] besides [`LicenseProvider`].
///
/// From [`SignedLicenseProvider::admin`].
#[derive(Clone, Debug)]
pub struct SignedLicenseAdmin {
    provider: SignedLicenseProvider,
}

impl SignedLicenseAdmin {
    /// The app-side provider inside.
    pub fn provider(&self) -> &SignedLicenseProvider {
        &self.provider
    }
}

super::common::app_side_of_admin!(SignedLicenseAdmin);

#[async_trait]
impl LicenseAdmin for SignedLicenseAdmin {
    /// The key with this server id, from `get-license-keys` (the server has no lookup by id).
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        self.provider.find(id, "get").await
    }

    /// `get-license-keys`: the server returns every key of the install at once (one page;
    /// `page_size` is ignored); `product_id` and `status` are filtered here. GetKeyManager has no
    /// customer ids: a customer filter is refused.
    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        if request.customer_id.is_some() {
            return Err(unsupported_input(
                PROVIDER,
                "list",
                "GetKeyManager keys have an owner name and e-mail, not a customer id",
            ));
        }
        match request.page {
            None | Some(PageToken::Number(1)) => {}
            Some(_) => return Ok(Page::new(Vec::new(), None).with_total(None)),
        }
        let licenses = self.provider.all_licenses("list").await?;
        let items: Vec<LicenseKey> = licenses
            .into_iter()
            .filter(|l| {
                request
                    .product_id
                    .as_ref()
                    .is_none_or(|p| l.product.id.as_ref() == Some(p))
            })
            .filter(|l| request.status.as_ref().is_none_or(|s| l.status == *s))
            .collect();
        let total = u64::try_from(items.len()).ok();
        Ok(Page::new(items, None).with_total(total))
    }

    /// `create-license-keys` with the request's key (GetKeyManager imports the keys it is given;
    /// generated keys need a generator: use the client's `generate`). Status `available`,
    /// `activation_limit` `None` = 0 (unlimited), no validity. An expiry date, a customer id or
    /// metadata cannot be set this way and are refused. The created key is read back from
    /// `get-license-keys`.
    async fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        let refuse = |m: &str| unsupported_input(PROVIDER, "create", m);
        let Some(key) = request.key.as_ref().filter(|k| !k.is_empty()) else {
            return Err(refuse(
                "GetKeyManager imports keys: set `key` (or use the client's `generate`)",
            ));
        };
        if request.expires_at.is_some() {
            return Err(refuse(
                "GetKeyManager sets a validity in days from assignment, not an expiry date",
            ));
        }
        if request.customer_id.is_some() {
            return Err(refuse("GetKeyManager keys have no customer id"));
        }
        if !is_empty_metadata(&request.metadata) {
            return Err(refuse(
                "GetKeyManager license meta is set per activation, not at creation",
            ));
        }
        let product_id = match &request.product_id {
            Some(id) => parse_product(id, "create")?,
            None => self
                .provider
                .product_id
                .ok_or_else(|| refuse("no product: set `product_id` or `with_product_id`"))?,
        };
        let limit = request.activation_limit.map_or(0, u64::from);
        let spec = LicenseKeySpec::new(product_id, limit, 0, LicenseKeyStatus::Available);
        let reply = self
            .provider
            .client
            .create_license_keys(std::slice::from_ref(key), &spec)
            .await?;
        match reply.answer() {
            Answer::Done(counts) if counts.created > 0 => self.provider.find_key(key).await,
            Answer::Done(_) => Err(LicenseError::new(
                ErrorKind::Conflict,
                "the key already exists",
            )
            .with_provider(PROVIDER.as_str())
            .with_operation("create")),
            Answer::Refused(r) => Err(refusal_error(r, "create")),
            _ => Err(LicenseError::decode("unexpected answer")
                .with_provider(PROVIDER.as_str())
                .with_operation("create")),
        }
    }

    /// `update-license-key`, which replaces every field: the current key is read first
    /// (`get-license-keys`) and sent back with the changes. `activation_limit` `Clear` = 0
    /// (unlimited); `expires_at` `Clear` = validity 0 (never), `Set` is refused (the server counts
    /// validity in days from assignment); `disabled` `true` sets `blocked`, `false` turns a
    /// blocked key back to `assigned` (with an owner) or `available`. Answers the key as read
    /// back afterwards.
    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        if matches!(request.expires_at, Patch::Set(_)) {
            return Err(unsupported_input(
                PROVIDER,
                "update",
                "GetKeyManager sets a validity in days from assignment, not an expiry date",
            ));
        }
        let current = self.provider.find_record(&request.id, "update").await?;
        let product_id = current.product_id.ok_or_else(|| {
            LicenseError::decode("the listed key has no `product_id`")
                .with_provider(PROVIDER.as_str())
                .with_operation("update")
        })?;
        let limit = match request.activation_limit {
            Patch::Keep => current.activation_limit.unwrap_or(0),
            Patch::Clear => 0,
            Patch::Set(n) => u64::from(n),
        };
        let validity = match request.expires_at {
            Patch::Clear => 0,
            _ => current.validity.unwrap_or(0),
        };
        let owner_name = current.owner_name.clone();
        let owner_email = current.owner_email.clone();
        let status = match request.disabled {
            Some(true) => LicenseKeyStatus::Blocked,
            Some(false) if current.status == LicenseKeyStatus::Blocked => {
                if owner_name.is_some() || owner_email.is_some() {
                    LicenseKeyStatus::Assigned
                } else {
                    LicenseKeyStatus::Available
                }
            }
            _ => current.status.clone(),
        };
        let mut spec = LicenseKeySpec::new(product_id, limit, validity, status);
        spec.owner_name = owner_name;
        spec.owner_email = owner_email;
        spec.assigned_at = current.assigned_at.clone();
        let reply = self
            .provider
            .client
            .update_license_key(&current.license_key, &spec)
            .await?;
        if let Some(refusal) = reply.refusal() {
            return Err(refusal_error(refusal, "update"));
        }
        self.provider.find(&request.id, "update").await
    }
}
