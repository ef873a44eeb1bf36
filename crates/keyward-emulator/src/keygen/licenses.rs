//! `/licenses`: validation (`validations_controller.rb`), reading and listing; the license
//! record's defaults. The admin calls are in [`license_admin`](super::license_admin).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use wiremock::Request;

use super::answer::{Answer, error, forbidden, not_found, page, unauthenticated};
use super::auth::Caller;
use super::expiration_basis::ExpirationBasis;
use super::filters::license_matches;
use super::scope_params::{bad_scope, without_nil_optionals};
use super::state::{
    AuthStrategy, ComponentUniqueness, ExpirationStrategy, LicenseRecord, MachineLeasing,
    MachineMatching, Overage, ProcessLeasing, Resurrection, State, timestamp,
};
use super::validation::{Context, validate};
use crate::support;

/// `POST /licenses/actions/validate-key` (no credential) and `POST|GET
/// /licenses/{id}/actions/validate` (`id: Some`; `GET` is the quick validation, no scope).
pub(crate) fn validation(
    state: &mut State,
    request: &Request,
    caller: &Caller,
    id: Option<&str>,
) -> Answer {
    let body = super::body::json(request);
    let meta = &body["meta"];
    let quick = request.method.as_str() == "GET";
    let ee_only = ["/meta/scope/environment"];
    if let Some(answer) = state
        .enterprise_parameter(&body, &ee_only)
        .or_else(|| bad_scope(&meta["scope"]))
    {
        return answer;
    }
    // `validations_controller.rb`: `legacy_encrypted` (or `encrypted`) looks the key up as a
    // legacy encrypted one ([`legacy::find`](super::legacy::find)).
    let legacy = [
        &meta["encrypted"],
        &meta["legacyEncrypted"],
        &meta["legacy_encrypted"],
    ]
    .iter()
    .any(|flag| **flag == Value::Bool(true));
    let license_id = match id {
        None => match meta["key"].as_str().filter(|k| !k.is_empty()) {
            Some(key) if legacy => super::legacy::find(state, key).map(|l| l.id.clone()),
            Some(key) => state
                .licenses
                .iter()
                .find(|l| l.has_key(key))
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
                // Another license's is not found to a license (`validations.feature`:
                // "License attempts to validate another license").
                Some(license) if caller.owns(&license.id) => {
                    // `validations.feature`: "License validates itself without permission".
                    if !caller.may_on(state, "license.validate", license, None) {
                        return forbidden();
                    }
                    Some(license.id.clone())
                }
                Some(_) | None => return not_found("license", id),
            }
        }
    };
    // `license_policy.rb`'s `validate_key?`: anyone may validate a key, but a caller who
    // authenticated must be allowed to validate that license (`validations.feature`: "A user
    // validates a license key scoped to a different user").
    let refused = id.is_none()
        && *caller != Caller::Anonymous
        && license_id
            .as_deref()
            .and_then(|id| state.license(id))
            .is_some_and(|l| {
                !caller.owns(&l.id) || !caller.may_on(state, "license.validate", l, None)
            });
    if refused {
        return forbidden();
    }
    // The quick validation (`GET`) checks no scope, not even a required one.
    let scope = if quick {
        None
    } else {
        Some(without_nil_optionals(&meta["scope"]))
    };
    // A user named by email is read as its id (`license.users.where(email:)`).
    let mut by_id = scope.clone();
    if let Some(user) = by_id.as_mut().and_then(|s| s.get_mut("user"))
        && let Some(found) = user
            .as_str()
            .and_then(|who| state.users.iter().find(|u| u.email.as_deref() == Some(who)))
    {
        *user = Value::String(found.id.clone());
    }
    // An environment named by code is read as its id (`license.environment&.code == …`).
    if let Some(environment) = by_id.as_mut().and_then(|s| s.get_mut("environment"))
        && let Some(found) = environment
            .as_str()
            .and_then(|code| state.environments.iter().find(|e| e.code == code))
    {
        *environment = Value::String(found.id.clone());
    }
    let now = state.now();
    let license = license_id.as_deref().and_then(|id| state.license(id));
    let machines = license
        .map(|l| state.machines_of(&l.id))
        .unwrap_or_default();
    let published = state.published(license, by_id.as_ref());
    let context = Context {
        machines: &machines,
        published: &published,
        now,
    };
    let mut version = None;
    let (valid, detail, code) = validate(
        license,
        license.is_some_and(|l| state.banned(l)),
        by_id.as_ref(),
        &context,
        &mut version,
    );
    let mut answer_meta =
        json!({"ts": timestamp(now), "valid": valid, "detail": detail, "code": code});
    if let Some(nonce) = meta.get("nonce").filter(|_| !quick) {
        answer_meta["nonce"] = nonce.clone();
    }
    if let Some(scope) = scope.filter(|s| !s.is_null()) {
        answer_meta["scope"] = scope;
    }
    let data = match license_id {
        Some(id) => {
            if let Some(license) = state.license_mut(&id) {
                license.last_validated = Some(now);
                if version.is_some() {
                    license.last_validated_version = version;
                }
                license.start_expiry(ExpirationBasis::FromFirstValidation, now);
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
        Some(license)
            if caller.owns(&license.id) && !caller.may_on(state, "license.read", license, None) =>
        {
            forbidden()
        }
        Some(license) if caller.owns(&license.id) => {
            Answer::Json(200, json!({"data": state.license_resource(license)}))
        }
        Some(_) | None => not_found("license", id),
    }
}

/// `GET /licenses` (an admin sees all, a license itself), with `licenses_controller.rb`'s
/// filters ([`filters`](super::filters)).
pub(crate) fn list(state: &State, request: &Request, caller: &Caller) -> Answer {
    let query = super::filters::caller_query(caller, support::query(request));
    let items: Vec<(String, Value)> = state
        .licenses
        .iter()
        .rev()
        .filter(|l| caller.owns(&l.id))
        .filter(|l| license_matches(state, l, &query))
        .map(|l| (l.id.clone(), state.license_resource(l)))
        .collect();
    page(
        request,
        &format!("/v1/accounts/{}/licenses", state.account_id),
        items,
    )
}

impl LicenseRecord {
    /// Whether `key` finds it as a key (`find_by(key:)`: a hashed key never does).
    pub(crate) fn has_key(&self, key: &str) -> bool {
        !self.key_hashed && self.key == key
    }

    /// When the next check-in is due (`license.rb`'s `next_check_in_at`: only once one came).
    pub(crate) fn next_check_in(&self) -> Option<DateTime<Utc>> {
        let interval = i64::try_from(self.check_in_interval?).ok()?;
        Some(self.last_check_in? + chrono::Duration::seconds(interval))
    }

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
            max_machines_override: None,
            max_cores: None,
            max_memory: None,
            max_disk: None,
            max_processes: None,
            uses: 0,
            max_uses: None,
            max_uses_override: None,
            use_pool: false,
            process_leasing: ProcessLeasing::PerMachine,
            machine_leasing: MachineLeasing::PerLicense,
            overage: Overage::None,
            authentication: AuthStrategy::Mixed,
            token: None,
            owner_id: None,
            user_ids: Vec::new(),
            max_users: None,
            protected: false,
            permissions: None,
            floating: false,
            strict: false,
            require_heartbeat: false,
            heartbeat_from_creation: true,
            resurrection: Resurrection::Never,
            heartbeat_duration: 600,
            duration: None,
            check_in_interval: None,
            last_check_in: None,
            expiration_strategy: ExpirationStrategy::RestrictAccess,
            expiration_basis: super::expiration_basis::ExpirationBasis::FromCreation,
            entitlements: Vec::new(),
            scheme: None,
            key_hashed: false,
            required_scopes: Vec::new(),
            machine_matching: MachineMatching::Any,
            component_matching: MachineMatching::Any,
            component_uniqueness: ComponentUniqueness::PerMachine,
            machine_uniqueness: super::policy::MachineUniqueness::PerLicense,
            metadata: Map::new(),
            environment_id: None,
            group_id: None,
            token_activations: super::activations::TokenActivations::default(),
            last_validated: None,
            last_validated_version: None,
            last_check_out: None,
            created: now,
            updated: now,
        }
    }
}
