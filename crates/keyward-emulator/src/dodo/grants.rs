//! Entitlements and their grants (Dodo's successor of the license-key admin endpoints), as
//! state: an entitlement of type `license_key` carries the key configuration; each grant gives a
//! customer a license key, at once (`auto` fulfilment) or when one is delivered (`manual`).

use std::collections::BTreeMap;

use chrono::{DateTime, Months, Utc};
use serde_json::{Value, json};

use super::state::{Failure, KeyRecord, State, invalid_body, new_id, timestamp};

/// How an entitlement's grants get their key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fulfilment {
    /// Dodo issues a key with the grant.
    Auto,
    /// The grant waits (`Pending`) until a key is delivered to it.
    Manual,
}

/// An entitlement of `integration_type` `license_key`.
#[derive(Debug, Clone)]
pub(crate) struct EntitlementRecord {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) product_id: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) activations_limit: Option<i64>,
    /// `duration_count` and `duration_interval` (`Day`, `Week`, `Month`, `Year`).
    pub(crate) duration: Option<(u32, String)>,
    pub(crate) fulfilment: Fulfilment,
    pub(crate) activation_message: Option<String>,
}

/// A grant's life: `Pending` → `Delivered` → `Revoked`, or `Pending` → `Failed`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantStatus {
    Pending,
    Delivered,
    Failed,
    Revoked,
}

impl GrantStatus {
    /// As `grants.d.ts` spells it (capitalised).
    fn capitalised(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Delivered => "Delivered",
            Self::Failed => "Failed",
            Self::Revoked => "Revoked",
        }
    }
}

/// One customer's grant of an entitlement.
#[derive(Debug, Clone)]
pub(crate) struct GrantRecord {
    pub(crate) id: String,
    pub(crate) entitlement_id: String,
    pub(crate) customer_id: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    pub(crate) status: GrantStatus,
    pub(crate) delivered_at: Option<DateTime<Utc>>,
    pub(crate) revoked_at: Option<DateTime<Utc>>,
    pub(crate) license_key_id: Option<String>,
    pub(crate) payment_id: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    /// `error_code` and `error_message` of a failed grant.
    pub(crate) error: Option<(String, String)>,
}

/// A status filter (`status=…`), matched without regard to case: the SDK spells the status
/// capitalised in one place and lower case in another.
pub(crate) fn status_matches(record: GrantStatus, filter: Option<&String>) -> bool {
    filter.is_none_or(|f| f.eq_ignore_ascii_case(record.capitalised()))
}

/// A license key's expiry `count` `interval`s after `from`; `None` for an unknown interval or
/// past the end of time.
fn expiry(from: DateTime<Utc>, (count, interval): &(u32, String)) -> Option<DateTime<Utc>> {
    let days = |n: u32| from.checked_add_signed(chrono::Duration::days(i64::from(n)));
    let months = |n: u32| from.checked_add_months(Months::new(n));
    match interval.to_ascii_lowercase().as_str() {
        "day" => days(*count),
        "week" => days(count.saturating_mul(7)),
        "month" => months(*count),
        "year" => months(count.saturating_mul(12)),
        _ => None,
    }
}

impl State {
    pub(crate) fn entitlement(&self, id: &str) -> Option<&EntitlementRecord> {
        self.entitlements.iter().find(|e| e.id == id)
    }

    pub(crate) fn entitlement_json(&self, e: &EntitlementRecord) -> Value {
        let mode = match e.fulfilment {
            Fulfilment::Auto => "auto",
            Fulfilment::Manual => "manual",
        };
        json!({
            "id": e.id,
            "brand_id": "brnd_emulator",
            "business_id": self.business_id,
            "name": e.name,
            "description": null,
            "integration_type": "license_key",
            "integration_config": {
                "activations_limit": e.activations_limit,
                "duration_count": e.duration.as_ref().map(|d| d.0),
                "duration_interval": e.duration.as_ref().map(|d| d.1.clone()),
                "fulfillment_mode": mode,
                "activation_message": e.activation_message,
            },
            "created_at": timestamp(&e.created_at),
            "updated_at": timestamp(&e.created_at),
        })
    }

