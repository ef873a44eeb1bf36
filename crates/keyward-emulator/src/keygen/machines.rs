//! `/machines`: activation with the license's machine limit (`machines_controller.rb`,
//! `features/api/v1/machines/create.feature`), deactivation by id or fingerprint, reading,
//! listing and heartbeats (`machines/actions/heartbeats_controller.rb`).

use serde_json::{Value, json};
use wiremock::Request;

use super::activations::Use;
use super::answer::{Answer, error, forbidden, not_found, page, unprocessable};
use super::auth::Caller;
use super::expiration_basis::ExpirationBasis;
use super::filters::machine_matches;
use super::groups::Member;
use super::license_params::id_conflict;
use super::machine_params::{bad_parameters, invalid};
use super::state::{MachineRecord, Resurrection, State};
use super::{components, limits};
use crate::support;

/// `POST /machines`: 201, or 422 `FINGERPRINT_TAKEN` / `MACHINE_LIMIT_EXCEEDED`.
pub(crate) fn create(state: &mut State, request: &Request, caller: &Caller) -> Answer {
    let body = super::body::json(request);
    let data = &body["data"];
    let ee_only = ["/data/relationships/environment"];
    if let Some(answer) = state
        .enterprise_parameter(&body, &ee_only)
        .or_else(|| bad_parameters(data))
    {
        return answer;
    }
    let group = match State::requested_group(caller, data) {
        Ok(group) => group,
        Err(answer) => return answer,
    };
    let Some(fingerprint) = data["attributes"]["fingerprint"]
        .as_str()
        .filter(|f| !f.is_empty())
    else {
        return unprocessable(
            "can't be blank",
            Some("FINGERPRINT_BLANK"),
            "/data/attributes/fingerprint",
        );
    };
    let Some(license_id) = data["relationships"]["license"]["data"]["id"].as_str() else {
        return error(
            400,
            "Bad request",
            "is missing",
            Some("PARAMETER_MISSING"),
            Some("/data/relationships/license"),
        );
    };
    let Some(license) = state.license_anywhere(license_id) else {
        return unprocessable(
            "must exist",
            Some("LICENSE_BLANK"),
            "/data/relationships/license",
        );
    };
    // `machine.rb`: `has_environment default: -> { license&.environment_id }`.
    let environment = match state.created_environment(data, license.environment_id.as_deref()) {
        Ok(environment) => environment,
        Err(answer) => return answer,
    };
    // `machines_controller.rb`: the owner (`relationships.owner`) is read before the policy,
    // which lets a user activate a machine it owns or on a license it owns.
    let owner = super::owners::requested(&data["relationships"]);
    let components = match components::requested(&data["relationships"]) {
        Ok(components) => components,
        Err(answer) => return answer,
    };
    // `machine_policy.rb`'s `permissions_for_create`: components need `component.create` too.
    if !caller.owns(&license.id)
        || !caller.may_on(state, "machine.create", license, owner)
        || (!components.is_empty() && !caller.may(state, "component.create"))
    {
        return forbidden();
    }
    let machines = state.machines_of(&license.id);
    if let Some(answer) = state.fingerprint_taken(license, fingerprint) {
        return answer;
    }
    let known = |id: &str| {
        state
            .machines
            .iter()
            .chain(&state.elsewhere_machines)
            .any(|m| m.id == id)
    };
    if let Some(answer) = id_conflict(data, "machine", known) {
        return answer;
    }
    if let Some(answer) = invalid(state, &data["attributes"], fingerprint) {
        return answer;
    }
    let parent = Some(license.environment_id.as_deref());
    // `machine.rb`: a machine without a group joins its license's, else its owner's.
    let group = (group.flatten().or_else(|| license.group_id.clone()))
        .or_else(|| state.group_of_owner(owner));
    if let Some(answer) = super::owners::invalid_machine_owner(state, license, owner)
        .or_else(|| state.incompatible_creation(environment.as_deref(), parent, "license", owner))
        .or_else(|| state.refused_group(group.as_deref(), Member::Machine))
        .or_else(|| components::refused(state, license, &components))
    {
        return answer;
    }
    let now = state.now();
    let machine = MachineRecord {
        id: data["id"]
            .as_str()
            .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned),
        license_id: license.id.clone(),
        owner_id: owner.map(str::to_owned),
        fingerprint: fingerprint.to_owned(),
        name: data["attributes"]["name"].as_str().map(str::to_owned),
        platform: data["attributes"]["platform"].as_str().map(str::to_owned),
        ip: data["attributes"]["ip"].as_str().map(str::to_owned),
        hostname: data["attributes"]["hostname"].as_str().map(str::to_owned),
        cores: data["attributes"]["cores"].as_u64(),
        memory: data["attributes"]["memory"].as_u64(),
        disk: data["attributes"]["disk"].as_u64(),
        components,
        processes: 0,
        metadata: data["attributes"]["metadata"]
            .as_object()
            .cloned()
            .unwrap_or_default(),
        environment_id: environment.clone(),
        group_id: group,
        // A policy that requires heartbeats starts them at creation (`machine.rb`, the
        // default `heartbeat_basis` `FROM_CREATION`).
        last_heartbeat: (license.require_heartbeat && license.heartbeat_from_creation)
            .then_some(now),
        created: now,
        updated: now,
    };
    if let Some(answer) = limits::refused(license, &machines, &machine) {
        return answer;
    }
    let license_id = license.id.clone();
    if let Some(answer) = state.count_token_use(&license_id, Use::Activation) {
        return answer;
    }
    if let Some(license) = state.license_mut(&machine.license_id) {
        license.start_expiry(ExpirationBasis::FromFirstActivation, now);
    }
    let resource = state.machine_resource(&machine);
    state.machines.push(machine);
    state.emit("machine.created", resource.clone());
    Answer::Json(201, json!({"data": resource}))
}

