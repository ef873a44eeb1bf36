//! `/licenses` admin calls (`licenses_controller.rb`, `licenses/actions/permits_controller.rb`):
//! create and update with `license.rb`'s validations, suspend, reinstate, renew, revoke.

use serde_json::{Value, json};
use wiremock::Request;

use super::answer::{Answer, error, forbidden, not_found, unprocessable};
use super::auth::Caller;
use super::expiration_basis::ExpirationBasis;
use super::groups::Member;
use super::license_attributes::apply;
use super::license_params::{
    blank_key, custom_permissions, id_conflict, invalid_id, invalid_key, metadata_too_deep,
    null_byte,
};
use super::owners;
use super::state::{LicenseRecord, State};

/// `POST /licenses` (admin): `data.relationships.policy` required.
pub(crate) fn create(state: &mut State, request: &Request, caller: &Caller) -> Answer {
    let body = super::body::json(request);
    let data = &body["data"];
    let attributes = &data["attributes"];
    let ee_only = [
        "/data/relationships/environment",
        "/data/attributes/permissions",
    ];
    if let Some(answer) = state
        .enterprise_parameter(&body, &ee_only)
        .or_else(|| owners::unpermitted_create(caller, data))
        .or_else(|| blank_key(attributes))
        .or_else(|| metadata_too_deep(attributes))
    {
        return answer;
    }
    if let Some(answer) = invalid_id(data) {
        return answer;
    }
    let (permissions, group) = match custom_permissions(caller, attributes)
        .and_then(|p| Ok((p, State::requested_group(caller, data)?)))
    {
        Ok(given) => given,
        Err(answer) => return answer,
    };
    let Some(policy) = data["relationships"]["policy"]["data"]["id"].as_str() else {
        let pointer = "/data/relationships/policy";
        return error(
            400,
            "Bad request",
            "is missing",
            Some("PARAMETER_MISSING"),
            Some(pointer),
        );
    };
    let template = state
        .policies
        .iter()
        .find(|p| p.policy_id == policy)
        .cloned();
    // A product may use only its own policies (`create.feature`: "Product attempts to create a
    // license using a policy they don't own").
    if let Caller::Product(product, _) = caller
        && template.as_ref().is_none_or(|t| t.product_id != *product)
    {
        return forbidden();
    }
    // `license.rb`: `has_environment default: -> { policy&.environment_id }`.
    let policy_environment = template.as_ref().and_then(|t| t.environment_id.clone());
    let environment = match state.created_environment(data, policy_environment.as_deref()) {
        Ok(environment) => environment,
        Err(answer) => return answer,
    };
    let owner = owners::requested(&data["relationships"]);
    let protected = template.as_ref().is_some_and(|t| t.protected);
    if !owners::may_create(state, caller, owner, protected) {
        return forbidden();
    }
    // `license.rb`'s `belongs_to :policy`: a policy the account does not hold (registered with
    // `add_policy`) is 422 `POLICY_NOT_FOUND` (`create.feature`: "Admin attempts to create a
    // license with an invalid policy").
    let Some(template) = template else {
        return unprocessable(
            "must exist",
            Some("POLICY_NOT_FOUND"),
            "/data/relationships/policy",
        );
    };
    // `license.rb`: a license without a group joins its owner's.
    let group = group.flatten().or_else(|| state.group_of_owner(owner));
    if let Some(answer) = owners::unknown_owner(state, owner)
        .or_else(|| {
            let policy = Some(policy_environment.as_deref());
            state.incompatible_creation(environment.as_deref(), policy, "policy", owner)
        })
        .or_else(|| state.refused_group(group.as_deref(), Member::License))
    {
        return answer;
    }
    let given = attributes["key"].as_str().map(str::to_owned);
    let key = given.clone().unwrap_or_else(generated_key);
    let scheme = template.scheme.as_deref();
    if let Some(answer) = invalid_key(state, &key, scheme, given.is_some()) {
        return answer;
    }
    if let Some(answer) = id_conflict(data, "license", |id| state.license_anywhere(id).is_some()) {
        return answer;
    }
    // A hashed key is never taken: the stored hash is not the key.
    if state.licenses.iter().any(|l| l.has_key(&key)) {
        return unprocessable(
            "has already been taken",
            Some("KEY_TAKEN"),
            "/data/attributes/key",
        );
    }
    let now = state.now();
    let id = data["id"]
        .as_str()
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    // The policy's settings (`add_policy`).
    let mut license = LicenseRecord {
        id,
        key,
        created: now,
        updated: now,
        ..template
    };
    license.policy_id = policy.to_owned();
    license.owner_id = owner.map(str::to_owned);
    license.environment_id = environment;
    license.group_id = group;
    if permissions.is_some() {
        license.permissions = permissions;
    } else if license.permissions.is_none() {
        license.permissions = state.new_license_permissions();
    }
    // `license.rb`'s `set_expiry_on_creation`: the policy's duration from now, unless given.
    license.start_expiry(ExpirationBasis::FromCreation, now);
    if let Err(answer) = apply(&mut license, attributes, true) {
        return answer;
    }
    // `before_create`, after the validations: the account's limit, then a pooled key.
    if let Some(answer) = state.licensed_user_limit_reached() {
        return answer;
    }
    if license.use_pool && given.is_none() {
        match state.pop_pooled_key(&license.policy_id) {
            Ok(key) => license.key = key,
            Err(answer) => return answer,
        }
    }
    // `license.rb`'s `generate_legacy_encrypted_key!` (a given key was refused above).
    if license.key_hashed {
        license.key = super::legacy::generated_key(&license.id);
    }
    // The insert.
    if let Some(answer) = null_byte(attributes) {
        return answer;
    }
    // The license as created holds its raw key: it is shown, legacy encrypted or not.
    let resource = state.license_resource_with_key(&license);
    state.licenses.push(license);
    state.emit("license.created", resource.clone());
    Answer::Json(201, json!({"data": resource}))
}

/// `PATCH /licenses/{id}` (admin).
pub(crate) fn update(state: &mut State, request: &Request, id: &str) -> Answer {
    let body = super::body::json(request);
    // `licenses_controller.rb`'s `update` params permit neither the key nor the policy.
    let unpermitted = [
        ("/data/attributes/key", &body["data"]["attributes"]["key"]),
        (
            "/data/attributes/permissions",
            &body["data"]["attributes"]["permissions"],
        ),
        (
            "/data/relationships/policy",
            &body["data"]["relationships"]["policy"],
        ),
    ];
    if let Some((pointer, _)) = unpermitted.iter().find(|(_, v)| !v.is_null()) {
        return error(
            400,
            "Bad request",
            "unpermitted parameter",
            None,
            Some(pointer),
        );
    }
    if let Some(answer) = metadata_too_deep(&body["data"]["attributes"]) {
        return answer;
    }
    let now = state.now();
    let known_policy = state
        .license(id)
        .is_some_and(|l| state.policies.iter().any(|p| p.policy_id == l.policy_id));
    let Some(license) = state.license_mut(id) else {
        return not_found("license", id);
    };
    if let Some(answer) = null_byte(&body["data"]["attributes"]) {
        return answer;
    }
    if let Err(answer) = apply(license, &body["data"]["attributes"], known_policy) {
        return answer;
    }
    license.updated = now;
    let id = license.id.clone();
    changed(state, &id, "license.updated")
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