    /// A grant as Dodo renders it; `lower_case` spells the status as `customers.d.ts` does.
    pub(crate) fn grant_json(&self, g: &GrantRecord, lower_case: bool) -> Value {
        let status = g.status.capitalised();
        let key = g
            .license_key_id
            .as_deref()
            .and_then(|id| self.key_by_id(id));
        json!({
            "id": g.id,
            "brand_id": "brnd_emulator",
            "business_id": self.business_id,
            "created_at": timestamp(&g.created_at),
            "updated_at": timestamp(&g.updated_at),
            "customer_id": g.customer_id,
            "entitlement_id": g.entitlement_id,
            "integration_type": "license_key",
            "metadata": g.metadata,
            "status": if lower_case { status.to_ascii_lowercase() } else { status.to_owned() },
            "delivered_at": g.delivered_at.as_ref().map(timestamp),
            "revoked_at": g.revoked_at.as_ref().map(timestamp),
            "revocation_reason": null,
            "error_code": g.error.as_ref().map(|e| &e.0),
            "error_message": g.error.as_ref().map(|e| &e.1),
            "payment_id": g.payment_id,
            "subscription_id": null,
            "license_key": key.map(|k| json!({
                "id": k.id,
                "key": k.key,
                "status": self.status(k),
                "activations_used": self.instances_count(&k.id),
                "activations_limit": k.activations_limit,
                "expires_at": k.expires_at.as_ref().map(timestamp),
            })),
            "feature": null,
            "digital_product_delivery": null,
            "oauth_url": null,
            "oauth_expires_at": null,
        })
    }

    /// Adds a grant of `entitlement_id`: delivered with `key` (or a generated one) for `auto`
    /// fulfilment, pending for `manual`; failed with `failure` (code, message) instead of
    /// delivered when one is given. Returns the grant's id.
    pub(crate) fn grant(
        &mut self,
        entitlement_id: &str,
        customer_id: &str,
        key: Option<String>,
        failure: Option<(String, String)>,
    ) -> Result<String, Failure> {
        let entitlement = self
            .entitlement(entitlement_id)
            .cloned()
            .ok_or_else(|| (404, "NOT_FOUND", "Entitlement not found".to_owned()))?;
        let now = self.now();
        let id = new_id("entg");
        let queued = self.outbox.len();
        self.grants.push(GrantRecord {
            id: id.clone(),
            entitlement_id: entitlement.id.clone(),
            customer_id: customer_id.to_owned(),
            created_at: now,
            updated_at: now,
            status: GrantStatus::Pending,
            delivered_at: None,
            revoked_at: None,
            license_key_id: None,
            payment_id: Some(new_id("pay")),
            metadata: BTreeMap::new(),
            error: None,
        });
        self.emit_grant("created", &id);
        let outcome = match failure {
            Some((code, message)) => self.fail(&id, &code, &message),
            None if entitlement.fulfilment == Fulfilment::Auto => {
                let key = key.unwrap_or_else(|| new_id("KEY").to_ascii_uppercase());
                self.deliver(&id, &json!({"key": key}))
            }
            None => Ok(Value::Null),
        };
        if let Err(failure) = outcome {
            self.grants.retain(|g| g.id != id);
            self.outbox.truncate(queued);
            return Err(failure);
        }
        Ok(id)
    }

