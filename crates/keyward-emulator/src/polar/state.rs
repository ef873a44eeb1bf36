//! The emulated Polar's state and its license rules (`server/polar/license_key/service.py`),
//! independent of HTTP.

use chrono::{DateTime, SecondsFormat, Utc};

use super::json::activation_json;
use serde_json::{Map, Value};

use crate::shell::Clock;

/// An error answer: status, Polar's exception class (`error`), `detail`.
pub(crate) type Failure = (u16, &'static str, String);

pub(crate) fn not_found(detail: &str) -> Failure {
    (404, "ResourceNotFound", detail.to_owned())
}

fn not_permitted(detail: &str) -> Failure {
    (403, "NotPermitted", detail.to_owned())
}

/// A license key as stored.
#[derive(Debug, Clone)]
pub(crate) struct KeyRecord {
    pub(crate) id: String,
    pub(crate) key: String,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) modified_at: Option<DateTime<Utc>>,
    pub(crate) customer_id: String,
    pub(crate) customer_email: String,
    pub(crate) benefit_id: String,
    pub(crate) status: String,
    pub(crate) limit_activations: Option<i64>,
    pub(crate) usage: i64,
    pub(crate) limit_usage: Option<i64>,
    pub(crate) validations: i64,
    pub(crate) last_validated_at: Option<DateTime<Utc>>,
    pub(crate) expires_at: Option<DateTime<Utc>>,
}

/// An activation; deactivating marks it deleted (Polar's soft delete).
#[derive(Debug, Clone)]
pub(crate) struct ActivationRecord {
    pub(crate) id: String,
    pub(crate) license_key_id: String,
    pub(crate) label: String,
    pub(crate) meta: Map<String, Value>,
    pub(crate) conditions: Map<String, Value>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) deleted: bool,
}

/// Everything an emulated Polar holds (read it through [`PolarEmulator`](super::PolarEmulator)).
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) access_token: String,
    pub(crate) organization_id: String,
    pub(crate) clock: Clock,
    pub(crate) keys: Vec<KeyRecord>,
    pub(crate) activations: Vec<ActivationRecord>,
}

pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

pub(crate) fn timestamp(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// What validate was asked besides the key.
#[derive(Debug, Default)]
pub(crate) struct Validate<'a> {
    pub(crate) activation_id: Option<&'a str>,
    pub(crate) benefit_id: Option<&'a str>,
    pub(crate) customer_id: Option<&'a str>,
    pub(crate) increment_usage: Option<i64>,
    pub(crate) conditions: Map<String, Value>,
}

impl State {
    pub(crate) fn new(access_token: &str, organization_id: &str) -> Self {
        Self {
            access_token: access_token.to_owned(),
            organization_id: organization_id.to_owned(),
            clock: Clock::default(),
            keys: Vec::new(),
            activations: Vec::new(),
        }
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    fn index_by_key(&self, organization_id: &str, key: &str) -> Result<usize, Failure> {
        if organization_id != self.organization_id {
            return Err(not_found("Not found"));
        }
        self.keys
            .iter()
            .position(|k| k.key == key)
            .ok_or_else(|| not_found("Not found"))
    }

    pub(crate) fn key_by_id(&self, id: &str) -> Option<&KeyRecord> {
        self.keys.iter().find(|k| k.id == id)
    }

    pub(crate) fn live_activation(
        &self,
        key_id: &str,
        activation_id: &str,
    ) -> Option<&ActivationRecord> {
        self.activations
            .iter()
            .find(|a| a.id == activation_id && a.license_key_id == key_id && !a.deleted)
    }

    pub(crate) fn live_activations(&self, key_id: &str) -> impl Iterator<Item = &ActivationRecord> {
        self.activations
            .iter()
            .filter(move |a| a.license_key_id == key_id && !a.deleted)
    }

    /// `service.validate`, in the server's order.
    pub(crate) fn validate(
        &mut self,
        organization_id: &str,
        key: &str,
        ask: &Validate<'_>,
    ) -> Result<Value, Failure> {
        let now = self.now();
        let index = self.index_by_key(organization_id, key)?;
        let record = &self.keys[index];
        if record.status != "granted" {
            return Err(not_found("License key is no longer active."));
        }
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err(not_found("License key has expired."));
        }
        let activation = match ask.activation_id {
            Some(id) => {
                let activation = self
                    .live_activation(&record.id, id)
                    .ok_or_else(|| not_found("Not found"))?;
                if !activation.conditions.is_empty() && activation.conditions != ask.conditions {
                    return Err(not_found("License key does not match required conditions"));
                }
                Some(activation_json(activation))
            }
            None => None,
        };
        if ask.benefit_id.is_some_and(|b| b != record.benefit_id) {
            return Err(not_found("License key does not match given benefit."));
        }
        if ask.customer_id.is_some_and(|c| c != record.customer_id) {
            return Err(not_found("License key does not match given user."));
        }
        let increment = ask.increment_usage.unwrap_or(0);
        if let Some(limit) = record.limit_usage {
            let remaining = limit.saturating_sub(record.usage);
            if increment > remaining {
                let detail = format!("License key only has {remaining} more usages.");
                return Err((400, "BadRequest", detail));
            }
        }
        let record = &mut self.keys[index];
        record.validations = record.validations.saturating_add(1);
        record.last_validated_at = Some(now);
        record.usage = record.usage.saturating_add(increment);
        let mut body = self.key_json(&self.keys[index]);
        body["activation"] = activation.unwrap_or(Value::Null);
        Ok(body)
    }

