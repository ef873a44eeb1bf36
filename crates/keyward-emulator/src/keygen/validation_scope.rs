//! A validation's scope checks in `license_validation_service.rb`'s order: environment,
//! product, policy, user, entitlements, then the machine and fingerprint scopes
//! (`validation_machines.rs`), components, and the checksum and version of the releases the
//! license may access (`releases.rs`).

use serde_json::{Map, Value};

use super::matching;
use super::state::LicenseRecord;
use super::validation::{Context, Verdict};
use super::validation_machines::machine_scopes;

/// `<name> scope is required` when the policy requires scope `name` and `scope` lacks it.
pub(crate) fn missing(
    license: &LicenseRecord,
    scope: &Map<String, Value>,
    name: &str,
) -> Option<Verdict> {
    if scope.contains_key(name) || !license.required_scopes.iter().any(|s| s == name) {
        return None;
    }
    let (detail, code) = match name {
        "environment" => (
            "environment scope is required",
            "ENVIRONMENT_SCOPE_REQUIRED",
        ),
        "product" => ("product scope is required", "PRODUCT_SCOPE_REQUIRED"),
        "policy" => ("policy scope is required", "POLICY_SCOPE_REQUIRED"),
        "user" => ("user scope is required", "USER_SCOPE_REQUIRED"),
        "machine" => ("machine scope is required", "MACHINE_SCOPE_REQUIRED"),
        "fingerprint" => (
            "fingerprint scope is required",
            "FINGERPRINT_SCOPE_REQUIRED",
        ),
        "components" => ("components scope is required", "COMPONENTS_SCOPE_REQUIRED"),
        "checksum" => ("checksum scope is required", "CHECKSUM_SCOPE_REQUIRED"),
        "version" => ("version scope is required", "VERSION_SCOPE_REQUIRED"),
        _ => return None,
    };
    Some((false, detail, code))
}

/// The scope checks: environment, product, policy, user, entitlements, machine, fingerprint(s),
/// components, checksum, version (of the releases the license may access).
pub(super) fn scoped(
    license: &LicenseRecord,
    scope: &Map<String, Value>,
    context: &Context<'_>,
    touched: &mut Option<String>,
) -> Option<Verdict> {
    let text = |name: &str| scope.get(name).and_then(Value::as_str);
    // Keygen EE's environment scope: the license's environment (its id or code; the caller
    // reads a code as the id).
    if let Some(verdict) = missing(license, scope, "environment") {
        return Some(verdict);
    }
    if scope
        .get("environment")
        .is_some_and(|wanted| wanted.as_str() != license.environment_id.as_deref())
    {
        return Some((
            false,
            "environment scope does not match",
            "ENVIRONMENT_SCOPE_MISMATCH",
        ));
    }
    for name in ["product", "policy", "user"] {
        if let Some(verdict) = missing(license, scope, name) {
            return Some(verdict);
        }
        if name == "product" && text("product").is_some_and(|p| p != license.product_id) {
            return Some((
                false,
                "product scope does not match",
                "PRODUCT_SCOPE_MISMATCH",
            ));
        }
        if name == "policy" && text("policy").is_some_and(|p| p != license.policy_id) {
            return Some((
                false,
                "policy scope does not match",
                "POLICY_SCOPE_MISMATCH",
            ));
        }
        // The owner or one of the license's users (by id: the caller reads an email as its id).
        let user = scope.get("user").map(Value::as_str);
        let licensed = |user: Option<&str>| {
            license.owner_id.as_deref() == user
                || user.is_some_and(|u| license.user_ids.iter().any(|id| id == u))
        };
        if name == "user" && user.is_some_and(|user| !licensed(user)) {
            return Some((false, "user scope does not match", "USER_SCOPE_MISMATCH"));
        }
    }
    if let Some(wanted) = scope.get("entitlements") {
        let wanted: Vec<&str> = wanted
            .as_array()
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if wanted.is_empty() {
            return Some((
                false,
                "entitlements scope is empty",
                "ENTITLEMENTS_SCOPE_EMPTY",
            ));
        }
        if !wanted
            .iter()
            .all(|w| license.entitlements.iter().any(|e| e == w))
        {
            return Some((
                false,
                "is missing one or more required entitlements",
                "ENTITLEMENTS_MISSING",
            ));
        }
    }
    if let Some(verdict) = machine_scopes(license, scope, context) {
        return Some(verdict);
    }
    if let Some(verdict) = missing(license, scope, "components") {
        return Some(verdict);
    }
    if let Some(verdict) = matching::components(license, context.machines, scope) {
        return Some(verdict);
    }
    super::releases::scopes(license, scope, context.published, touched)
}
