//! The key-management endpoints that write license keys (GetKeyManager's admin API):
//! `create-license-keys` (900) and `update-license-key` (950), which take the same fields:
//! `product_id`, `activation_limit`, `validity` (days), `status`, and optionally `owner_name`,
//! `owner_email` and `assigned_at` (`Y-m-d H:i:s`, the base the validity counts from).

use chrono::{Days, NaiveDateTime};
use serde_json::{Map, Value, json};

use super::state::{Answer, Fields, Install, LicenseRecord, answer, get};

/// The statuses a key can be given.
const STATUSES: [&str; 4] = ["available", "assigned", "reserved", "blocked"];

/// An activation limit: a count, or `0` or `-1` for unlimited (kept as sent, and listed so).
fn parse_limit(text: &str) -> Option<i64> {
    text.trim().parse().ok().filter(|n| *n >= -1)
}

/// When a key expires: `assigned_at` plus `validity` days; never for validity 0 or a key not
/// assigned yet (its validity has not started).
fn expiry(assigned_at: Option<&str>, validity: u64) -> Option<i64> {
    if validity == 0 {
        return None;
    }
    let start = NaiveDateTime::parse_from_str(assigned_at?, "%Y-%m-%d %H:%M:%S").ok()?;
    let end = start.checked_add_days(Days::new(validity))?;
    Some(end.and_utc().timestamp())
}

/// The fields of one key, checked as Laravel's validator would: `Err` holds the `errors` object
/// of the refusal (field → messages).
struct Spec {
    product_id: u64,
    activation_limit: i64,
    validity: u64,
    status: String,
    owner_name: Option<String>,
    owner_email: Option<String>,
    assigned_at: Option<String>,
}

impl Spec {
    fn read(install: &Install, f: &Fields) -> Result<Self, Map<String, Value>> {
        let mut errors = Map::new();
        let mut invalid = |field: &str, message: String| {
            errors.insert(field.to_owned(), json!([message]));
        };
        let product_id = get(f, "product_id").and_then(|p| p.parse::<u64>().ok());
        match product_id {
            None => invalid("product_id", required("product id")),
            Some(id) if !install.products.iter().any(|p| p.id == id) => {
                invalid(
                    "product_id",
                    String::from("The selected product id is invalid."),
                );
            }
            Some(_) => {}
        }
        let activation_limit = get(f, "activation_limit").and_then(parse_limit);
        if activation_limit.is_none() {
            invalid("activation_limit", required("activation limit"));
        }
        let validity = get(f, "validity").and_then(|v| v.parse::<u64>().ok());
        if validity.is_none() {
            invalid("validity", required("validity"));
        }
        let status = get(f, "status").filter(|s| STATUSES.contains(s));
        if status.is_none() {
            invalid("status", String::from("The selected status is invalid."));
        }
        match (product_id, activation_limit, validity, status) {
            (Some(product_id), Some(activation_limit), Some(validity), Some(status))
                if errors.is_empty() =>
            {
                Ok(Self {
                    product_id,
                    activation_limit,
                    validity,
                    status: status.to_owned(),
                    owner_name: get(f, "owner_name").map(str::to_owned),
                    owner_email: get(f, "owner_email").map(str::to_owned),
                    assigned_at: get(f, "assigned_at").map(str::to_owned),
                })
            }
            _ => Err(errors),
        }
    }
}

fn required(what: &str) -> String {
    format!("The {what} field is required.")
}

impl Install {
    /// `create-license-keys`: every key of the JSON array not already held is added with the
    /// fields; 900 with the created and duplicate counts, 901 for bad fields, 902 for no keys.
    pub(crate) fn create_keys(&mut self, f: &Fields) -> Answer {
        let keys: Option<Vec<String>> =
            get(f, "license_keys").and_then(|k| serde_json::from_str(k).ok());
        let spec = Spec::read(self, f);
        let (Some(keys), Ok(spec)) = (keys, spec) else {
            return answer(901, "Incorrect data found");
        };
        let (mut created, mut duplicate) = (0, 0);
        for key in keys {
            if key.trim().is_empty() {
                continue;
            }
            if self.licenses.iter().any(|l| l.key == key) {
                duplicate += 1;
                continue;
            }
            let id = self.new_id();
            self.licenses.push(LicenseRecord {
                id,
                key,
                product_id: spec.product_id,
                status: spec.status.clone(),
                owner_name: spec.owner_name.clone(),
                owner_email: spec.owner_email.clone(),
                activation_limit: spec.activation_limit,
                validity: spec.validity,
                assigned_at: spec.assigned_at.clone(),
                expires_at: expiry(spec.assigned_at.as_deref(), spec.validity),
                activations: Vec::new(),
                meta: Vec::new(),
            });
            created += 1;
        }
        if created == 0 && duplicate == 0 {
            return answer(902, "No license keys created");
        }
        answer(900, "License keys creation result")
            .with("created", json!(created))
            .with("duplicate", json!(duplicate))
    }

    /// `update-license-key`: replaces every field of one key (an owner or `assigned_at` left out
    /// is cleared); 950, 951 with the validator's `errors` (as 651 and 751 carry them), 952 for
    /// an unknown key. The expiry is worked out again when the validity or its base changed;
    /// activations and meta stay.
    pub(crate) fn update_key(&mut self, f: &Fields) -> Answer {
        let spec = match Spec::read(self, f) {
            Ok(spec) => spec,
            Err(errors) => {
                return answer(951, "Incorrect data found").with("errors", Value::Object(errors));
            }
        };
        let Some(license) = self.license_index(f).and_then(|i| self.licenses.get_mut(i)) else {
            return answer(952, "License key not found");
        };
        if spec.validity != license.validity || spec.assigned_at != license.assigned_at {
            license.expires_at = expiry(spec.assigned_at.as_deref(), spec.validity);
        }
        license.product_id = spec.product_id;
        license.activation_limit = spec.activation_limit;
        license.validity = spec.validity;
        license.status = spec.status;
        license.owner_name = spec.owner_name;
        license.owner_email = spec.owner_email;
        license.assigned_at = spec.assigned_at;
        answer(950, "License keys updated")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_expiries() {
        assert_eq!(parse_limit("-1"), Some(-1));
        assert_eq!(parse_limit("-2"), None);
        assert_eq!(parse_limit("3"), Some(3));
        assert_eq!(parse_limit("x"), None);
        assert_eq!(expiry(Some("2024-02-27 03:05:31"), 0), None);
        assert_eq!(expiry(None, 30), None);
        // 2024-02-27 03:05:31 UTC + 2 days.
        assert_eq!(
            expiry(Some("2024-02-27 03:05:31"), 2),
            Some(1_709_003_131 + 2 * 86_400)
        );
        assert_eq!(expiry(Some("27/02/2024"), 2), None);
    }
}
