//! How many of a validation's fingerprints or components must match (the policy's
//! `machineMatchingStrategy` and `componentMatchingStrategy`).

use serde_json::{Map, Value};

use super::state::{LicenseRecord, MachineMatching, MachineRecord};
use super::validation::Verdict;

/// The detail of `FINGERPRINT_SCOPE_MISMATCH` when too few of `wanted` fingerprints match
/// `alive` machines (`None`: enough do).
pub(crate) fn too_few(
    matching: MachineMatching,
    wanted: usize,
    alive: usize,
) -> Option<&'static str> {
    let short = match (wanted > 1, matching) {
        (true, MachineMatching::Most) => alive < wanted.div_ceil(2),
        (true, MachineMatching::Two) => alive < 2,
        (true, MachineMatching::All) => alive < wanted,
        _ => alive == 0,
    };
    short.then_some(match (wanted > 1, matching) {
        (true, MachineMatching::Most) => {
            "one or more fingerprint is not activated (does not match enough associated machines)"
        }
        (true, MachineMatching::Two) => {
            "one or more fingerprint is not activated (does not match at least 2 associated machines)"
        }
        (true, MachineMatching::All) => {
            "one or more fingerprint is not activated (does not match all associated machines)"
        }
        (true, _) => {
            "one or more fingerprint is not activated (does not match any associated machines)"
        }
        (false, _) => "fingerprint is not activated (does not match any associated machines)",
    })
}

/// The `components` scope (`license_validation_service.rb`): it needs the singular
/// `fingerprint` scope, a non-empty list, and enough of it among that machine's components.
pub(crate) fn components(
    license: &LicenseRecord,
    machines: &[&MachineRecord],
    scope: &Map<String, Value>,
) -> Option<Verdict> {
    let wanted = scope.get("components")?;
    let Some(fingerprint) = scope.get("fingerprint") else {
        return Some((
            false,
            "fingerprint scope is required when using the components scope",
            "FINGERPRINT_SCOPE_REQUIRED",
        ));
    };
    let mut wanted: Vec<&str> = wanted
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    wanted.sort_unstable();
    wanted.dedup();
    if wanted.is_empty() {
        return Some((false, "components scope is empty", "COMPONENTS_SCOPE_EMPTY"));
    }
    let count = machines
        .iter()
        .find(|m| Some(m.fingerprint.as_str()) == fingerprint.as_str())
        .map_or(0, |m| {
            m.components
                .iter()
                .filter(|c| wanted.contains(&c.as_str()))
                .count()
        });
    let n = wanted.len();
    let (short, detail) = match license.component_matching {
        MachineMatching::Most => (
            count < n.div_ceil(2),
            "one or more component is not activated (does not match enough associated components)",
        ),
        MachineMatching::Two => (
            count < 2,
            "one or more component is not activated (does not match at least 2 associated components)",
        ),
        MachineMatching::All => (
            count < n,
            "one or more component is not activated (does not match all associated components)",
        ),
        _ => (
            count == 0,
            "one or more component is not activated (does not match any associated components)",
        ),
    };
    short.then_some((false, detail, "COMPONENTS_SCOPE_MISMATCH"))
}
