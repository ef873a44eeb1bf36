//! How answers are shown: a line of text for people, JSON for scripts. Never a secret: license
//! keys appear only as their last four characters.

use keyward_core::{
    ActivationOutcome, Capabilities, Instance, LicenseKey, Page, PageToken, ValidationOutcome,
};
use serde_json::{Value, json};

/// A license as JSON, its key reduced to the last four characters.
pub(crate) fn license_json(license: &LicenseKey) -> Value {
    json!({
        "provider": license.provider.as_str(),
        "id": license.id,
        "key_last4": license.key.as_ref().map(|k| k.last4()),
        "status": license.status.as_str(),
        "customer": {
            "id": license.customer.id,
            "name": license.customer.name,
            "email": license.customer.email,
        },
        "product": {
            "id": license.product.id,
            "name": license.product.name,
            "variant_id": license.product.variant_id,
            "store_id": license.product.store_id,
        },
        "activation_limit": license.activation_limit,
        "activations": license.activations,
        "expires_at": license.expires_at.map(|t| t.to_rfc3339()),
        "created_at": license.created_at.map(|t| t.to_rfc3339()),
        "test_mode": license.test_mode,
    })
}

/// An instance as JSON.
pub(crate) fn instance_json(instance: &Instance) -> Value {
    json!({
        "id": instance.id,
        "name": instance.name,
        "license_id": instance.license_id,
        "created_at": instance.created_at.map(|t| t.to_rfc3339()),
    })
}

/// A validation as JSON.
pub(crate) fn validation_json(outcome: &ValidationOutcome) -> Value {
    json!({
        "valid": outcome.is_valid(),
        "reason": outcome.reason().map(ToString::to_string),
        "license": outcome.license().map(license_json),
    })
}

/// An activation as JSON.
pub(crate) fn activation_json(outcome: &ActivationOutcome) -> Value {
    match outcome {
        ActivationOutcome::Activated { instance, license } => json!({
            "activated": true,
            "instance": instance_json(instance),
            "license": license.as_deref().map(license_json),
        }),
        ActivationOutcome::Refused { reason, license } => json!({
            "activated": false,
            "reason": reason.to_string(),
            "license": license.as_deref().map(license_json),
        }),
        _ => json!({ "activated": null }),
    }
}

/// A page as JSON.
pub(crate) fn page_json<T>(page: &Page<T>, item: impl Fn(&T) -> Value) -> Value {
    json!({
        "items": page.items.iter().map(item).collect::<Vec<_>>(),
        "next": page.next.as_ref().map(token_text),
        "total": page.total,
    })
}

/// Capabilities as JSON.
pub(crate) fn capabilities_json(c: &Capabilities) -> Value {
    json!({
        "validate": c.validate, "activate": c.activate, "deactivate": c.deactivate,
        "get": c.get, "list": c.list, "create": c.create, "update": c.update,
        "instances": c.instances, "signed": c.signed, "offline": c.offline,
    })
}

/// A page token as text (`3` or the cursor).
pub(crate) fn token_text(token: &PageToken) -> String {
    match token {
        PageToken::Number(n) => n.to_string(),
        PageToken::Cursor(c) => c.clone(),
        _ => String::from("?"),
    }
}

/// One line about a license, for people.
pub(crate) fn license_line(license: &LicenseKey) -> String {
    let limit = license
        .activation_limit
        .map_or_else(|| String::from("unlimited"), |l| l.to_string());
    let used = license
        .activations
        .map_or_else(|| String::from("?"), |a| a.to_string());
    let expires = license.expires_at.map_or_else(
        || String::from("never"),
        |t| t.format("%Y-%m-%d").to_string(),
    );
    let last4 = license.key.as_ref().map(|k| k.last4()).unwrap_or_default();
    format!(
        "{id}  …{last4:<4}  {status:<9} activations {used}/{limit}  expires {expires}",
        id = license.id,
        status = license.status.as_str(),
    )
}

/// One line about a validation, for people.
pub(crate) fn validation_line(outcome: &ValidationOutcome) -> String {
    match outcome.reason() {
        None => String::from("valid"),
        Some(reason) => format!("invalid: {reason}"),
    }
}

/// One line about an activation, for people.
pub(crate) fn activation_line(outcome: &ActivationOutcome) -> String {
    match outcome {
        ActivationOutcome::Activated { instance, .. } => {
            format!("activated: instance {}", instance.id)
        }
        ActivationOutcome::Refused { reason, .. } => format!("refused: {reason}"),
        _ => String::from("unknown answer"),
    }
}

/// Capabilities as a short list of what is supported.
pub(crate) fn capabilities_line(c: &Capabilities) -> String {
    let ops = [
        ("validate", c.validate),
        ("activate", c.activate),
        ("deactivate", c.deactivate),
        ("get", c.get),
        ("list", c.list),
        ("create", c.create),
        ("update", c.update),
        ("instances", c.instances),
        ("signed", c.signed),
        ("offline", c.offline),
        ("server only", c.server_only),
    ];
    ops.iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::{InvalidReason, LicenseStatus, Provider, SecretLicenseKey};

    const CANARY: &str = "CANARY-KEY-0000-ZZZZ";

    fn license() -> LicenseKey {
        let mut l = LicenseKey::new(Provider::Dodo, "lic_1", LicenseStatus::Active);
        l.key = Some(SecretLicenseKey::new(CANARY));
        l.activation_limit = Some(2);
        l.activations = Some(1);
        l
    }

    #[test]
    fn output_never_shows_the_key() {
        let l = license();
        let line = license_line(&l);
        assert!(
            line.contains("…ZZZZ") && line.contains("activations 1/2"),
            "{line}"
        );
        let json = license_json(&l).to_string();
        assert!(
            !json.contains(CANARY) && json.contains("\"key_last4\":\"ZZZZ\""),
            "{json}"
        );
        let outcome = ValidationOutcome::invalid(InvalidReason::Disabled, Some(l));
        assert!(!validation_json(&outcome).to_string().contains(CANARY));
        assert_eq!(validation_line(&outcome), "invalid: license is disabled");
    }
}