    /// `service.activate`.
    pub(crate) fn activate(
        &mut self,
        organization_id: &str,
        key: &str,
        label: &str,
        conditions: Map<String, Value>,
        meta: Map<String, Value>,
    ) -> Result<Value, Failure> {
        let now = self.now();
        let index = self.index_by_key(organization_id, key)?;
        let record = &self.keys[index];
        if record.status != "granted" {
            return Err(not_permitted(
                "License key is no longer active. This license key can not be activated.",
            ));
        }
        if record.expires_at.is_some_and(|at| at <= now) {
            return Err(not_permitted("License key has expired."));
        }
        let Some(limit) = record.limit_activations.filter(|l| *l > 0) else {
            return Err(not_permitted(
                "This license key does not support activations. Use the /validate endpoint instead to check license validity.",
            ));
        };
        let used = i64::try_from(self.live_activations(&record.id).count()).unwrap_or(i64::MAX);
        if used >= limit {
            return Err(not_permitted(
                "License key activation limit already reached",
            ));
        }
        let activation = ActivationRecord {
            id: new_id(),
            license_key_id: record.id.clone(),
            label: label.to_owned(),
            meta,
            conditions,
            created_at: now,
            deleted: false,
        };
        let mut body = activation_json(&activation);
        body["license_key"] = self.key_json(record);
        self.activations.push(activation);
        Ok(body)
    }

    /// `service.deactivate`: the key's status is not checked.
    pub(crate) fn deactivate(
        &mut self,
        organization_id: &str,
        key: &str,
        activation_id: &str,
    ) -> Result<(), Failure> {
        let index = self.index_by_key(organization_id, key)?;
        let key_id = self.keys[index].id.clone();
        let activation = self
            .activations
            .iter_mut()
            .find(|a| a.id == activation_id && a.license_key_id == key_id && !a.deleted)
            .ok_or_else(|| not_found("Not found"))?;
        activation.deleted = true;
        Ok(())
    }

    /// `PATCH /v1/license-keys/{id}`: only the fields sent are written.
    pub(crate) fn update(
        &mut self,
        id: &str,
        patch: &Map<String, Value>,
    ) -> Result<Value, Failure> {
        let now = self.now();
        let record = self
            .keys
            .iter_mut()
            .find(|k| k.id == id)
            .ok_or_else(|| not_found("Not found"))?;
        let mut next = record.clone();
        for (field, value) in patch {
            let ok = match (field.as_str(), value) {
                ("status", Value::String(s))
                    if ["granted", "revoked", "disabled"].contains(&s.as_str()) =>
                {
                    next.status = s.clone();
                    true
                }
                ("usage", v) => v.as_i64().map(|n| next.usage = n).is_some(),
                ("limit_activations", Value::Null) => {
                    next.limit_activations = None;
                    true
                }
                ("limit_activations", v) => v
                    .as_i64()
                    .filter(|n| *n > 0)
                    .map(|n| next.limit_activations = Some(n))
                    .is_some(),
                ("limit_usage", Value::Null) => {
                    next.limit_usage = None;
                    true
                }
                ("limit_usage", v) => v
                    .as_i64()
                    .filter(|n| *n > 0)
                    .map(|n| next.limit_usage = Some(n))
                    .is_some(),
                ("expires_at", Value::Null) => {
                    next.expires_at = None;
                    true
                }
                ("expires_at", Value::String(s)) => DateTime::parse_from_rfc3339(s)
                    .map(|t| next.expires_at = Some(t.with_timezone(&Utc)))
                    .is_ok(),
                ("status", Value::Null) => true,
                _ => false,
            };
            if !ok {
                return Err((422, "RequestValidationError", field.clone()));
            }
        }
        next.modified_at = Some(now);
        *record = next;
        let record = record.clone();
        Ok(self.key_json(&record))
    }

    /// `GET /v1/license-keys/{id}/activations/{activation_id}`.
    pub(crate) fn activation(&self, id: &str, activation_id: &str) -> Result<Value, Failure> {
        let record = self.key_by_id(id).ok_or_else(|| not_found("Not found"))?;
        let activation = self
            .live_activation(id, activation_id)
            .ok_or_else(|| not_found("Not found"))?;
        let mut body = activation_json(activation);
        body["license_key"] = self.key_json(record);
        Ok(body)
    }
}
