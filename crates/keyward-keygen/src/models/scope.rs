//! What a validation sends: `meta.key` (by key only), `meta.scope` and `meta.nonce`
//! (`validations_controller.rb`'s `typed_params`).

use keyward_core::SecretLicenseKey;
use serde::Serialize;
use serde_json::{Map, Value, json};

/// `meta.scope` of a validation: what the license must match (product, policy, fingerprint,
/// entitlements, …). Empty fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ValidationScope {
    /// The product id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// The policy id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The user id or e-mail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The machine id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub machine: Option<String>,
    /// The machine fingerprint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// Several fingerprints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<String>,
    /// Component fingerprints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    /// Entitlement codes the license must have.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entitlements: Vec<String>,
    /// An artifact checksum.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// A release version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The environment (Keygen EE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment: Option<String>,
}

impl ValidationScope {
    /// A scope with only a fingerprint: what an app sends to validate on one machine.
    pub fn fingerprint(fingerprint: impl Into<String>) -> Self {
        Self {
            fingerprint: Some(fingerprint.into()),
            ..Self::default()
        }
    }

    /// This scope with a product.
    #[must_use]
    pub fn with_product(mut self, product: impl Into<String>) -> Self {
        self.product = Some(product.into());
        self
    }

    /// This scope with a policy.
    #[must_use]
    pub fn with_policy(mut self, policy: impl Into<String>) -> Self {
        self.policy = Some(policy.into());
        self
    }

    /// This scope with entitlements.
    #[must_use]
    pub fn with_entitlements<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        codes: I,
    ) -> Self {
        self.entitlements = codes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether nothing is scoped.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// `meta` of a validation request; the key goes in only for `validate-key`.
pub(crate) fn validation_meta(
    key: Option<&SecretLicenseKey>,
    scope: &ValidationScope,
    nonce: Option<i64>,
) -> Value {
    let mut meta = Map::new();
    if let Some(key) = key {
        meta.insert("key".into(), Value::String(key.expose().to_owned()));
    }
    if !scope.is_empty() {
        meta.insert("scope".into(), json!(scope));
    }
    if let Some(nonce) = nonce {
        meta.insert("nonce".into(), json!(nonce));
    }
    json!({ "meta": meta })
}
