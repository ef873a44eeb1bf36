//! The key-management calls (GetKeyManager's admin API): assign, create, update, delete, list and
//! generate license keys.

use keyward_core::{LicenseError, SecretLicenseKey};

use crate::client::{Client, Op, field_on, model_on, unit_on};
use crate::models::{
    AssignedLicenseKey, CreatedLicenseKeys, LicenseKeyRecord, LicenseKeySpec, RandomAssign, Reply,
};

impl Client {
    /// `POST /assign-license-key` (800; 801 when invalid or already assigned).
    pub async fn assign_license_key(
        &self,
        license_key: &SecretLicenseKey,
        owner_name: Option<&str>,
        email: Option<&str>,
    ) -> Result<Reply<()>, LicenseError> {
        let mut op = Op::post("assign license key", "assign-license-key")
            .field("license_key", license_key.expose())
            .secret(license_key.expose());
        if let Some(name) = owner_name {
            op = op.field("owner_name", name);
        }
        if let Some(email) = email {
            op = op.field("email", email);
        }
        self.reply(op, unit_on(&[800])).await
    }

    /// `POST /random-assign-license-keys` (803 with the keys; 802 when not enough are available).
    pub async fn random_assign_license_keys(
        &self,
        request: &RandomAssign,
    ) -> Result<Reply<Vec<AssignedLicenseKey>>, LicenseError> {
        let op = Op::post("random assign license keys", "random-assign-license-keys")
            .fields(request.fields());
        self.reply(op, field_on(&[803], "license_keys")).await
    }

    /// `POST /random-assign-license-keys-queued` (807): the keys are sent to `webhook_url` later,
    /// with `identifier` (an order id, say) echoed.
    pub async fn random_assign_license_keys_queued(
        &self,
        request: &RandomAssign,
        webhook_url: &str,
        identifier: &str,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post(
            "random assign license keys queued",
            "random-assign-license-keys-queued",
        )
        .fields(request.fields())
        .field("webhook_url", webhook_url)
        .field("identifier", identifier)
        .secret(webhook_url);
        self.reply(op, unit_on(&[807])).await
    }

    /// `POST /create-license-keys` (900 with created and duplicate counts).
    pub async fn create_license_keys(
        &self,
        license_keys: &[SecretLicenseKey],
        spec: &LicenseKeySpec,
    ) -> Result<Reply<CreatedLicenseKeys>, LicenseError> {
        let list: Vec<&str> = license_keys.iter().map(SecretLicenseKey::expose).collect();
        let json = serde_json::to_string(&list).map_err(|e| {
            LicenseError::invalid_input(e.to_string()).with_provider(crate::PROVIDER)
        })?;
        let mut op = Op::post("create license keys", "create-license-keys")
            .field("license_keys", json)
            .fields(spec.fields());
        for key in &list {
            op = op.secret(key);
        }
        self.reply(op, |p| {
            if p.code().as_u32() == 900 {
                p.decode::<CreatedLicenseKeys>().map(Some)
            } else {
                Ok(None)
            }
        })
        .await
    }

    /// `POST /update-license-key` (950).
    pub async fn update_license_key(
        &self,
        license_key: &SecretLicenseKey,
        spec: &LicenseKeySpec,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("update license key", "update-license-key")
            .field("license_key", license_key.expose())
            .fields(spec.fields())
            .secret(license_key.expose());
        self.reply(op, unit_on(&[950])).await
    }

    /// `POST /delete-license-key` (850).
    pub async fn delete_license_key(
        &self,
        license_key: &SecretLicenseKey,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("delete license key", "delete-license-key")
            .field("license_key", license_key.expose())
            .secret(license_key.expose());
        self.reply(op, unit_on(&[850])).await
    }

    /// `GET /get-license-keys` (730).
    pub async fn license_keys(&self) -> Result<Reply<Vec<LicenseKeyRecord>>, LicenseError> {
        self.reply(
            Op::get("get license keys", "get-license-keys"),
            model_on(&[730], "license_keys"),
        )
        .await
    }

    /// `GET /get-available-license-keys-count` (741). The product selector is undocumented:
    /// `product_id` is sent when given (a guess).
    pub async fn available_license_keys_count(
        &self,
        product_id: Option<u64>,
    ) -> Result<Reply<u64>, LicenseError> {
        let mut op = Op::get(
            "get available license keys count",
            "get-available-license-keys-count",
        );
        if let Some(id) = product_id {
            op = op.field("product_id", id.to_string());
        }
        self.reply(op, field_on(&[741], "count")).await
    }

    /// `POST /generate` (815 with the new keys).
    pub async fn generate(
        &self,
        generator_id: u64,
        quantity: u64,
    ) -> Result<Reply<Vec<SecretLicenseKey>>, LicenseError> {
        let op = Op::post("generate", "generate")
            .field("generator_id", generator_id.to_string())
            .field("quantity", quantity.to_string());
        self.reply(op, |p| {
            if p.code().as_u32() != 815 {
                return Ok(None);
            }
            let keys: Vec<String> = p.field("licenseKeys")?.unwrap_or_default();
            Ok(Some(keys.into_iter().map(SecretLicenseKey::new).collect()))
        })
        .await
    }
}
