//! The public License API: `POST /v1/licenses/{activate,validate,deactivate}`, form-encoded,
//! without an API key. A refused key is an `Ok` answer; `Err` means no verdict was obtained
//! (422 bad input, 429 rate limit, 5xx, network).

use keyward_core::{AttachRaw, LicenseError, RawJson, SecretLicenseKey};
use keyward_http::{Idempotency, Request, Response};
use serde::Serialize;

use crate::client::Client;
use crate::ids::InstanceId;
use crate::models::license_api::RawAnswer;
use crate::models::{KeyStatus, LicenseAnswer, LicenseVerb, Refusal};

/// The License API.
#[derive(Debug, Clone)]
pub struct Licenses {
    client: Client,
}

#[derive(Serialize)]
struct Form<'a> {
    license_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_id: Option<&'a str>,
}

impl Licenses {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Activates `key` for a machine named `instance_name` (a hostname, say). Keep the returned
    /// [`instance_id`](LicenseAnswer::instance_id): validate and deactivate need it.
    ///
    /// Not retried once sent: a lost answer may have used up an activation
    /// ([`LicenseError::may_have_been_applied`]).
    pub async fn activate(
        &self,
        key: &SecretLicenseKey,
        instance_name: &str,
    ) -> Result<LicenseAnswer, LicenseError> {
        if instance_name.trim().is_empty() {
            return Err(invalid(LicenseVerb::Activate, "the instance name is empty"));
        }
        let form = Form {
            license_key: key.expose(),
            instance_name: Some(instance_name),
            instance_id: None,
        };
        self.call(
            LicenseVerb::Activate,
            key,
            &form,
            Idempotency::NonIdempotent,
        )
        .await
    }

    /// Validates `key`, and the activation `instance_id` when given. Without an instance id it
    /// checks the key alone and uses up nothing.
    pub async fn validate(
        &self,
        key: &SecretLicenseKey,
        instance_id: Option<&InstanceId>,
    ) -> Result<LicenseAnswer, LicenseError> {
        if instance_id.is_some_and(|id| id.as_str().trim().is_empty()) {
            return Err(invalid(LicenseVerb::Validate, "the instance id is empty"));
        }
        let form = Form {
            license_key: key.expose(),
            instance_name: None,
            instance_id: instance_id.map(InstanceId::as_str),
        };
        self.call(LicenseVerb::Validate, key, &form, Idempotency::Idempotent)
            .await
    }

    /// Deactivates the activation `instance_id` of `key`, freeing its slot. The product binding
    /// does not apply here: releasing a slot is always allowed.
    pub async fn deactivate(
        &self,
        key: &SecretLicenseKey,
        instance_id: &InstanceId,
    ) -> Result<LicenseAnswer, LicenseError> {
        if instance_id.as_str().trim().is_empty() {
            return Err(invalid(LicenseVerb::Deactivate, "the instance id is empty"));
        }
        let form = Form {
            license_key: key.expose(),
            instance_name: None,
            instance_id: Some(instance_id.as_str()),
        };
        self.call(
            LicenseVerb::Deactivate,
            key,
            &form,
            Idempotency::NonIdempotent,
        )
        .await
    }

    async fn call(
        &self,
        verb: LicenseVerb,
        key: &SecretLicenseKey,
        form: &Form<'_>,
        idempotency: Idempotency,
    ) -> Result<LicenseAnswer, LicenseError> {
        let operation = operation(verb);
        if key.is_empty() {
            return Err(invalid(verb, "the license key is empty"));
        }
        let request = Request::post(operation, ["v1", "licenses", verb.path()])?
            .idempotency_override(idempotency)
            .redact_key(key)
            .accept("application/json")?
            .form(form)?;
        let response = self.client.http().send(request).await?;
        let mut answer = read_answer(verb, response)?;
        let bound = answer.confirmed && verb != LicenseVerb::Deactivate;
        if let Some(mismatch) = bound
            .then(|| self.client.binding().check(answer.meta.as_ref()))
            .flatten()
        {
            answer.refusal = Some(Refusal::ProductMismatch(mismatch));
        }
        Ok(answer)
    }
}

/// The operation name used in errors and traces.
pub(crate) fn operation(verb: LicenseVerb) -> &'static str {
    match verb {
        LicenseVerb::Activate => "activate license",
        LicenseVerb::Validate => "validate license",
        LicenseVerb::Deactivate => "deactivate license",
    }
}

/// Input refused before anything is sent.
fn invalid(verb: LicenseVerb, message: &str) -> LicenseError {
    LicenseError::invalid_input(message)
        .with_provider("lemonsqueezy")
        .with_operation(operation(verb))
}

/// Turns a 200/400/404 verdict body into an answer; anything else is an error.
pub(crate) fn read_answer(
    verb: LicenseVerb,
    response: Response,
) -> Result<LicenseAnswer, LicenseError> {
    let status = response.status();
    let raw: RawAnswer = match status {
        200..=299 => response.json()?,
        400 | 404 => match response.json::<RawAnswer>() {
            Ok(raw) if raw.verdict(verb).is_some() => raw,
            _ => return Err(response.into_error()),
        },
        _ => return Err(response.into_error()),
    };
    let Some(confirmed) = raw.verdict(verb) else {
        return Err(response.tag(LicenseError::decode(format!(
            "the answer has no `{}` field",
            verb.field()
        ))));
    };
    let refusal = (!confirmed).then(|| classify(status, &raw));
    let received = RawJson::from_body(response.body().clone());
    let mut license_key = raw.license_key;
    license_key.attach_raw(received.at("/license_key"));
    let mut instance = raw.instance;
    instance.attach_raw(received.at("/instance"));
    Ok(LicenseAnswer {
        verb,
        http_status: status,
        confirmed,
        error: raw.error.as_deref().map(|e| response.redact(e)),
        license_key,
        instance,
        meta: raw.meta,
        refusal,
        raw: received,
    })
}

/// Best-effort reason for a refusal: the status, the key's status, then the error text.
fn classify(status: u16, raw: &RawAnswer) -> Refusal {
    let text = raw.error.clone().unwrap_or_default();
    let lower = text.to_ascii_lowercase();
    if status == 404 || lower.contains("not found") {
        return if lower.contains("instance") {
            Refusal::InstanceNotFound
        } else {
            Refusal::NotFound
        };
    }
    if lower.contains("activation limit") {
        return Refusal::ActivationLimitReached;
    }
    match raw.license_key.as_ref().map(|k| &k.status) {
        Some(KeyStatus::Disabled) => return Refusal::Disabled,
        Some(KeyStatus::Expired) => return Refusal::Expired,
        _ => {}
    }
    if lower.contains("disabled") {
        Refusal::Disabled
    } else if lower.contains("expired") {
        Refusal::Expired
    } else if text.is_empty() {
        Refusal::Other(String::from("refused without a reason"))
    } else {
        Refusal::Other(text)
    }
}
