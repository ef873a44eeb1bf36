//! The client: form-encoded calls to `<base>/api/v1/<endpoint>`, every answer verified.

use std::sync::Arc;

use keyward_core::{AttachRaw, Clock, ErrorKind, LicenseError, SecretLicenseKey, SystemClock};
use keyward_http::{
    ClientIdentity, ClientSettings, Idempotency, ProviderClient, ProviderProfile, Request, Response,
};

use crate::binding::Expected;
use crate::code::{CodeClass, ResponseCode};
use crate::error::VerifyError;
use crate::keys::{KeySet, PublicKey};
use crate::models::{Answer, Refusal, Reply};
use crate::payload::{Payload, Verified};
use crate::replay::{StateStore, Watermark};
use crate::verifier::{Call, Verifier};
use crate::verify::{KeyScope, Policy};

/// The environment variable holding the API key.
pub const API_KEY_ENV: &str = "GETKEYMANAGER_API_KEY";

/// The environment variable holding the base URL of your install (it is self-hosted).
pub const BASE_URL_ENV: &str = "GETKEYMANAGER_BASE_URL";

/// The environment variable [`Client::from_env`] reads the product's public key (a PEM file
/// path) from.
pub const PUBLIC_KEY_FILE_ENV: &str = "GETKEYMANAGER_PUBLIC_KEY_FILE";

/// The environment variable [`Client::from_env`] reads the product id from, when set.
pub const PRODUCT_ID_ENV: &str = "GETKEYMANAGER_PRODUCT_ID";

/// What the shared client scaffold needs to know about GetKeyManager.
const PROFILE: ProviderProfile = ProviderProfile {
    identity: ClientIdentity {
        provider: crate::PROVIDER,
        crate_name: env!("CARGO_PKG_NAME"),
        crate_version: env!("CARGO_PKG_VERSION"),
    },
    // Self-hosted: there is no default; `build` refuses a builder without a base URL.
    default_base_url: "",
    api_key_env: API_KEY_ENV,
    base_url_env: BASE_URL_ENV,
    error_parser: &|_| (None, None),
};

/// A GetKeyManager client. Cheap to clone; `Debug` never shows the API key. Every answer is
/// verified before it is returned.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base: ProviderClient,
    verifier: Verifier,
    product_id: Option<u64>,
}

impl Client {
    /// A builder. The base URL, the API key and the pinned public keys are required.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `GETKEYMANAGER_BASE_URL`, `GETKEYMANAGER_API_KEY`,
    /// `GETKEYMANAGER_PUBLIC_KEY_FILE` (the product's public key, PEM) and, when set,
    /// `GETKEYMANAGER_PRODUCT_ID`. Anything missing or unreadable is a configuration error
    /// naming the variable.
    pub fn from_env() -> Result<Self, LicenseError> {
        Self::builder().from_env()?.keys_from_env()?.build()
    }

    /// The verifier every answer goes through (for offline checks of saved envelopes).
    pub fn verifier(&self) -> &Verifier {
        &self.inner.verifier
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.inner.base.base_url()
    }
}

/// Builds a [`Client`]; everything is checked once, in [`build`](Self::build).
#[derive(Debug, Default)]
#[must_use]
pub struct ClientBuilder {
    settings: ClientSettings,
    keys: Option<KeySet>,
    policy: Policy,
    accept_global: bool,
    product_id: Option<u64>,
    clock: Option<Arc<dyn Clock>>,
    store: Option<Arc<dyn StateStore>>,
}

impl ClientBuilder {
    keyward_http::client_builder_methods!();

    /// The pinned public keys answers must be signed with (required).
    pub fn keys(mut self, keys: KeySet) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Reads the product's public key from the PEM file `GETKEYMANAGER_PUBLIC_KEY_FILE` names,
    /// and the product id from `GETKEYMANAGER_PRODUCT_ID` when set.
    pub fn keys_from_env(self) -> Result<Self, LicenseError> {
        self.keys_from_env_with(|name| std::env::var(name).ok())
    }

