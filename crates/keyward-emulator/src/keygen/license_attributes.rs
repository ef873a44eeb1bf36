//! The attributes `POST /licenses` and `PATCH /licenses/{id}` set on a license
//! (`licenses_controller.rb`'s permitted attributes), with `license.rb`'s checks of their values.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::answer::{Answer, unprocessable};
use super::state::LicenseRecord;

/// The attributes a create or update may set.
pub(crate) fn apply(
    license: &mut LicenseRecord,
    attributes: &Value,
    known_policy: bool,
) -> Result<(), Answer> {
    let Value::Object(attributes) = attributes else {
        return Ok(());
    };
    for (name, value) in attributes {
        match (name.as_str(), value) {
            ("name", v) => license.name = v.as_str().map(str::to_owned),
            ("key", _) => {}
            ("expiry", Value::Null) => license.expiry = None,
            // An ISO 8601 timestamp, or UNIX seconds as a number or a string
            // (`update.feature`: "Admin updates a license expiry (UNIX string)").
            ("expiry", v) => match v
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
                .or_else(|| {
                    let seconds = v.as_i64().or_else(|| v.as_str()?.parse().ok())?;
                    DateTime::from_timestamp(seconds, 0)
                }) {
                Some(t) => license.expiry = Some(t),
                None => {
                    return Err(unprocessable(
                        "must be a valid ISO 8601 timestamp",
                        None,
                        "/data/attributes/expiry",
                    ));
                }
            },
            // `license.rb`: an override is 1 for a node-locked policy, at least 1 for a
            // floating one (checked for a policy the emulator knows: `add_policy`); `null`
            // clears it, leaving the policy's.
            ("maxMachines", v)
                if known_policy
                    && v.as_i64()
                        .is_some_and(|n| if license.floating { n < 1 } else { n != 1 }) =>
            {
                let detail = if license.floating {
                    "must be greater than or equal to 1 for floating policy"
                } else {
                    "must be equal to 1 for non-floating policy"
                };
                return Err(unprocessable(
                    detail,
                    Some("MAX_MACHINES_INVALID"),
                    "/data/attributes/maxMachines",
                ));
            }
            ("maxMachines", v) => license.max_machines_override = v.as_u64(),
            ("maxCores" | "maxMemory" | "maxDisk", v) if v.as_i64().is_some_and(|n| n < 1) => {
                let field = name.trim_start_matches("max").to_uppercase();
                return Err(unprocessable(
                    "must be greater than or equal to 1",
                    Some(&format!("MAX_{field}_INVALID")),
                    &format!("/data/attributes/{name}"),
                ));
            }
            ("maxUses", v) => super::usage::set_max_uses(license, v)?,
            ("metadata", Value::Object(m)) => license.metadata = m.clone(),
            ("suspended", Value::Bool(b)) => license.suspended = *b,
            ("protected", Value::Bool(b)) => license.protected = *b,
            _ => {}
        }
    }
    Ok(())
}
