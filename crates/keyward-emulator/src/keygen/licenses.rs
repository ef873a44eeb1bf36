//! `/licenses`: validation (`validations_controller.rb`), reading, listing, and the admin calls
//! (`licenses_controller.rb`, `licenses/actions/permits_controller.rb`).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use wiremock::Request;

use super::answer::{
    Answer, Caller, error, forbidden, not_found, page, unauthenticated, unprocessable,
};
use super::state::{ExpirationStrategy, LicenseRecord, State, timestamp};
use super::validation::validate;
use crate::support;

/// `POST /licenses/actions/validate-key` (no credential) and `POST|GET
/// /licenses/{id}/actions/validate` (`id: Some`; `GET` is the quick validation, no scope).
pub(crate) fn validation(
    state: &mut State,
    request: &Request,
    caller: &Caller,
    id: Option<&str>,
) -> Answer {
    let body = support::json_body(request);
    let meta = &body["meta"];
    let quick = request.method.as_str() == "GET";
    let license_id = match id {
        None => match meta["key"].as_str().filter(|k| !k.is_empty()) {
            Some(key) => state
                .licenses
                .iter()
                .find(|l| l.key == key)
                .map(|l| l.id.clone()),
            None => {
                return error(
                    400,
                    "Bad request",
                    "is missing",
                    Some("PARAMETER_MISSING"),
                    Some("/meta/key"),
                );
            }
        },
        Some(id) => {
            if *caller == Caller::Anonymous {
                return unauthenticated();
            }
            match state.license(id) {
                Some(license) if caller.owns(&license.id) => Some(license.id.clone()),
                Some(_) => return forbidden(),
                None => return not_found("license", id),
            }
        }
    };
    let scope = if quick {
        Value::Null
    } else {
        meta["scope"].clone()
    };
    let now = state.now();
    let license = license_id.as_deref().and_then(|id| state.license(id));
    let machines = license
        .map(|l| state.machines_of(&l.id))
        .unwrap_or_default();
    let (valid, detail, code) = validate(license, &machines, &scope, now);
    let mut answer_meta =
        json!({"ts": timestamp(now), "valid": valid, "detail": detail, "code": code});
    if let Some(nonce) = meta.get("nonce").filter(|_| !quick) {
        answer_meta["nonce"] = nonce.clone();
    }
    if !scope.is_null() {
        answer_meta["scope"] = scope;
    }
    let data = match license_id {
        Some(id) => {
            if let Some(license) = state.license_mut(&id) {
                license.last_validated = Some(now);
            }
            let resource = state
                .license(&id)
                .map(|l| state.license_resource(l))
                .unwrap_or(Value::Null);
            if !quick {
                let event = if valid {
                    "license.validation.succeeded"
                } else {
                    "license.validation.failed"
                };
                state.emit(event, resource.clone());
            }
            resource
        }
        None => Value::Null,
    };
    Answer::Json(200, json!({"data": data, "meta": answer_meta}))
}

/// `GET /licenses/{id}`.
pub(crate) fn get(state: &State, caller: &Caller, id: &str) -> Answer {
    match state.license(id) {
        Some(license) if caller.owns(&license.id) => {
            Answer::Json(200, json!({"data": state.license_resource(license)}))
        }
        Some(_) => forbidden(),
        None => not_found("license", id),
    }
}

/// `GET /licenses` (an admin sees all, a license itself).
pub(crate) fn list(state: &State, request: &Request, caller: &Caller) -> Answer {
    let query = support::query(request);
    let mut items: Vec<(String, Value)> = state
        .licenses
        .iter()
        .rev()
        .filter(|l| caller.owns(&l.id))
        .filter(|l| query.get("product").is_none_or(|p| *p == l.product_id))
        .filter(|l| query.get("policy").is_none_or(|p| *p == l.policy_id))
        .filter(|l| {
            query
                .get("suspended")
                .is_none_or(|s| *s == l.suspended.to_string())
        })
        .map(|l| (l.id.clone(), state.license_resource(l)))
        .collect();
    if let Some(status) = query.get("status") {
        items.retain(|(_, l)| l["attributes"]["status"].as_str() == Some(status.as_str()));
    }
    page(
        request,
        &format!("/v1/accounts/{}/licenses", state.account_id),
        items,
    )
}

/// `POST /licenses` (admin): `data.relationships.policy` required.
pub(crate) fn create(state: &mut State, request: &Request) -> Answer {
    let body = support::json_body(request);
    let data = &body["data"];
    let Some(policy) = data["relationships"]["policy"]["data"]["id"].as_str() else {
        return unprocessable("must exist", None, "/data/relationships/policy");
    };
    let attributes = &data["attributes"];
    let key = attributes["key"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(generated_key);
    if state.licenses.iter().any(|l| l.key == key) {
        return unprocessable(
            "has already been taken",
            Some("KEY_TAKEN"),
            "/data/attributes/key",
        );
    }
    let now = state.now();
    let mut license = LicenseRecord::new(
        data["id"]
            .as_str()
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned),
        key,
        now,
    );
    license.policy_id = policy.to_owned();
    if let Err(answer) = apply(&mut license, attributes) {
        return answer;
    }
    let resource = state.license_resource(&license);
    state.licenses.push(license);
    state.emit("license.created", resource.clone());
    Answer::Json(201, json!({"data": resource}))
}