    /// `POST /grants/{grant_id}/license-key`: issues the key of a pending grant; `key` is
    /// required, `activations_limit` and `expires_at` default to the entitlement's configuration.
    pub(crate) fn deliver(&mut self, grant_id: &str, body: &Value) -> Result<Value, Failure> {
        let now = self.now();
        let grant = self
            .grants
            .iter()
            .find(|g| g.id == grant_id)
            .cloned()
            .ok_or_else(|| (404, "NOT_FOUND", "Entitlement grant not found".to_owned()))?;
        if grant.status != GrantStatus::Pending {
            // A guess: Dodo's answer to delivering twice is not documented.
            return Err((
                409,
                "GRANT_NOT_PENDING",
                "License key can only be delivered to a pending grant".to_owned(),
            ));
        }
        let entitlement = self
            .entitlement(&grant.entitlement_id)
            .cloned()
            .ok_or_else(|| (404, "NOT_FOUND", "Entitlement not found".to_owned()))?;
        let key = body
            .get("key")
            .and_then(Value::as_str)
            .filter(|k| !k.is_empty())
            .ok_or_else(|| invalid_body("missing string field `key`"))?;
        let activations_limit = match body.get("activations_limit") {
            None => entitlement.activations_limit,
            Some(Value::Null) => None,
            Some(v) => Some(
                v.as_i64()
                    .ok_or_else(|| invalid_body("activations_limit"))?,
            ),
        };
        let expires_at = match body.get("expires_at") {
            None => entitlement.duration.as_ref().and_then(|d| expiry(now, d)),
            Some(Value::Null) => None,
            Some(v) => Some(super::state::parse_time(v).ok_or_else(|| invalid_body("expires_at"))?),
        };
        let key_id = new_id("lic");
        self.insert_key(KeyRecord {
            id: key_id.clone(),
            key: key.to_owned(),
            brand_id: "brnd_emulator".to_owned(),
            created_at: now,
            customer_id: grant.customer_id.clone(),
            product_id: entitlement.product_id.clone(),
            source: "auto".to_owned(),
            disabled: false,
            forced_expired: false,
            activations_limit,
            expires_at,
            payment_id: grant.payment_id.clone(),
            subscription_id: None,
        })?;
        let grant = self.grant_mut(grant_id)?;
        grant.status = GrantStatus::Delivered;
        grant.delivered_at = Some(now);
        grant.updated_at = now;
        grant.license_key_id = Some(key_id);
        self.emit_grant("delivered", grant_id);
        Ok(self.grant_answer(grant_id))
    }

    /// `DELETE /entitlements/{id}/grants/{grant_id}`: revokes the grant and disables its key;
    /// revoking again answers the grant as it is.
    pub(crate) fn revoke(
        &mut self,
        entitlement_id: &str,
        grant_id: &str,
    ) -> Result<Value, Failure> {
        let now = self.now();
        let grant = self
            .grant_mut(grant_id)
            .ok()
            .filter(|g| g.entitlement_id == entitlement_id)
            .ok_or_else(|| (404, "NOT_FOUND", "Entitlement grant not found".to_owned()))?;
        if grant.status != GrantStatus::Revoked {
            grant.status = GrantStatus::Revoked;
            grant.revoked_at = Some(now);
            grant.updated_at = now;
            let key_id = grant.license_key_id.clone();
            if let Some(key) = self
                .keys
                .iter_mut()
                .find(|k| Some(&k.id) == key_id.as_ref())
            {
                key.disabled = true;
            }
            self.emit_grant("revoked", grant_id);
        }
        Ok(self.grant_answer(grant_id))
    }

    /// Fails a pending grant: its delivery could not be made (`error_code`, `error_message`);
    /// sends `entitlement_grant.failed`. A grant that is not pending is refused (409), as a
    /// second delivery is.
    pub(crate) fn fail(
        &mut self,
        grant_id: &str,
        code: &str,
        message: &str,
    ) -> Result<Value, Failure> {
        let now = self.now();
        let grant = self.grant_mut(grant_id)?;
        if grant.status != GrantStatus::Pending {
            return Err((
                409,
                "GRANT_NOT_PENDING",
                "Only a pending grant can fail".to_owned(),
            ));
        }
        grant.status = GrantStatus::Failed;
        grant.updated_at = now;
        grant.error = Some((code.to_owned(), message.to_owned()));
        self.emit_grant("failed", grant_id);
        Ok(self.grant_answer(grant_id))
    }

    fn grant_mut(&mut self, grant_id: &str) -> Result<&mut GrantRecord, Failure> {
        self.grants
            .iter_mut()
            .find(|g| g.id == grant_id)
            .ok_or_else(|| (404, "NOT_FOUND", "Entitlement grant not found".to_owned()))
    }

    fn grant_answer(&self, grant_id: &str) -> Value {
        self.grants
            .iter()
            .find(|g| g.id == grant_id)
            .map_or(Value::Null, |g| self.grant_json(g, false))
    }
}