    /// Like [`keys_from_env`](Self::keys_from_env), reading variables through `lookup`.
    pub fn keys_from_env_with(
        mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, LicenseError> {
        let config = |m: String| LicenseError::config(m).with_provider(crate::PROVIDER);
        let path = lookup(PUBLIC_KEY_FILE_ENV)
            .filter(|p| !p.trim().is_empty())
            .ok_or_else(|| config(format!("{PUBLIC_KEY_FILE_ENV} is not set")))?;
        let pem = std::fs::read_to_string(&path)
            .map_err(|e| config(format!("could not read {PUBLIC_KEY_FILE_ENV}")).with_source(e))?;
        let key = PublicKey::from_pem("product", &pem)
            .map_err(|e| config(format!("{PUBLIC_KEY_FILE_ENV}: {e}")))?;
        self.keys = Some(KeySet::new(key));
        if let Some(product) = lookup(PRODUCT_ID_ENV).filter(|p| !p.trim().is_empty()) {
            let product = product
                .trim()
                .parse()
                .map_err(|_| config(format!("{PRODUCT_ID_ENV} is not a number")))?;
            self.product_id = Some(product);
        }
        Ok(self)
    }

    /// How fresh answers must be, and which keys may sign them.
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Accepts successes signed with the global key on license calls too (default: refused;
    /// refusals and errors signed with it are always accepted).
    pub fn accept_global_key_for_license_calls(mut self, accept: bool) -> Self {
        self.accept_global = accept;
        self
    }

    /// The product this client is for: echoed product ids must match it.
    pub fn product_id(mut self, product_id: u64) -> Self {
        self.product_id = Some(product_id);
        self
    }

    /// The clock freshness is judged by (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Where accepted timestamps are kept (default: in memory; use a
    /// [`FileStateStore`](crate::FileStateStore) to survive restarts).
    pub fn state_store(mut self, store: Arc<dyn StateStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, LicenseError> {
        let config = |m: &str| LicenseError::config(m).with_provider(crate::PROVIDER);
        if self.settings.base_url().is_none() {
            return Err(config(
                "the base URL of your install is required (self-hosted)",
            ));
        }
        let keys = self
            .keys
            .ok_or_else(|| config("a pinned product public key is required"))?;
        if self.policy.max_age < chrono::Duration::zero()
            || self.policy.max_skew < chrono::Duration::zero()
        {
            return Err(config(
                "the policy's max_age and max_skew must not be negative (every answer would be refused)",
            ));
        }
        let base = self.settings.build(&PROFILE, PROFILE.default_base_url)?;
        if base.api_key().is_none() {
            return Err(config("the API key is required"));
        }
        let scope = if self.accept_global {
            KeyScope::ProductOrGlobal
        } else {
            KeyScope::ProductOnly
        };
        let clock = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let mut verifier = Verifier::new(keys, self.policy.key_scope(scope)).with_clock(clock);
        if let Some(store) = self.store {
            verifier = verifier.with_store(store);
        }
        Ok(Client {
            inner: Arc::new(Inner {
                base,
                verifier,
                product_id: self.product_id,
            }),
        })
    }
}

/// One call, described for [`Client::call`].
pub(crate) struct Op<'a> {
    pub(crate) operation: &'static str,
    pub(crate) endpoint: &'static str,
    pub(crate) get: bool,
    pub(crate) read_only: bool,
    pub(crate) fields: Vec<(&'static str, String)>,
    pub(crate) secrets: Vec<&'a str>,
    pub(crate) license_key: Option<&'a SecretLicenseKey>,
    pub(crate) identifier: Option<&'a str>,
    pub(crate) license_call: bool,
    pub(crate) replay_guard: bool,
    pub(crate) product_id: Option<u64>,
}

impl<'a> Op<'a> {
    /// A POST call.
    pub(crate) fn post(operation: &'static str, endpoint: &'static str) -> Self {
        Self {
            operation,
            endpoint,
            get: false,
            read_only: false,
            fields: Vec::new(),
            secrets: Vec::new(),
            license_key: None,
            identifier: None,
            license_call: false,
            replay_guard: false,
            product_id: None,
        }
    }

    /// A GET call (read-only).
    pub(crate) fn get(operation: &'static str, endpoint: &'static str) -> Self {
        Self {
            get: true,
            read_only: true,
            ..Self::post(operation, endpoint)
        }
    }

    /// A license-state call about `key` on `identifier`.
    pub(crate) fn license(mut self, key: &'a SecretLicenseKey, identifier: &'a str) -> Self {
        self.license_call = true;
        self.replay_guard = true;
        self.license_key = Some(key);
        self.identifier = Some(identifier);
        self.fields.push(("license_key", key.expose().to_owned()));
        self.fields.push(("identifier", identifier.to_owned()));
        self
    }

    pub(crate) fn field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    pub(crate) fn fields(mut self, fields: Vec<(&'static str, String)>) -> Self {
        self.fields.extend(fields);
        self
    }

    pub(crate) fn secret(mut self, secret: &'a str) -> Self {
        self.secrets.push(secret);
        self
    }

    /// Turns the replay guard off (writes whose replay gains nothing).
    pub(crate) fn no_replay_guard(mut self) -> Self {
        self.replay_guard = false;
        self
    }

    pub(crate) fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }
}

impl Client {
    /// Sends a call and verifies the answer. Error-class codes become errors; success and
    /// refusal codes come back verified.
    pub(crate) async fn call(
        &self,
        op: Op<'_>,
    ) -> Result<(Verified<Payload>, Response), LicenseError> {
        // Built by a plain function: the request under construction is no local of this
        // future (boxed behind a `dyn` provider, it is best kept small).
        let Prepared {
            sending,
            call,
            slot,
            sent,
        } = self.prepare(op)?;
        let response = sending.await?;
        let verified =
            match self
                .inner
                .verifier
                .check_answer_in(response.body(), &call, sent, slot.as_deref())
            {
                Ok(v) => v,
                Err(e) => return Err(verify_failure(response, e)),
            };
        let payload = verified.value();
        if payload.code().class() == CodeClass::Error {
            return Err(code_error(&response, payload));
        }
        Ok((verified, response))
    }

    /// The request of `op` and what its answer is judged by.
    fn prepare<'a>(
        &'a self,
        op: Op<'a>,
    ) -> Result<
        Prepared<'a, impl Future<Output = Result<Response, LicenseError>> + Send + 'a>,
        LicenseError,
    > {
        let empty = if op.license_key.is_some_and(SecretLicenseKey::is_empty) {
            Some("the license key is empty")
        } else if op.identifier.is_some_and(|i| i.trim().is_empty()) {
            Some("the identifier (domain or hardware id) is empty")
        } else {
            None
        };
        if let Some(message) = empty {
            return Err(LicenseError::invalid_input(message)
                .with_provider(crate::PROVIDER)
                .with_operation(op.operation));
        }
        let key = self.inner.base.require_api_key(op.operation)?;
        let segments = ["api", "v1", op.endpoint];
        let mut request = if op.get {
            let mut r = Request::get(op.operation, segments)?.secret_query("api_key", key.expose());
            for (name, value) in &op.fields {
                r = r.query(*name, value.clone());
            }
            r
        } else {
            // Encoded from borrowed text: the fields are not copied for it.
            let mut fields = Vec::with_capacity(op.fields.len() + 1);
            fields.push(("api_key", key.expose()));
            fields.extend(
                op.fields
                    .iter()
                    .map(|(name, value)| (*name, value.as_str())),
            );
            Request::post(op.operation, segments)?.form(&fields)?
        };
        request = request.bearer(key).accept("application/json")?;
        if let Some(license) = op.license_key {
            request = request.redact_key(license);
        }
        for secret in &op.secrets {
            request = request.redact(secret);
        }
        if op.read_only {
            request = request.idempotency_override(Idempotency::Idempotent);
        }
        let call = Call {
            operation: op.operation,
            license_call: op.license_call,
            replay_guard: op.replay_guard,
            expected: Expected {
                license_key: op.license_key,
                identifier: op.identifier,
                product_id: op.product_id.or(if op.license_call {
                    self.inner.product_id
                } else {
                    None
                }),
            },
        };
        // The answer is judged against what was accepted before this request left, never
        // against answers to calls in flight alongside it.
        // The slot (a SHA-256 of key, identifier and operation) is computed once per call.
        let slot = self.inner.verifier.replay_slot(&call);
        let sent = self
            .inner
            .verifier
            .watermark_of(slot.as_deref())
            .map_err(|e| LicenseError::from(e).with_operation(op.operation))?;
        Ok(Prepared {
            sending: self.inner.base.send(request),
            call,
            slot,
            sent,
        })
    }

    /// A call whose answer is done when `done` returns `Some`, refused otherwise.
    pub(crate) async fn reply<T>(
        &self,
        op: Op<'_>,
        done: impl FnOnce(&Payload) -> Result<Option<T>, LicenseError>,
    ) -> Result<Reply<T>, LicenseError> {
        let operation = op.operation;
        let (verified, response) = self.call(op).await?;
        let http_status = response.status();
        let payload = verified.value();
        // A verified answer whose data cannot be read still happened (`tag` says so for a
        // non-idempotent call).
        let answer = match done(payload).map_err(|e| response.tag(e.with_operation(operation)))? {
            Some(t) => Answer::Done(t),
            None => Answer::Refused(Refusal {
                code: payload.code(),
                message: response.redact(payload.message()),
            }),
        };
        Ok(Reply {
            answer,
            verified,
            http_status,
        })
    }
}

/// A request on its way, and what its answer is judged by.
struct Prepared<'a, F> {
    sending: F,
    call: Call<'a>,
    slot: Option<String>,
    sent: Watermark,
}

/// Done on one of `codes`, with no data.
pub(crate) fn unit_on(
    codes: &'static [u32],
) -> impl FnOnce(&Payload) -> Result<Option<()>, LicenseError> {
    move |p| Ok(codes.contains(&p.code().as_u32()).then_some(()))
}

/// Done on one of `codes`, with a required field decoded.
pub(crate) fn field_on<T: serde::de::DeserializeOwned>(
    codes: &'static [u32],
    name: &'static str,
) -> impl FnOnce(&Payload) -> Result<Option<T>, LicenseError> {
    move |p| {
        if !codes.contains(&p.code().as_u32()) {
            return Ok(None);
        }
        p.field(name)?.map(Some).ok_or_else(|| {
            LicenseError::decode(format!("the signed payload has no `{name}`"))
                .with_provider(crate::PROVIDER)
        })
    }
}

/// Like [`field_on`], for a model that keeps its part of the verified payload as `raw`.
pub(crate) fn model_on<T: serde::de::DeserializeOwned + AttachRaw>(
    codes: &'static [u32],
    name: &'static str,
) -> impl FnOnce(&Payload) -> Result<Option<T>, LicenseError> {
    move |p| {
        let mut model = field_on::<T>(codes, name)(p)?;
        model.attach_raw(p.raw().at(&format!("/{name}")));
        Ok(model)
    }
}

fn verify_failure(response: Response, error: VerifyError) -> LicenseError {
    match error {
        VerifyError::NotJson | VerifyError::MissingPayload if !response.is_success() => {
            response.into_error()
        }
        error => {
            let kind = match error {
                VerifyError::NotJson
                | VerifyError::MissingPayload
                | VerifyError::MalformedPayload(_) => ErrorKind::Decode,
                _ => ErrorKind::Signature,
            };
            let error = error.redacted(|text| response.redact(text));
            let message = error.to_string();
            response.tag(
                LicenseError::from_http(details_without_body(&response), message)
                    .with_kind(kind)
                    .with_source(error),
            )
        }
    }
}

fn code_error(response: &Response, payload: &Payload) -> LicenseError {
    let code = payload.code();
    let kind = match code.as_u32() {
        100..=103 | 150 => ErrorKind::Unauthorized,
        274 | 374 | 483 | 740 | 805 | 806 | 1202 | 1203 => ErrorKind::NotFound,
        633 | 1601 | 1602 => ErrorKind::Unsupported,
        _ if matches!(code, ResponseCode::Unknown(_)) => ErrorKind::Http,
        _ => ErrorKind::Rejected,
    };
    let message = response.redact(payload.message());
    response
        .tag(
            LicenseError::from_http(details_without_body(response), message.clone())
                .with_kind(kind)
                .with_provider_error(Some(code.to_string()), Some(message)),
        )
        // A verified error answer proves the call was not applied.
        .with_may_have_been_applied(false)
}

/// The HTTP details without the body: an envelope's base64 text can carry secrets that the
/// redactor cannot see (license keys, URLs with the API key).
fn details_without_body(response: &Response) -> keyward_core::HttpDetails {
    let mut details = response.details();
    details.body = None;
    details.json = None;
    details
}
