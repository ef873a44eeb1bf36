//! Check-out of license and machine files (`licenses/actions/checkouts_controller.rb`,
//! `machines/actions/checkouts_controller.rb`): `POST` for the `license-files` /
//! `machine-files` resource, `GET` for the certificate alone. Options from the query or `meta`:
//! `encrypt`, `ttl` (≥ 3600 s, default a month, `null`: no expiry), `include`, `algorithm`.

use serde_json::{Value, json};
use wiremock::Request;

use super::answer::{Answer, error, forbidden, not_found};
use super::auth::{Caller, include_permissions};
use super::checkout_sign::{Signing, asked_algorithm};
use super::sign::certificate;
use super::state::{State, timestamp};
use crate::support;

/// Keygen's default TTL: one month (2,629,746 s).
const DEFAULT_TTL: u64 = 2_629_746;

/// Checks out the license (`machine: false`) or machine `id`.
pub(crate) fn check_out(
    state: &mut State,
    request: &Request,
    caller: &Caller,
    id: &str,
    machine: bool,
) -> Answer {
    let body = super::body::json(request);
    let query = support::query(request);
    let option = |name: &str| -> Option<Value> {
        body["meta"].get(name).cloned().or_else(|| {
            // An empty query value is no value (`?algorithm=&ttl=`: the defaults, 200).
            query
                .get(name)
                .filter(|v| !v.is_empty())
                .map(|v| v.parse().unwrap_or(Value::String(v.clone())))
        })
    };
    let ttl = match option("ttl") {
        None => Some(DEFAULT_TTL),
        Some(Value::Null) => None,
        Some(v) => match v.as_u64().filter(|t| *t >= 3600) {
            Some(t) => Some(t),
            None => {
                return error(
                    400,
                    "Bad request",
                    "must be greater than or equal to 3600 (1 hour)",
                    Some("CHECKOUT_TTL_INVALID"),
                    None,
                );
            }
        },
    };
    let asked = option("algorithm").and_then(|a| a.as_str().map(str::to_owned));
    let asked = match asked_algorithm(asked.as_deref()) {
        Ok(asked) => asked,
        Err(detail) => {
            let answer = json!({"errors": [{"title": "Bad request", "detail": detail,
                "code": "CHECKOUT_ALGORITHM_INVALID", "source": {"parameter": "algorithm"}}]});
            return Answer::Json(400, answer);
        }
    };
    let encrypt_asked = matches!(option("encrypt"), Some(Value::Bool(true)));
    let includes: Vec<String> = match option("include") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(list)) => list
            .split(',')
            .filter(|i| !i.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    // `{License,Machine}CheckoutService::ALLOWED_INCLUDES` (`user` is the older `owner`).
    let allowed: &[&str] = if machine {
        &[
            "license.entitlements",
            "license.product",
            "license.policy",
            "license.owner",
            "license.user",
            "license.users",
            "license",
            "components",
            "environment",
            "group",
            "owner",
        ]
    } else {
        &[
            "entitlements",
            "environment",
            "product",
            "policy",
            "group",
            "owner",
            "user",
            "users",
        ]
    };
    if includes.iter().any(|i| !allowed.contains(&i.as_str())) {
        let answer = json!({"errors": [{"title": "Bad request", "detail": "invalid includes",
            "code": "CHECKOUT_INCLUDE_INVALID", "source": {"parameter": "include"}}]});
        return Answer::Json(400, answer);
    }
    let (resource, license_id, secret, included, scheme) = if machine {
        let Some(machine) = state.machine(id).cloned() else {
            return not_found("machine", id);
        };
        let Some(license) = state.license(&machine.license_id) else {
            return not_found("machine", id);
        };
        let included: Vec<Value> = if includes.iter().any(|i| i == "license") {
            vec![state.license_resource(license)]
        } else {
            Vec::new()
        };
        let secret = format!("{}{}", license.key, machine.fingerprint);
        (
            state.machine_resource(&machine),
            license.id.clone(),
            secret,
            included,
            license.scheme.clone(),
        )
    } else {
        let Some(license) = state.license(id) else {
            return not_found("license", id);
        };
        (
            state.license_resource(license),
            license.id.clone(),
            license.key.clone(),
            Vec::new(),
            license.scheme.clone(),
        )
    };
    // Keygen looks resources up among those the caller may see: another license's is not
    // found (`checkouts.feature`: "License performs a license checkout for another license").
    if !caller.owns(&license_id) {
        return not_found(if machine { "machine" } else { "license" }, id);
    }
    // The check-out permission, and the read permission of each include (a license may not
    // read environments: `checkouts.feature`, "License performs a license checkout including
    // environment without permission").
    let action = if machine {
        "machine.check-out"
    } else {
        "license.check-out"
    };
    let machine_owner = machine
        .then(|| state.machine(id).and_then(|m| m.owner_id.as_deref()))
        .flatten();
    let allowed = state
        .license(&license_id)
        .is_some_and(|l| caller.may_on(state, action, l, machine_owner));
    let mut needed = includes.iter().flat_map(|i| include_permissions(i));
    if !allowed || needed.any(|p| !caller.may(state, p)) {
        return forbidden();
    }
    let now = state.now();
    let expiry = ttl.map(|t| now + chrono::Duration::seconds(i64::try_from(t).unwrap_or(i64::MAX)));
    let meta = json!({"issued": timestamp(now), "expiry": expiry.map(timestamp), "ttl": ttl});
    let payload = json!({"data": resource, "included": included, "meta": meta});
    // `license.touch_async!(:last_check_out_at)`: after the answer is built.
    if let Some(license) = state.license_mut(&license_id).filter(|_| !machine) {
        license.last_check_out = Some(now);
    }
    // Without an algorithm asked for, the license's key scheme chooses the signing.
    let (encrypt, signing) =
        asked.unwrap_or_else(|| (encrypt_asked, Signing::of_scheme(scheme.as_deref())));
    let (keys, seed) = (&state.checkout_keys, &state.signing_seed);
    let signer = |message: &[u8]| keys.sign(seed, signing, message);
    let Some((certificate, algorithm)) = certificate(
        (signing.name(), &signer),
        machine,
        &payload,
        encrypt.then_some(secret.as_str()),
    ) else {
        return error(
            500,
            "Internal server error",
            "the check-out could not be signed",
            None,
            None,
        );
    };
    let (kind, event) = if machine {
        ("machine-files", "machine.checked-out")
    } else {
        ("license-files", "license.checked-out")
    };
    state.emit(event, resource.clone());
    if request.method.as_str() == "GET" {
        let resource_id = resource["id"].as_str().unwrap_or_default().to_owned();
        return Answer::Raw(
            200,
            certificate,
            format!("attachment; filename=\"{resource_id}.lic\""),
        );
    }
    Answer::Json(
        200,
        json!({"data": {
            "id": uuid::Uuid::new_v4().to_string(), "type": kind,
            "attributes": {"certificate": certificate, "ttl": ttl, "expiry": expiry.map(timestamp), "issued": timestamp(now), "includes": includes, "algorithm": algorithm},
            "relationships": {"account": {"data": {"type": "accounts", "id": state.account_id}}, "license": {"data": {"type": "licenses", "id": license_id}}},
        }}),
    )
}
