//! A machine's create parameters checked before anything changes: `machines_controller.rb`'s
//! `typed_params` (400) and `machine.rb`'s validations before the limit (422).

use serde_json::Value;

use super::answer::{Answer, error, unprocessable};
use super::state::{LicenseRecord, MachineUniqueness, State};

/// The 400s of the request's schema (`machines_controller.rb`'s `typed_params`): a missing
/// fingerprint, an id that is not a UUID.
pub(crate) fn bad_parameters(data: &Value) -> Option<Answer> {
    let bad = |detail: &str, code: &str, pointer: &str| {
        Some(error(400, "Bad request", detail, Some(code), Some(pointer)))
    };
    if data["attributes"].get("fingerprint").is_none() {
        return bad(
            "is missing",
            "PARAMETER_MISSING",
            "/data/attributes/fingerprint",
        );
    }
    // `typed_params` refuses a blank string before the model's presence check.
    if data["attributes"]["fingerprint"] == "" {
        let pointer = "/data/attributes/fingerprint";
        return Some(error(
            400,
            "Bad request",
            "cannot be blank",
            None,
            Some(pointer),
        ));
    }
    match &data["id"] {
        Value::Null => None,
        Value::String(id) if uuid::Uuid::try_parse(id).is_ok() => None,
        _ => bad(
            "type mismatch (received string expected UUID string)",
            "PARAMETER_INVALID",
            "/data/id",
        ),
    }
}

/// The 422s of `machine.rb`'s validations before the limit: a reserved fingerprint, one that is
/// another machine's id, a core, memory or disk count below 1.
pub(crate) fn invalid(state: &State, attributes: &Value, fingerprint: &str) -> Option<Answer> {
    let pointer = "/data/attributes/fingerprint";
    if matches!(fingerprint, "actions" | "action") {
        return Some(unprocessable(
            "is reserved",
            Some("FINGERPRINT_NOT_ALLOWED"),
            pointer,
        ));
    }
    if state.machines.iter().any(|m| m.id == fingerprint) {
        return Some(unprocessable(
            "must not conflict with another machine's identifier (UUID)",
            Some("FINGERPRINT_CONFLICT"),
            pointer,
        ));
    }
    ["cores", "memory", "disk"].into_iter().find_map(|name| {
        let value = attributes.get(name).filter(|v| !v.is_null())?;
        (value.as_i64().is_none_or(|n| n < 1)).then(|| {
            unprocessable(
                "must be greater than or equal to 1",
                Some(&format!("{}_INVALID", name.to_uppercase())),
                &format!("/data/attributes/{name}"),
            )
        })
    })
}

impl State {
    /// The 422 `FINGERPRINT_TAKEN` for a fingerprint a machine has in the scope of `license`'s
    /// `machineUniquenessStrategy` (`machine.rb`; every environment's machines count).
    pub(crate) fn fingerprint_taken(
        &self,
        license: &LicenseRecord,
        fingerprint: &str,
    ) -> Option<Answer> {
        let (scope, within) = license.machine_uniqueness.scope();
        let taken = self
            .machines
            .iter()
            .chain(&self.elsewhere_machines)
            .any(|m| {
                m.fingerprint == fingerprint
                    && self
                        .license_anywhere(&m.license_id)
                        .is_some_and(|l| within(l, license))
            });
        let detail = match license.machine_uniqueness {
            MachineUniqueness::PerLicense => "has already been taken".to_owned(),
            _ => format!("has already been taken for this {scope}"),
        };
        taken.then(|| {
            let pointer = "/data/attributes/fingerprint";
            unprocessable(&detail, Some("FINGERPRINT_TAKEN"), pointer)
        })
    }
}
