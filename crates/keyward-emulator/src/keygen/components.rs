//! A new machine's hardware components (`relationships.components` of `POST /machines`), checked
//! as `machine.rb` (`accepts_nested_attributes_for :components, limit: 20`) and
//! `machine_component.rb` (a fingerprint duplicated in the request, or taken where the policy's
//! `componentUniquenessStrategy` says it must be unique) check them.

use serde_json::Value;

use super::answer::{Answer, error, unprocessable};
use super::policy::MachineUniqueness;
use super::state::{ComponentUniqueness, LicenseRecord, State};

/// `accepts_nested_attributes_for :components, limit: 20`.
const MOST_COMPONENTS: usize = 20;

/// The component fingerprints a machine's creation names (none without the relationship), or
/// the 422 for more than Keygen accepts at once.
pub(crate) fn requested(relationships: &Value) -> Result<Vec<String>, Answer> {
    let Some(items) = relationships["components"]["data"].as_array() else {
        return Ok(Vec::new());
    };
    if items.len() > MOST_COMPONENTS {
        // `application_controller.rb` rescues `NestedAttributes::TooManyRecords`.
        return Err(error(
            422,
            "Unprocessable entity",
            "too many records",
            None,
            None,
        ));
    }
    Ok(items
        .iter()
        .map(|item| {
            item["attributes"]["fingerprint"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect())
}

/// The 422 for a component fingerprint given twice (`COMPONENTS_FINGERPRINT_CONFLICT`) or taken
/// by a machine in the scope of the license's uniqueness strategy
/// (`COMPONENTS_FINGERPRINT_TAKEN`).
pub(crate) fn refused(
    state: &State,
    license: &LicenseRecord,
    fingerprints: &[String],
) -> Option<Answer> {
    let pointer =
        |i: usize| format!("/data/relationships/components/data/{i}/attributes/fingerprint");
    if let Some(i) = (0..fingerprints.len()).find(|&i| fingerprints[..i].contains(&fingerprints[i]))
    {
        return Some(unprocessable(
            "is duplicated",
            Some("COMPONENTS_FINGERPRINT_CONFLICT"),
            &pointer(i),
        ));
    }
    let (scope, within) = match license.component_uniqueness {
        // A new machine has no components of its own yet.
        ComponentUniqueness::PerMachine => return None,
        ComponentUniqueness::PerLicense => MachineUniqueness::PerLicense.scope(),
        ComponentUniqueness::PerPolicy => MachineUniqueness::PerPolicy.scope(),
        ComponentUniqueness::PerProduct => MachineUniqueness::PerProduct.scope(),
        ComponentUniqueness::PerAccount => MachineUniqueness::PerAccount.scope(),
    };
    let taken = |fingerprint: &String| {
        state.machines.iter().any(|m| {
            m.components.contains(fingerprint)
                && state
                    .license(&m.license_id)
                    .is_some_and(|l| within(l, license))
        })
    };
    let i = fingerprints.iter().position(taken)?;
    Some(unprocessable(
        &format!("has already been taken for this {scope}"),
        Some("COMPONENTS_FINGERPRINT_TAKEN"),
        &pointer(i),
    ))
}
