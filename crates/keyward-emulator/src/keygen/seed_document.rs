//! Seeding from Keygen's JSON:API license documents (a license file's decrypted payload too).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::seed_limits::created_policy_machine_limit;
use super::state::{LicenseRecord, State};
use crate::SeedError;

/// Adds the `licenses` resources of a JSON:API document (single or list; a license file's
/// decrypted payload too). Returns how many were added.
pub(crate) fn seed_document(state: &mut State, body: &str) -> Result<usize, SeedError> {
    let document = SeedError::parse("keygen document", body)?;
    let resources: Vec<&Value> = match &document["data"] {
        Value::Array(items) => items.iter().collect(),
        Value::Object(_) => vec![&document["data"]],
        _ => {
            return Err(SeedError::Shape {
                what: "keygen document",
                expected: "a `data` resource or list",
            });
        }
    };
    let mut added = 0;
    for (index, resource) in resources
        .into_iter()
        .filter(|r| r["type"] == "licenses")
        .enumerate()
    {
        let attributes = &resource["attributes"];
        let (Some(id), Some(key)) = (resource["id"].as_str(), attributes["key"].as_str()) else {
            return Err(SeedError::Field {
                record: "license",
                index,
                field: "id and attributes.key (strings)",
            });
        };
        let time = |name: &str| {
            attributes[name]
                .as_str()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc))
        };
        let mut record = LicenseRecord::new(
            id.to_owned(),
            key.to_owned(),
            time("created").unwrap_or_else(|| state.now()),
        );
        record.name = attributes["name"].as_str().map(str::to_owned);
        record.expiry = time("expiry");
        record.suspended = attributes["suspended"].as_bool().unwrap_or(false);
        record.floating = attributes["floating"].as_bool().unwrap_or(false);
        // A document without `maxMachines` has a created policy's; `null` is no limit.
        record.max_machines = match attributes.get("maxMachines") {
            Some(limit) => limit.as_u64(),
            None => created_policy_machine_limit(record.floating),
        };
        record.strict = attributes["strict"].as_bool().unwrap_or(false);
        record.require_heartbeat = attributes["requireHeartbeat"].as_bool().unwrap_or(false);
        record.metadata = attributes["metadata"]
            .as_object()
            .cloned()
            .unwrap_or_else(Map::new);
        record.updated = time("updated").unwrap_or(record.created);
        let related = |name: &str| {
            resource["relationships"][name]["data"]["id"]
                .as_str()
                .map(str::to_owned)
        };
        if let Some(product) = related("product") {
            record.product_id = product;
        }
        if let Some(policy) = related("policy") {
            record.policy_id = policy;
        }
        state.licenses.retain(|l| l.id != record.id);
        state.licenses.push(record);
        added += 1;
    }
    Ok(added)
}
