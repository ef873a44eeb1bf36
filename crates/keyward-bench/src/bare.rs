//! The yardstick: what a developer writes by hand with reqwest and serde (the same reqwest
//! version and features as `keyward-http`): one keep-alive `reqwest::Client`, typed structs of
//! its own for the same fields our models read, `error_for_status`, `.json()`. For GetKeyManager,
//! one aws-lc-rs RSA-2048 verify with a key parsed once, then the payload decoded.

use std::collections::BTreeMap;

use aws_lc_rs::signature::{self, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::canned;

/// A Dodo license key (`GET /license_keys/{id}`).
#[derive(Debug, Deserialize)]
pub struct DodoLicenseKey {
    /// `lic_…`.
    pub id: String,
    /// The brand.
    pub brand_id: Option<String>,
    /// The business.
    pub business_id: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// The customer.
    pub customer_id: String,
    /// Activations in use.
    pub instances_count: i64,
    /// The key.
    pub key: String,
    /// The product.
    pub product_id: String,
    /// Where it came from.
    pub source: Option<String>,
    /// Its status.
    pub status: String,
    /// The activation limit.
    pub activations_limit: Option<i64>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// The payment.
    pub payment_id: Option<String>,
    /// The subscription.
    pub subscription_id: Option<String>,
}

/// Polar's and Creem's answers, read as far as a validity check needs.
#[derive(Deserialize)]
struct StatusOnly {
    status: String,
}

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
struct DodoValidateBody<'a> {
    license_key: &'a str,
}

#[derive(Deserialize)]
struct DodoValidation {
    valid: bool,
}

/// A Lemon Squeezy JSON:API document (`GET /v1/license-keys/{id}`).
#[derive(Debug, Deserialize)]
pub struct LsDocument {
    /// The resource.
    pub data: LsLicenseKey,
}

/// A `license-keys` resource.
#[derive(Debug, Deserialize)]
pub struct LsLicenseKey {
    /// `license-keys`.
    #[serde(rename = "type")]
    pub resource_type: String,
    /// The id.
    pub id: String,
    /// The attributes.
    pub attributes: LsAttributes,
    /// The relationships' links.
    #[serde(default)]
    pub relationships: BTreeMap<String, LsRelationship>,
}

/// One relationship.
#[derive(Debug, Deserialize)]
pub struct LsRelationship {
    /// Its links.
    pub links: Option<LsLinks>,
}

/// `related` and `self` links.
#[derive(Debug, Deserialize)]
pub struct LsLinks {
    /// The related resource.
    pub related: Option<String>,
    /// The relationship itself.
    #[serde(rename = "self")]
    pub self_link: Option<String>,
}

/// A license key's attributes.
#[derive(Debug, Deserialize)]
pub struct LsAttributes {
    /// The store.
    pub store_id: u64,
    /// The customer.
    pub customer_id: Option<u64>,
    /// The order.
    pub order_id: u64,
    /// The order item.
    pub order_item_id: u64,
    /// The product.
    pub product_id: u64,
    /// The customer's name.
    pub user_name: String,
    /// The customer's e-mail.
    pub user_email: String,
    /// The key.
    pub key: String,
    /// The short key.
    pub key_short: String,
    /// The activation limit.
    pub activation_limit: Option<u32>,
    /// Activations in use.
    pub instances_count: Option<u32>,
    /// Disabled by the seller.
    pub disabled: bool,
    /// The status.
    pub status: String,
    /// The status as shown.
    pub status_formatted: String,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Updated.
    pub updated_at: DateTime<Utc>,
    /// Test mode.
    pub test_mode: bool,
}

#[derive(Serialize)]
struct LsValidateForm<'a> {
    license_key: &'a str,
}

/// A Lemon Squeezy License API answer (`POST /v1/licenses/validate`).
#[derive(Debug, Deserialize)]
pub struct LsValidation {
    /// The verdict.
    pub valid: bool,
    /// The refusal text.
    pub error: Option<String>,
    /// The key.
    pub license_key: Option<LsApiKey>,
    /// The instance.
    pub instance: Option<LsApiInstance>,
    /// Whose key it is.
    pub meta: Option<LsMeta>,
}

/// The License API's `license_key`.
#[derive(Debug, Deserialize)]
pub struct LsApiKey {
    /// The id.
    pub id: u64,
    /// The status.
    pub status: String,
    /// The key.
    pub key: String,
    /// The activation limit.
    pub activation_limit: Option<u32>,
    /// Activations in use.
    pub activation_usage: u32,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Test mode.
    #[serde(default)]
    pub test_mode: bool,
}

/// The License API's `instance`.
#[derive(Debug, Deserialize)]
pub struct LsApiInstance {
    /// The id.
    pub id: String,
    /// The name.
    pub name: Option<String>,
    /// Created.
    pub created_at: Option<DateTime<Utc>>,
}

/// The License API's `meta`.
#[derive(Debug, Deserialize)]
pub struct LsMeta {
    /// The store.
    pub store_id: Option<u64>,
    /// The order.
    pub order_id: Option<u64>,
    /// The order item.
    pub order_item_id: Option<u64>,
    /// The product.
    pub product_id: Option<u64>,
    /// The product's name.
    pub product_name: Option<String>,
    /// The variant.
    pub variant_id: Option<u64>,
    /// The variant's name.
    pub variant_name: Option<String>,
    /// The customer.
    pub customer_id: Option<u64>,
    /// The customer's name.
    pub customer_name: Option<String>,
    /// The customer's e-mail.
    pub customer_email: Option<String>,
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

/// A verified GetKeyManager payload.
#[derive(Debug, Deserialize)]
pub struct GkmPayload {
    /// The response code (200 = valid).
    pub code: u32,
    /// The server's message.
    pub message: String,
    /// Signed at (Unix seconds).
    pub timestamp: i64,
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
        let answer: StatusOnly = self
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
        let answer: StatusOnly = self
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