/// `PATCH /licenses/{id}` (admin).
pub(crate) fn update(state: &mut State, request: &Request, id: &str) -> Answer {
    let body = support::json_body(request);
    let now = state.now();
    let Some(license) = state.license_mut(id) else {
        return not_found("license", id);
    };
    if let Err(answer) = apply(license, &body["data"]["attributes"]) {
        return answer;
    }
    license.updated = now;
    let id = license.id.clone();
    changed(state, &id, "license.updated")
}

/// The attributes a create or update may set.
fn apply(license: &mut LicenseRecord, attributes: &Value) -> Result<(), Answer> {
    let Value::Object(attributes) = attributes else {
        return Ok(());
    };
    for (name, value) in attributes {
        match (name.as_str(), value) {
            ("name", v) => license.name = v.as_str().map(str::to_owned),
            ("key", _) => {}
            ("expiry", Value::Null) => license.expiry = None,
            ("expiry", v) => match v
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            {
                Some(t) => license.expiry = Some(t.with_timezone(&Utc)),
                None => {
                    return Err(unprocessable(
                        "must be a valid ISO 8601 timestamp",
                        None,
                        "/data/attributes/expiry",
                    ));
                }
            },
            ("maxMachines", v) => license.max_machines = v.as_u64(),
            ("metadata", Value::Object(m)) => license.metadata = m.clone(),
            ("suspended", Value::Bool(b)) => license.suspended = *b,
            _ => {}
        }
    }
    Ok(())
}

/// `POST /licenses/{id}/actions/{suspend|reinstate|renew}` (admin).
pub(crate) fn action(state: &mut State, id: &str, action: &str) -> Answer {
    let now = state.now();
    let Some(license) = state.license_mut(id) else {
        return not_found("license", id);
    };
    match action {
        "suspend" if license.suspended => {
            return unprocessable("is already suspended", None, "/data");
        }
        "suspend" => license.suspended = true,
        "reinstate" if !license.suspended => {
            return unprocessable("is not suspended", None, "/data");
        }
        "reinstate" => license.suspended = false,
        _ => match license.duration {
            None => {
                return unprocessable(
                    "cannot be renewed because the policy does not have a duration",
                    None,
                    "/data",
                );
            }
            Some(seconds) => {
                let from = license.expiry.unwrap_or(now);
                license.expiry =
                    Some(from + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(0)));
            }
        },
    }
    license.updated = now;
    let id = license.id.clone();
    let event = match action {
        "suspend" => "license.suspended",
        "reinstate" => "license.reinstated",
        _ => "license.renewed",
    };
    changed(state, &id, event)
}

/// `DELETE /licenses/{id}/actions/revoke` (admin): the license and its machines go.
pub(crate) fn revoke(state: &mut State, id: &str) -> Answer {
    let Some(license) = state.license(id) else {
        return not_found("license", id);
    };
    let resource = state.license_resource(license);
    let id = license.id.clone();
    state.licenses.retain(|l| l.id != id);
    state.machines.retain(|m| m.license_id != id);
    state.emit("license.revoked", resource);
    Answer::Empty(204)
}

fn changed(state: &mut State, id: &str, event: &str) -> Answer {
    let resource = state
        .license(id)
        .map(|l| state.license_resource(l))
        .unwrap_or(Value::Null);
    state.emit(event, resource.clone());
    Answer::Json(200, json!({"data": resource}))
}

/// A key in Keygen's default form (`XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX-V3`).
pub(crate) fn generated_key() -> String {
    let hex = uuid::Uuid::new_v4().simple().to_string().to_uppercase();
    let parts: Vec<&str> = (0..5).map(|i| &hex[i * 6..i * 6 + 6]).collect();
    format!("{}-V3", parts.join("-"))
}

impl LicenseRecord {
    /// A license with Keygen's defaults: node-locked, not strict, no heartbeat (600 s when
    /// required), restrict-access expiry, no duration.
    pub(crate) fn new(id: String, key: String, now: DateTime<Utc>) -> Self {
        Self {
            id,
            key,
            name: None,
            product_id: "a3a7c2f5-1d5e-4d7c-9a8f-2f3e6d1b0c01".to_owned(),
            policy_id: "b4b8d3a6-2e6f-4e8d-8b9a-3a4f7e2c1d02".to_owned(),
            expiry: None,
            suspended: false,
            max_machines: None,
            floating: false,
            strict: false,
            require_heartbeat: false,
            heartbeat_duration: 600,
            duration: None,
            expiration_strategy: ExpirationStrategy::RestrictAccess,
            entitlements: Vec::new(),
            metadata: Map::new(),
            last_validated: None,
            created: now,
            updated: now,
        }
    }
}
