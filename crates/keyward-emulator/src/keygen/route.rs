//! Which handler answers a request: the path (`/v1/accounts/{account}/…` or `/v1/…`), the
//! method and the caller.

use wiremock::Request;

use super::answer::{self, Answer, error, unauthenticated};
use super::auth::{Caller, caller};
use super::state::State;
use super::{checkout, license_admin, licenses, machines, versions};
use crate::support;

pub(crate) fn route(state: &mut State, request: &Request) -> Answer {
    // Ids and fingerprints in paths are percent-decoded (`show.feature`: "License retrieves a
    // machine by fingerprint with a newline": `foo%0A` is the fingerprint `foo\n`).
    let segments: Vec<String> = support::segments(request)
        .iter()
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let mut parts: Vec<&str> = segments.iter().map(String::as_str).collect();
    if parts.first() != Some(&"v1") {
        return error(
            404,
            "Not found",
            "The requested endpoint was not found",
            Some("NOT_FOUND"),
            None,
        );
    }
    parts.remove(0);
    if parts.first() == Some(&"accounts") {
        if parts.get(1) != Some(&state.account_id.as_str()) {
            return error(
                404,
                "Not found",
                "The requested account was not found",
                Some("NOT_FOUND"),
                None,
            );
        }
        parts.drain(..2);
    }
    // `current_account_constraints.rb`: before any credential is read.
    if state.inactive {
        return error(
            403,
            "Account does not have an active subscription",
            "must have an active subscription to access this resource",
            None,
            None,
        );
    }
    // An Accept header without a JSON type (or a wildcard) is refused (`show.feature`, "Admin
    // retrieves a license for their account with an unsupported accept header"; the error is
    // `lib/keygen/middleware.rb`'s for a mime type it cannot serve).
    let accept = support::header(request, "accept");
    if accept.is_some_and(|a| {
        ![
            "application/vnd.api+json",
            "application/json",
            "*/*",
            "application/*",
        ]
        .iter()
        .any(|t| a.contains(t))
    }) {
        return error(
            400,
            "Bad request",
            "The mime type of the request is not acceptable (check content-type and accept headers)",
            Some("MIME_TYPE_INVALID"),
            None,
        );
    }
    if let Some(answer) = super::body::refusal(request) {
        return answer;
    }
    let version = match versions::requested(state, request) {
        Ok(version) => version,
        Err(answer) => return answer,
    };
    state.current_environment = match state.environment_of(request) {
        Ok(environment) => environment,
        Err(answer) => return answer,
    };
    let caller = match caller(state, request) {
        Ok(caller) => caller,
        Err(answer) => return answer,
    };
    state.current_token = super::auth::token(request);
    let mut answer = state.scoped(|state| dispatch(state, request, &caller, &parts));
    versions::migrate(state, version, request.method.as_str(), &parts, &mut answer);
    state.current_environment = None;
    state.current_token = None;
    answer
}

/// The answer of the handler of `parts` to `caller`, the account scoped to the request's
/// environment.
fn dispatch(state: &mut State, request: &Request, caller: &Caller, parts: &[&str]) -> Answer {
    let method = request.method.as_str();
    let caller = caller.clone();
    if method == "POST" && parts == ["licenses", "actions", "validate-key"] {
        return licenses::validation(state, request, &caller, None);
    }
    if caller == Caller::Anonymous {
        return unauthenticated();
    }
    let admin = caller.manages();
    if state.read_only_here(method, parts) {
        return answer::forbidden();
    }
    match (method, parts) {
        ("POST" | "GET", ["licenses", id, "actions", "validate"]) => {
            licenses::validation(state, request, &caller, Some(id))
        }
        ("POST" | "GET", ["licenses", id, "actions", "check-out"]) => {
            checkout::check_out(state, request, &caller, id, false)
        }
        ("POST" | "GET", ["machines", id, "actions", "check-out"]) => {
            checkout::check_out(state, request, &caller, id, true)
        }
        ("GET", ["licenses", id]) => licenses::get(state, &caller, id),
        ("GET", ["licenses"]) => licenses::list(state, request, &caller),
        ("POST", ["machines"]) => machines::create(state, request, &caller),
        ("DELETE", ["machines", id]) => machines::delete(state, &caller, id),
        ("GET", ["machines", id]) => machines::get(state, &caller, id),
        ("GET", ["machines"]) => machines::list(state, request, &caller),
        ("POST", ["machines", id, "actions", "ping" | "ping-heartbeat"]) => {
            machines::ping(state, &caller, id)
        }
        ("POST", ["machines", _, "actions", "reset" | "reset-heartbeat"]) if !admin => {
            answer::forbidden()
        }
        ("POST", ["machines", id, "actions", "reset" | "reset-heartbeat"]) => {
            machines::reset(state, &caller, id)
        }
        // A license the caller may not see is not found (another license's to a license,
        // another product's to a product); a license may not change its own.
        (_, ["licenses", id, ..]) if !state.license(id).is_some_and(|l| caller.owns(&l.id)) => {
            answer::not_found("license", id)
        }
        ("POST", ["licenses"]) if !admin => answer::forbidden(),
        (_, ["licenses", id, rest @ ..]) if !may_administer(state, &caller, method, id, rest) => {
            answer::forbidden()
        }
        ("POST", ["licenses"]) => license_admin::create(state, request, &caller),
        ("PATCH", ["licenses", id]) => license_admin::update(state, request, id),
        (
            "POST",
            [
                "licenses",
                id,
                "actions",
                action @ ("suspend" | "reinstate" | "renew"),
            ],
        ) => license_admin::action(state, id, action),
        ("DELETE", ["licenses", id, "actions", "revoke"]) => license_admin::revoke(state, id),
        _ => error(
            404,
            "Not found",
            "The requested endpoint was not found",
            Some("NOT_FOUND"),
            None,
        ),
    }
}

/// Whether the caller may make the admin call `method` `rest` on license `id`
/// (`license_policy.rb`'s `update?`, `suspend?`, `reinstate?`, `renew?`, `revoke?`,
/// `destroy?`); a call that is no admin call is left to the routes (404).
fn may_administer(state: &State, caller: &Caller, method: &str, id: &str, rest: &[&str]) -> bool {
    let permission = match (method, rest) {
        ("PATCH", []) => "license.update",
        ("DELETE", []) => "license.delete",
        ("DELETE", ["actions", "revoke"]) => "license.revoke",
        ("POST", ["actions", "suspend"]) => "license.suspend",
        ("POST", ["actions", "reinstate"]) => "license.reinstate",
        ("POST", ["actions", "renew"]) => "license.renew",
        _ => return true,
    };
    caller.manages()
        && state
            .license(id)
            .is_some_and(|license| caller.may_on(state, permission, license, None))
}
