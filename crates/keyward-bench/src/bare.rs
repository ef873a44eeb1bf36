//! The yardstick: what a developer writes by hand with reqwest and serde (the same reqwest
//! version and features as `keyward-http`): one keep-alive `reqwest::Client`, typed structs of
//! its own for the same fields our models read, `error_for_status`, `.json()`. For GetKeyManager,
//! one aws-lc-rs RSA-2048 verify with a key parsed once, then the payload decoded.

use aws_lc_rs::signature::{self, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use crate::canned;
use crate::ops::Op;

mod answers;
mod models;
pub use answers::{
    CreemInstance, CreemLicense, GumroadPurchase, GumroadVerification, PolarActivation,
    PolarCustomer, PolarLicenseKey,
};
pub use models::{
    DodoLicenseKey, GkmPayload, LsApiInstance, LsApiKey, LsAttributes, LsDocument, LsLicenseKey,
    LsLinks, LsMeta, LsRelationship, LsValidation,
};

#[derive(Serialize)]
struct PolarValidateBody<'a> {
    key: &'a str,
    organization_id: &'a str,
}

#[derive(Serialize)]
struct CreemValidateBody<'a> {
    key: &'a str,
    instance_id: &'a str,
}

#[derive(Serialize)]
struct GumroadVerifyForm<'a> {
    product_id: &'a str,
    license_key: &'a str,
    increment_uses_count: &'a str,
}

#[derive(Serialize)]
struct DodoValidateBody<'a> {
    license_key: &'a str,
}

#[derive(Deserialize)]
struct DodoValidation {
    valid: bool,
}

#[derive(Serialize)]
struct LsValidateForm<'a> {
    license_key: &'a str,
}

#[derive(Deserialize)]
struct DevpayrEnvelope {
    data: Option<DevpayrStatus>,
}

#[derive(Deserialize)]
struct DevpayrStatus {
    has_paid: Option<bool>,
}

#[derive(Serialize)]
struct GkmForm<'a> {
    api_key: &'a str,
    license_key: &'a str,
    identifier: &'a str,
}

#[derive(Deserialize)]
struct GkmEnvelope {
    response_base64: String,
    signature: String,
}

/// The bare client: reqwest, serde, and for signed answers one parsed RSA key.
pub struct Bare {
    http: reqwest::Client,
    base: String,
    signed: Option<(ParsedPublicKey, i64)>,
}

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Send, refuse a non-2xx status, decode the JSON body: what every bare call does.
trait IntoJson {
    async fn into_json<T: serde::de::DeserializeOwned>(self) -> Result<T, String>;
}

impl IntoJson for reqwest::RequestBuilder {
    async fn into_json<T: serde::de::DeserializeOwned>(self) -> Result<T, String> {
        self.send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(text)?
            .json()
            .await
            .map_err(text)
    }
}

impl Bare {
    /// A client for `base` (`http://127.0.0.1:port`).
    pub fn new(base: &str) -> Result<Self, String> {
        Ok(Self {
            http: reqwest::Client::builder().build().map_err(text)?,
            base: base.trim_end_matches('/').to_owned(),
            signed: None,
        })
    }

    /// Pins the GetKeyManager product key (parsed once); signed answers are judged at `now`.
    pub fn with_signed_key(mut self, now: i64) -> Result<Self, String> {
        let der = canned::pem_body(&canned::gkm_public_key_pem()?)?;
        let key = ParsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
            .map_err(|e| format!("bare key: {e}"))?;
        self.signed = Some((key, now));
        Ok(self)
    }

    /// Dodo `GET /license_keys/{id}` with the bearer API key.
    pub async fn dodo_retrieve(&self, id: &str) -> Result<DodoLicenseKey, String> {
        self.http
            .get(format!("{}/license_keys/{id}", self.base))
            .bearer_auth(canned::API_KEY)
            .into_json()
            .await
    }

    /// Dodo `POST /licenses/validate`.
    pub async fn dodo_validate(&self, key: &str) -> Result<bool, String> {
        let answer: DodoValidation = self
            .http
            .post(format!("{}/licenses/validate", self.base))
            .json(&DodoValidateBody { license_key: key })
            .into_json()
            .await?;
        Ok(answer.valid)
    }

    /// Lemon Squeezy `GET /v1/license-keys/{id}` with the bearer API key.
    pub async fn ls_retrieve(&self, id: u64) -> Result<LsDocument, String> {
        self.http
            .get(format!("{}/v1/license-keys/{id}", self.base))
            .bearer_auth(canned::API_KEY)
            .header("accept", "application/vnd.api+json")
            .into_json()
            .await
    }

    /// Lemon Squeezy `POST /v1/licenses/validate` (form).
    pub async fn ls_validate(&self, key: &str) -> Result<LsValidation, String> {
        self.http
            .post(format!("{}/v1/licenses/validate", self.base))
            .header("accept", "application/json")
            .form(&LsValidateForm { license_key: key })
            .into_json()
            .await
    }

