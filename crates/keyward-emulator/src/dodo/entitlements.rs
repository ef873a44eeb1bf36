//! HTTP routes of entitlements and grants (admin, bearer key): list and read entitlements, list
//! an entitlement's grants, revoke a grant, deliver a key to a pending grant, a customer's grants.

use serde_json::{Value, json};
use wiremock::{Request, ResponseTemplate};

use super::grants::status_matches;
use super::routes::{answer, error, not_found, page, paging};
use super::state::State;
use crate::support::{json as json_response, json_body, query};

/// Whether `parts` is one of these routes (any method).
pub(crate) fn handles(parts: &[&str]) -> bool {
    matches!(
        parts,
        ["entitlements"]
            | ["entitlements", _]
            | ["entitlements", _, "grants"]
            | ["entitlements", _, "grants", _]
            | ["grants", _, "license-key"]
            | ["customers", _, "entitlement-grants"]
    )
}

/// Answers one of the routes [`handles`] accepts (authorised already).
pub(crate) fn respond(
    state: &mut State,
    method: &str,
    parts: &[&str],
    request: &Request,
) -> ResponseTemplate {
    match (method, parts) {
        ("GET", ["entitlements"]) => {
            let items = state
                .entitlements
                .iter()
                .map(|e| state.entitlement_json(e))
                .collect();
            paged(request, items)
        }
        ("GET", ["entitlements", id]) => match state.entitlement(id) {
            Some(e) => json_response(200, state.entitlement_json(e)),
            None => error((404, "NOT_FOUND", "Entitlement not found".to_owned())),
        },
        ("GET", ["entitlements", id, "grants"]) => {
            if state.entitlement(id).is_none() {
                return error((404, "NOT_FOUND", "Entitlement not found".to_owned()));
            }
            grants(state, request, false, |g| g.entitlement_id == *id)
        }
        ("DELETE", ["entitlements", id, "grants", grant]) => answer(state.revoke(id, grant), 200),
        ("POST", ["grants", grant, "license-key"]) => {
            answer(state.deliver(grant, &json_body(request)), 200)
        }
        ("GET", ["customers", customer, "entitlement-grants"]) => {
            let integration = query(request).get("integration_type").cloned();
            // Every emulated grant is of a `license_key` entitlement.
            if integration.is_some_and(|t| t != "license_key") {
                return paged(request, Vec::new());
            }
            grants(state, request, true, |g| g.customer_id == *customer)
        }
        _ => not_found(),
    }
}

/// The grants `keep` selects, filtered by `customer_id` and `status`, one page of them.
fn grants(
    state: &State,
    request: &Request,
    lower_case: bool,
    keep: impl Fn(&super::grants::GrantRecord) -> bool,
) -> ResponseTemplate {
    let params = query(request);
    let items = state
        .grants
        .iter()
        .filter(|g| keep(g))
        .filter(|g| {
            params
                .get("customer_id")
                .is_none_or(|c| *c == g.customer_id)
        })
        .filter(|g| status_matches(g.status, params.get("status")))
        .map(|g| state.grant_json(g, lower_case))
        .collect();
    paged(request, items)
}

/// `{"items": [...]}` of the page `page_size` / `page_number` ask for.
fn paged(request: &Request, items: Vec<Value>) -> ResponseTemplate {
    match paging(&query(request)) {
        Ok((size, number)) => json_response(200, json!({"items": page(items, size, number)})),
        Err(failure) => error(failure),
    }
}
