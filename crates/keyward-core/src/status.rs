//! The normalized license status.

use std::fmt;

/// Where a license stands. Providers' own values map onto these; a value no mapping knows is kept
/// as [`LicenseStatus::Other`], so a new provider status never breaks a caller.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LicenseStatus {
    /// Usable (and, for providers that distinguish, activated at least once).
    Active,
    /// Issued but not yet activated, or otherwise not in use.
    Inactive,
    /// Past its expiry date.
    Expired,
    /// Turned off by the seller; may be turned on again.
    Disabled,
    /// Withdrawn by the seller.
    Revoked,
    /// Suspended (for example a failed subscription payment).
    Suspended,
    /// A value this library does not know, as the provider sent it.
    Other(String),
}

impl LicenseStatus {
    /// Maps a provider's status word (case-insensitive) onto a status; unknown words become
    /// [`LicenseStatus::Other`] with the original text.
    pub fn parse(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "active" | "enabled" | "valid" => Self::Active,
            "inactive" | "unused" | "available" | "pending" => Self::Inactive,
            "expired" => Self::Expired,
            "disabled" | "blocked" => Self::Disabled,
            "revoked" | "cancelled" | "canceled" => Self::Revoked,
            "suspended" => Self::Suspended,
            _ => Self::Other(value.to_owned()),
        }
    }

    /// A lower-case name for the status (the provider's own word for [`LicenseStatus::Other`]).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Expired => "expired",
            Self::Disabled => "disabled",
            Self::Revoked => "revoked",
            Self::Suspended => "suspended",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for LicenseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_values() {
        assert_eq!(LicenseStatus::parse("ACTIVE"), LicenseStatus::Active);
        assert_eq!(LicenseStatus::parse("revoked"), LicenseStatus::Revoked);
        assert_eq!(
            LicenseStatus::parse("on_hold"),
            LicenseStatus::Other("on_hold".into())
        );
        assert_eq!(
            LicenseStatus::Other("on_hold".into()).to_string(),
            "on_hold"
        );
    }
}
