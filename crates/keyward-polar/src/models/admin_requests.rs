//! What the admin endpoints take: the list filters and paging, the update.

use chrono::{DateTime, SecondsFormat, Utc};
use keyward_core::{LicenseError, Patch};
use serde::Serialize;

use super::LicenseKeyStatus;
use crate::ids::invalid;

/// Page size and first page of a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paging {
    pub(crate) limit: u32,
    pub(crate) page: u32,
}

impl Default for Paging {
    fn default() -> Self {
        Self {
            limit: crate::pagination::DEFAULT_LIMIT,
            page: 1,
        }
    }
}

/// Filters and paging of the admin list. The client's organization is always sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct ListLicenseKeys {
    pub(crate) benefit_ids: Vec<String>,
    pub(crate) statuses: Vec<LicenseKeyStatus>,
    pub(crate) paging: Paging,
}

impl ListLicenseKeys {
    /// Every key of the organization, 10 a page, from page 1.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only keys of this benefit (repeat for several).
    pub fn benefit_id(mut self, id: impl Into<String>) -> Self {
        self.benefit_ids.push(id.into());
        self
    }

    /// Only keys in this state (repeat for several).
    pub fn status(mut self, status: LicenseKeyStatus) -> Self {
        self.statuses.push(status);
        self
    }

    /// Items per page, 1 to 100 (clamped).
    pub fn limit(mut self, limit: u32) -> Self {
        self.paging.limit = limit.clamp(1, crate::pagination::MAX_LIMIT);
        self
    }

    /// The page to fetch (1-based; 0 is read as 1); where a walk starts.
    pub fn page(mut self, page: u32) -> Self {
        self.paging.page = page.max(1);
        self
    }
}

/// A change to a key (`LicenseKeyUpdate`): only what is set is sent, so nothing else changes.
///
/// ```
/// use keyward_polar::{LicenseKeyStatus, UpdateLicenseKey};
/// let update = UpdateLicenseKey::new().status(LicenseKeyStatus::Disabled).unlimited_usage();
/// # let _ = update;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[must_use]
pub struct UpdateLicenseKey {
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "status_text"
    )]
    status: Option<LicenseKeyStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<i32>,
    #[serde(skip_serializing_if = "Patch::is_keep")]
    limit_activations: Patch<u32>,
    #[serde(skip_serializing_if = "Patch::is_keep")]
    limit_usage: Patch<u32>,
    #[serde(skip_serializing_if = "Patch::is_keep")]
    expires_at: Patch<String>,
}

fn status_text<S: serde::Serializer>(
    status: &Option<LicenseKeyStatus>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match status {
        Some(status) => s.serialize_str(status.as_str()),
        None => s.serialize_none(),
    }
}

impl UpdateLicenseKey {
    /// Changes nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Grants, revokes or disables the key (Polar also revokes or re-grants the benefit grant).
    pub fn status(mut self, status: LicenseKeyStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Sets the usage count.
    pub fn usage(mut self, usage: i32) -> Self {
        self.usage = Some(usage);
        self
    }

    /// Sets the activation limit (1 or more).
    pub fn limit_activations(mut self, limit: u32) -> Self {
        self.limit_activations = Patch::Set(limit);
        self
    }

    /// Removes the activation limit (`null`: the key can then only be validated).
    pub fn no_activations(mut self) -> Self {
        self.limit_activations = Patch::Clear;
        self
    }

    /// Sets the usage limit (1 or more).
    pub fn limit_usage(mut self, limit: u32) -> Self {
        self.limit_usage = Patch::Set(limit);
        self
    }

    /// Removes the usage limit (`null`).
    pub fn unlimited_usage(mut self) -> Self {
        self.limit_usage = Patch::Clear;
        self
    }

    /// Sets the expiry.
    pub fn expires_at(mut self, at: DateTime<Utc>) -> Self {
        self.expires_at = Patch::Set(at.to_rfc3339_opts(SecondsFormat::Micros, true));
        self
    }

    /// Removes the expiry (`null`: never expires).
    pub fn never_expires(mut self) -> Self {
        self.expires_at = Patch::Clear;
        self
    }

    pub(crate) fn check(&self, operation: &'static str) -> Result<(), LicenseError> {
        for limit in [&self.limit_activations, &self.limit_usage] {
            if let Patch::Set(limit) = limit
                && (*limit == 0 || i32::try_from(*limit).is_err())
            {
                return Err(invalid(
                    operation,
                    "a limit must be between 1 and 2147483647",
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OP: &str = "test";

    #[test]
    fn bodies_send_only_what_is_set() {
        let body = serde_json::to_value(UpdateLicenseKey::new()).unwrap();
        assert_eq!(body, serde_json::json!({}));
        let body = serde_json::to_value(
            UpdateLicenseKey::new()
                .status(LicenseKeyStatus::Revoked)
                .no_activations()
                .limit_usage(5),
        )
        .unwrap();
        assert_eq!(
            body,
            serde_json::json!({"status": "revoked", "limit_activations": null, "limit_usage": 5})
        );
        assert!(UpdateLicenseKey::new().limit_usage(0).check(OP).is_err());
    }
}
