//! The owner a request names (`relationships.owner`, or its alias `user`), checked as
//! `license.rb` and `machine.rb` check it, and the create parameters a user may not send
//! (`licenses_controller.rb`'s `typed_params`).

use serde_json::Value;

use super::answer::{Answer, error, unprocessable};
use super::auth::Caller;
use super::roles::{Standing, UserRole};
use super::state::{LicenseRecord, State};

/// The user id of `relationships.owner.data` (or `relationships.user.data`); `None` when
/// absent, `{}` or `null`.
pub(crate) fn requested(relationships: &Value) -> Option<&str> {
    ["owner", "user"]
        .into_iter()
        .find_map(|name| relationships[name]["data"]["id"].as_str())
}

/// `license_policy.rb`'s `create?` for a user: only a license it owns (`owner`), under an
/// unprotected policy, as its role allows.
pub(crate) fn may_create(
    state: &State,
    caller: &Caller,
    owner: Option<&str>,
    policy_protected: bool,
) -> bool {
    let Caller::User(user) = caller else {
        return true;
    };
    let own = owner == Some(user.id.as_str());
    let standing = Standing {
        owner: own,
        user: own,
        protected: policy_protected,
    };
    caller.may(state, "license.create") && user.role.allows("license.create", standing)
}

/// `license.rb`'s `validates :owner, presence: { message: 'must exist' }` for an id given:
/// 422 `OWNER_NOT_FOUND` when the account has no such user.
pub(crate) fn unknown_owner(state: &State, owner: Option<&str>) -> Option<Answer> {
    let owner = owner?;
    state.user(owner).is_none().then(|| {
        unprocessable(
            "must exist",
            Some("OWNER_NOT_FOUND"),
            "/data/relationships/owner",
        )
    })
}

/// `machine.rb`'s owner checks: an unknown user does not exist, a known one must be the
/// license's owner or one of its users (`OWNER_INVALID`).
pub(crate) fn invalid_machine_owner(
    state: &State,
    license: &LicenseRecord,
    owner: Option<&str>,
) -> Option<Answer> {
    if let Some(answer) = unknown_owner(state, owner) {
        return Some(answer);
    }
    let owner = owner?;
    let licensed =
        license.owner_id.as_deref() == Some(owner) || license.user_ids.iter().any(|u| u == owner);
    (!licensed).then(|| {
        unprocessable(
            "must be a valid license user",
            Some("OWNER_INVALID"),
            "/data/relationships/owner",
        )
    })
}

/// The 400 for a parameter only admins, developers, sales agents and products may send
/// when creating a license (`id`, `protected`, `expiry`, `suspended`, the `max…` limits).
pub(crate) fn unpermitted_create(caller: &Caller, data: &Value) -> Option<Answer> {
    let privileged = match caller {
        Caller::Admin | Caller::Product(..) | Caller::Environment(_) => true,
        Caller::User(user) => matches!(
            user.role,
            UserRole::Admin | UserRole::Developer | UserRole::SalesAgent
        ),
        Caller::License(_) | Caller::Anonymous => false,
    };
    if privileged {
        return None;
    }
    let restricted = [
        "protected",
        "expiry",
        "suspended",
        "maxMachines",
        "maxCores",
        "maxMemory",
        "maxDisk",
        "maxUses",
        "maxProcesses",
        "maxUsers",
    ];
    let pointer = if data.get("id").is_some() {
        Some("/data/id".to_owned())
    } else {
        restricted
            .iter()
            .find(|name| data["attributes"].get(**name).is_some())
            .map(|name| format!("/data/attributes/{name}"))
    }?;
    Some(error(
        400,
        "Bad request",
        "unpermitted parameter",
        None,
        Some(&pointer),
    ))
}