    /// Polar `POST /v1/customer-portal/license-keys/validate` (no token, version pinned): 200
    /// only for a usable key.
    pub async fn polar_validate(&self, key: &str) -> Result<bool, String> {
        let answer: PolarLicenseKey = self
            .http
            .post(format!(
                "{}/v1/customer-portal/license-keys/validate",
                self.base
            ))
            .header("polar-version", "2026-04")
            .json(&PolarValidateBody {
                key,
                organization_id: canned::POLAR_ORG,
            })
            .into_json()
            .await?;
        Ok(answer.status == "granted")
    }

    /// Creem `POST /v1/licenses/validate` with the secret `x-api-key`.
    pub async fn creem_validate(&self, key: &str, instance_id: &str) -> Result<bool, String> {
        let answer: CreemLicense = self
            .http
            .post(format!(
                "{}/{}/v1/licenses/validate",
                self.base,
                canned::CREEM_PREFIX
            ))
            .header("x-api-key", canned::API_KEY)
            .json(&CreemValidateBody { key, instance_id })
            .into_json()
            .await?;
        Ok(answer.status == "active")
    }

    /// Gumroad `POST /v2/licenses/verify` (form, `increment_uses_count=false`): a success whose
    /// purchase is not refunded, charged back, ended or unpaid.
    pub async fn gumroad_verify(&self, key: &str) -> Result<bool, String> {
        let answer: GumroadVerification = self
            .http
            .post(format!("{}/v2/licenses/verify", self.base))
            .form(&GumroadVerifyForm {
                product_id: canned::GUMROAD_PRODUCT,
                license_key: key,
                increment_uses_count: "false",
            })
            .into_json()
            .await?;
        let void = answer.purchase.is_some_and(|p| {
            p.refunded
                || p.chargebacked
                || p.subscription_ended_at.is_some()
                || p.subscription_failed_at.is_some()
        });
        Ok(answer.success && !void)
    }

    /// One call of `op` with the canned keys: whether the answer is the expected one.
    pub async fn call(&self, op: Op) -> Result<bool, String> {
        Ok(match op {
            Op::DodoRetrieve => self.dodo_retrieve(canned::DODO_KEY_ID).await?.status == "active",
            Op::DodoValidate => self.dodo_validate(canned::DODO_KEY).await?,
            Op::LsRetrieve => self.ls_retrieve(canned::LS_KEY_ID).await?.data.id == "1",
            Op::LsValidate => self.ls_validate(canned::LS_KEY).await?.valid,
            Op::DevpayrHasPaid => {
                self.devpayr_has_paid(canned::KEY, canned::IDENTIFIER)
                    .await?
            }
            Op::GkmValidate => self.gkm_verify(canned::KEY, canned::IDENTIFIER).await?.code == 200,
            Op::PolarValidate => self.polar_validate(canned::POLAR_KEY).await?,
            Op::CreemValidate => {
                self.creem_validate(canned::CREEM_KEY, canned::CREEM_INSTANCE)
                    .await?
            }
            Op::GumroadValidate => self.gumroad_verify(canned::GUMROAD_KEY).await?,
        })
    }

    /// DevPayr `POST /project/has-paid` with `X-LICENSE-KEY` and the domain.
    pub async fn devpayr_has_paid(&self, key: &str, domain: &str) -> Result<bool, String> {
        let answer: DevpayrEnvelope = self
            .http
            .post(format!("{}/project/has-paid", self.base))
            .header("x-license-key", key)
            .header("x-devpayr-domain", domain)
            .json(&serde_json::Map::new())
            .into_json()
            .await?;
        answer
            .data
            .and_then(|d| d.has_paid)
            .ok_or_else(|| String::from("no has_paid"))
    }

    /// GetKeyManager `POST /api/v1/verify`: the signature over `response_base64` checked with
    /// the pinned key, then the payload decoded and its freshness checked.
    pub async fn gkm_verify(&self, key: &str, identifier: &str) -> Result<GkmPayload, String> {
        let envelope: GkmEnvelope = self
            .http
            .post(format!("{}/api/v1/verify", self.base))
            .form(&GkmForm {
                api_key: canned::API_KEY,
                license_key: key,
                identifier,
            })
            .into_json()
            .await?;
        let (key, now) = self.signed.as_ref().ok_or("no signing key pinned")?;
        let signature = STANDARD.decode(&envelope.signature).map_err(text)?;
        let message = envelope.response_base64.as_bytes();
        key.verify_sig(message, &signature)
            .map_err(|_| String::from("bad signature"))?;
        let payload: GkmPayload =
            serde_json::from_slice(&STANDARD.decode(message).map_err(text)?).map_err(text)?;
        let age = now - payload.timestamp;
        if !(-60..=300).contains(&age) {
            return Err(format!("stale answer ({age} s)"));
        }
        Ok(payload)
    }
}