/// The machine `id` (or fingerprint) the caller may act on with `permission`: another
/// license's is not found (`destroy.feature`: "License deletes a machine that belongs to another
/// license"); without the permission, 403 (`destroy.feature`: `["license.validate"]` only).
fn owned<'a>(
    state: &'a State,
    caller: &Caller,
    id: &str,
    permission: &str,
) -> Result<&'a MachineRecord, Answer> {
    let machine = state
        .machines
        .iter()
        .find(|m| (m.id == id || m.fingerprint == id) && caller.owns(&m.license_id))
        .ok_or_else(|| not_found("machine", id))?;
    let license = state.license(&machine.license_id);
    if license.is_some_and(|l| caller.may_on(state, permission, l, machine.owner_id.as_deref())) {
        Ok(machine)
    } else {
        Err(forbidden())
    }
}

/// `DELETE /machines/{id}`: 204.
pub(crate) fn delete(state: &mut State, caller: &Caller, id: &str) -> Answer {
    let machine = match owned(state, caller, id, "machine.delete") {
        Ok(machine) => machine.clone(),
        Err(answer) => return answer,
    };
    if let Some(answer) = state.count_token_use(&machine.license_id, Use::Deactivation) {
        return answer;
    }
    let resource = state.machine_resource(&machine);
    state.machines.retain(|m| m.id != machine.id);
    state.emit("machine.deleted", resource);
    Answer::Empty(204)
}

/// `GET /machines/{id}`.
pub(crate) fn get(state: &State, caller: &Caller, id: &str) -> Answer {
    match owned(state, caller, id, "machine.read") {
        Ok(machine) => Answer::Json(200, json!({"data": state.machine_resource(machine)})),
        Err(answer) => answer,
    }
}

/// `GET /machines`, with `machines_controller.rb`'s filters ([`filters`](super::filters)).
pub(crate) fn list(state: &State, request: &Request, caller: &Caller) -> Answer {
    let query = super::filters::caller_query(caller, support::query(request));
    let items: Vec<(String, Value)> = state
        .machines
        .iter()
        .rev()
        .filter(|m| caller.owns(&m.license_id))
        .filter(|m| machine_matches(state, m, &query))
        .map(|m| (m.id.clone(), state.machine_resource(m)))
        .collect();
    page(
        request,
        &format!("/v1/accounts/{}/machines", state.account_id),
        items,
    )
}

/// `POST /machines/{id}/actions/ping` (and the older `ping-heartbeat`): the heartbeat.
pub(crate) fn ping(state: &mut State, caller: &Caller, id: &str) -> Answer {
    let machine = match owned(state, caller, id, "machine.heartbeat.ping") {
        Ok(machine) => machine,
        Err(answer) => return answer,
    };
    let now = state.now();
    // `machine.resurrect!`: within the policy's revive period after the missed heartbeat.
    let refused = state.license(&machine.license_id).is_some_and(|license| {
        let window = chrono::Duration::seconds(
            i64::try_from(license.heartbeat_duration).unwrap_or(i64::MAX),
        );
        let revivable_until = |period: u64| {
            machine.last_heartbeat.map(|last| {
                last + window + chrono::Duration::seconds(i64::try_from(period).unwrap_or(0))
            })
        };
        State::is_dead(license, machine, now)
            && match license.resurrection {
                Resurrection::Never => true,
                Resurrection::Always => false,
                Resurrection::Within(period) => revivable_until(period).is_none_or(|t| now > t),
            }
    });
    if refused {
        // `machine.resurrect!` refuses without a resurrection strategy (the default
        // `NO_REVIVE`) or past its period: `heartbeats.feature`, "Admin pings a dead machine's
        // heartbeat" and "… that supports resurrection (period passed)".
        return error(
            422,
            "Unprocessable entity",
            "is dead",
            Some("MACHINE_HEARTBEAT_DEAD"),
            None,
        );
    }
    let machine_id = machine.id.clone();
    set_heartbeat(state, &machine_id, Some(now), "machine.heartbeat.ping")
}

/// `POST /machines/{id}/actions/reset` (admin): the heartbeat forgotten, `NOT_STARTED` again.
pub(crate) fn reset(state: &mut State, caller: &Caller, id: &str) -> Answer {
    let machine_id = match owned(state, caller, id, "machine.heartbeat.reset") {
        Ok(machine) => machine.id.clone(),
        Err(answer) => return answer,
    };
    set_heartbeat(state, &machine_id, None, "machine.heartbeat.reset")
}

/// Sets machine `machine_id`'s last heartbeat, emits `event`, answers the machine.
fn set_heartbeat(
    state: &mut State,
    machine_id: &str,
    heartbeat: Option<chrono::DateTime<chrono::Utc>>,
    event: &str,
) -> Answer {
    let now = state.now();
    if let Some(machine) = state.machines.iter_mut().find(|m| m.id == machine_id) {
        machine.last_heartbeat = heartbeat;
        machine.updated = now;
    }
    let resource = state
        .machine(machine_id)
        .map(|m| state.machine_resource(m))
        .unwrap_or(Value::Null);
    state.emit(event, resource.clone());
    Answer::Json(200, json!({"data": resource}))
}
