//! What the key endpoints take: validate and activate options, the deactivate body.

use std::collections::BTreeMap;

use keyward_core::LicenseError;
use serde::Serialize;
use serde_json::Value;

use crate::ids::{invalid, require_uuid};

/// Polar's bounds on `conditions` and `meta` (OAS): at most 50 pairs, keys of 1 to 40
/// characters, text values of 1 to 500 characters.
const MAX_PAIRS: usize = 50;
const MAX_KEY_CHARS: usize = 40;
const MAX_TEXT_CHARS: usize = 500;

/// Checks a `conditions` or `meta` object against Polar's bounds and value types (string,
/// integer, number or boolean).
fn check_pairs(
    operation: &'static str,
    what: &str,
    pairs: &BTreeMap<String, Value>,
) -> Result<(), LicenseError> {
    if pairs.len() > MAX_PAIRS {
        return Err(invalid(
            operation,
            &format!("{what} has more than {MAX_PAIRS} entries"),
        ));
    }
    for (key, value) in pairs {
        let chars = key.chars().count();
        if chars == 0 || chars > MAX_KEY_CHARS {
            return Err(invalid(
                operation,
                &format!("a {what} name must have 1 to {MAX_KEY_CHARS} characters"),
            ));
        }
        let fits = match value {
            Value::String(text) => (1..=MAX_TEXT_CHARS).contains(&text.chars().count()),
            Value::Number(_) | Value::Bool(_) => true,
            Value::Null | Value::Array(_) | Value::Object(_) => false,
        };
        if !fits {
            return Err(invalid(
                operation,
                &format!(
                    "{what} {key:?}: values are text (1 to {MAX_TEXT_CHARS} characters), numbers or booleans"
                ),
            ));
        }
    }
    Ok(())
}

/// Options of validate: the activation (device) to check, scoping filters, conditions, and
/// usage to count.
///
/// ```
/// use keyward_polar::ValidateLicenseKey;
/// let options = ValidateLicenseKey::new()
///     .activation_id("b6724bc8-7ad9-4ca0-b143-7c896fcbb6fe")
///     .condition("major_version", 1);
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[must_use]
pub struct ValidateLicenseKey {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) activation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) benefit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) customer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) increment_usage: Option<u32>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) conditions: BTreeMap<String, Value>,
}

impl ValidateLicenseKey {
    /// Validates the key alone; counts no usage.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also checks this activation exists on the key (and its conditions, when it has some).
    pub fn activation_id(mut self, id: impl Into<String>) -> Self {
        self.activation_id = Some(id.into());
        self
    }

    /// Refuses a key of another benefit (a product tier).
    pub fn benefit_id(mut self, id: impl Into<String>) -> Self {
        self.benefit_id = Some(id.into());
        self
    }

    /// Refuses a key of another customer.
    pub fn customer_id(mut self, id: impl Into<String>) -> Self {
        self.customer_id = Some(id.into());
        self
    }

    /// Counts `usage` uses on success (refused with 400 when fewer are left). A validate that
    /// counts usage is never retried after an ambiguous failure.
    pub fn increment_usage(mut self, usage: u32) -> Self {
        self.increment_usage = Some(usage);
        self
    }

    /// A condition the activation was created with (string, number or boolean).
    pub fn condition(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.conditions.insert(name.into(), value.into());
        self
    }

    /// Whether sending this twice spends nothing (no usage counted).
    pub(crate) fn spends_nothing(&self) -> bool {
        self.increment_usage.unwrap_or(0) == 0
    }

    /// The options with the ids checked and canonical.
    pub(crate) fn checked(&self, operation: &'static str) -> Result<Self, LicenseError> {
        let canonical = |what, id: &Option<String>| {
            id.as_deref()
                .map(|id| require_uuid(operation, what, id))
                .transpose()
        };
        check_pairs(operation, "condition", &self.conditions)?;
        if self
            .increment_usage
            .is_some_and(|n| i32::try_from(n).is_err())
        {
            return Err(invalid(
                operation,
                "increment_usage is larger than the API accepts",
            ));
        }
        Ok(Self {
            activation_id: canonical("activation id", &self.activation_id)?,
            benefit_id: canonical("benefit id", &self.benefit_id)?,
            customer_id: canonical("customer id", &self.customer_id)?,
            increment_usage: self.increment_usage,
            conditions: self.conditions.clone(),
        })
    }
}

/// What activate sends besides the key: a label (required), conditions that validate must
/// repeat, and metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[must_use]
pub struct ActivateLicenseKey {
    pub(crate) label: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) conditions: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) meta: BTreeMap<String, Value>,
}

impl ActivateLicenseKey {
    /// An activation labelled `label` (a device name).
    pub fn new(label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            conditions: BTreeMap::new(),
            meta: BTreeMap::new(),
        }
    }

    /// A condition validate must send back unchanged for this activation to stay valid.
    pub fn condition(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.conditions.insert(name.into(), value.into());
        self
    }

    /// Metadata kept with the activation and returned by Polar.
    pub fn meta(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.meta.insert(name.into(), value.into());
        self
    }

    pub(crate) fn check(&self, operation: &'static str) -> Result<(), LicenseError> {
        if self.label.trim().is_empty() {
            return Err(invalid(operation, "the activation label is empty"));
        }
        check_pairs(operation, "condition", &self.conditions)?;
        check_pairs(operation, "meta", &self.meta)
    }
}

/// The deactivate body.
#[derive(Serialize)]
pub(crate) struct DeactivateBody<'a> {
    pub(crate) key: &'a str,
    pub(crate) organization_id: &'a str,
    pub(crate) activation_id: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: &str = "test";

    #[test]
    fn pairs_are_checked() {
        assert!(
            ActivateLicenseKey::new("laptop")
                .meta("ip", "1.2.3.4")
                .check(OP)
                .is_ok()
        );
        assert!(ActivateLicenseKey::new(" ").check(OP).is_err());
        assert!(ActivateLicenseKey::new("x").meta("", 1).check(OP).is_err());
        assert!(
            ActivateLicenseKey::new("x")
                .meta("k", "")
                .check(OP)
                .is_err()
        );
        assert!(
            ActivateLicenseKey::new("x")
                .condition("k", Value::Null)
                .check(OP)
                .is_err()
        );
        let many = (0..51).fold(ActivateLicenseKey::new("x"), |a, i| {
            a.meta(format!("k{i}"), i)
        });
        assert!(many.check(OP).is_err());
        let bad = ValidateLicenseKey::new()
            .activation_id("device-1")
            .checked(OP)
            .unwrap_err();
        assert!(bad.is_invalid_input() && bad.to_string().contains("activation id"));
        assert!(ValidateLicenseKey::new().spends_nothing());
        assert!(
            !ValidateLicenseKey::new()
                .increment_usage(1)
                .spends_nothing()
        );
    }
}
