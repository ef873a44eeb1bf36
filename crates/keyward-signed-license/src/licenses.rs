//! The licensing (client-facing) calls: verify, activate, deactivate, details, downloadables,
//! metadata and telemetry.

use keyward_core::{AttachRaw, LicenseError, SecretLicenseKey};

use crate::client::{Client, Op, field_on, unit_on};
use crate::models::{
    Activation, Deactivation, Downloadable, LicenseDetails, Reply, Telemetry, TelemetrySaved,
};
use crate::payload::Payload;

fn activation(p: &Payload) -> Result<Option<Activation>, LicenseError> {
    Ok(match p.code().as_u32() {
        300 => Some(Activation::Activated),
        301 => Some(Activation::AlreadyActive),
        _ => None,
    })
}

impl Client {
    /// `POST /verify`: whether `license_key` is valid for `identifier` (domain or hardware id).
    /// Done on 200; refused with the reason otherwise (not assigned, invalid, expired, …).
    pub async fn verify(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("verify", "verify")
            .license(license_key, identifier)
            .read_only();
        self.reply(op, unit_on(&[200])).await
    }

    /// `POST /activate`: activates the key for `identifier` (300, or 301 when already active).
    pub async fn activate(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
    ) -> Result<Reply<Activation>, LicenseError> {
        let op = Op::post("activate", "activate").license(license_key, identifier);
        self.reply(op, activation).await
    }

    /// `POST /deactivate` (400, or 401 when already inactive).
    pub async fn deactivate(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
    ) -> Result<Reply<Deactivation>, LicenseError> {
        let op = Op::post("deactivate", "deactivate").license(license_key, identifier);
        self.reply(op, |p| {
            Ok(match p.code().as_u32() {
                400 => Some(Deactivation::Deactivated),
                401 => Some(Deactivation::AlreadyInactive),
                _ => None,
            })
        })
        .await
    }

    /// `POST /assign-and-activate-license-key`: assigns the key to an owner and activates it.
    pub async fn assign_and_activate(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
        owner_name: &str,
        owner_email: &str,
    ) -> Result<Reply<Activation>, LicenseError> {
        let op = Op::post("assign and activate", "assign-and-activate-license-key")
            .license(license_key, identifier)
            .field("owner_name", owner_name)
            .field("owner_email", owner_email);
        self.reply(op, activation).await
    }

    /// `POST /get-license-key-details` (500 with the key and its product).
    pub async fn license_key_details(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
    ) -> Result<Reply<LicenseDetails>, LicenseError> {
        let op = Op::post("get license key details", "get-license-key-details")
            .license(license_key, identifier)
            .read_only();
        self.reply(op, |p| {
            if p.code().as_u32() == 500 {
                let mut details: LicenseDetails = p.decode()?;
                details.attach_raw(p.raw());
                Ok(Some(details))
            } else {
                Ok(None)
            }
        })
        .await
    }

    /// `POST /access-downloadables` (600 with the releases; their URLs embed the API key).
    pub async fn downloadables(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
    ) -> Result<Reply<Vec<Downloadable>>, LicenseError> {
        let op = Op::post("access downloadables", "access-downloadables")
            .license(license_key, identifier)
            .read_only();
        self.reply(op, field_on(&[600], "downloadables")).await
    }

    /// `POST /create-license-key-meta` (453 with the meta id).
    pub async fn create_license_key_meta(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
        key: &str,
        value: &str,
    ) -> Result<Reply<u64>, LicenseError> {
        let op = Op::post("create license key meta", "create-license-key-meta")
            .license(license_key, identifier)
            .no_replay_guard()
            .field("key", key)
            .field("value", value);
        self.reply(op, field_on(&[453], "meta_id")).await
    }

    /// `POST /update-license-key-meta` (353 with the meta id).
    pub async fn update_license_key_meta(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
        key: &str,
        value: &str,
    ) -> Result<Reply<u64>, LicenseError> {
        let op = Op::post("update license key meta", "update-license-key-meta")
            .license(license_key, identifier)
            .no_replay_guard()
            .field("key", key)
            .field("value", value);
        self.reply(op, field_on(&[353], "meta_id")).await
    }

    /// `POST /delete-license-key-meta` (252).
    pub async fn delete_license_key_meta(
        &self,
        license_key: &SecretLicenseKey,
        identifier: &str,
        key: &str,
    ) -> Result<Reply<()>, LicenseError> {
        let op = Op::post("delete license key meta", "delete-license-key-meta")
            .license(license_key, identifier)
            .no_replay_guard()
            .field("key", key);
        self.reply(op, unit_on(&[252])).await
    }

    /// `POST /send-telemetry-data` (830; 831 when stored with format errors).
    pub async fn send_telemetry(
        &self,
        telemetry: &Telemetry,
    ) -> Result<Reply<TelemetrySaved>, LicenseError> {
        let mut op = Op::post("send telemetry", "send-telemetry-data").fields(telemetry.fields());
        if let Some(key) = &telemetry.license_key {
            op = op.secret(key.expose());
        }
        self.reply(op, |p| {
            let correct_format = match p.code().as_u32() {
                830 => true,
                831 => false,
                _ => return Ok(None),
            };
            let errors = match p.fields().get("errors") {
                Some(serde_json::Value::Object(map)) => map.clone(),
                _ => serde_json::Map::new(),
            };
            Ok(Some(TelemetrySaved {
                correct_format,
                errors,
            }))
        })
        .await
    }
}
