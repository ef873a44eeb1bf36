//! The answer to "is this license good?".

use std::fmt;

use crate::{Instance, Lease, LicenseKey};

/// Why a license is not valid. An invalid license is an answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidReason {
    /// The provider does not know the key.
    NotFound,
    /// The license has expired.
    Expired,
    /// The seller disabled the license.
    Disabled,
    /// The seller revoked the license.
    Revoked,
    /// The license is suspended.
    Suspended,
    /// All activations are in use.
    LimitReached,
    /// The license is for another store, product or variant than this client expects.
    ProductMismatch,
    /// The instance (activation) is unknown or belongs to another license.
    InstanceMismatch,
    /// The license has not been paid for.
    NotPaid,
    /// Any other reason, in the provider's words.
    Other(String),
}

impl fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFound => f.write_str("license key not found"),
            Self::Expired => f.write_str("license has expired"),
            Self::Disabled => f.write_str("license is disabled"),
            Self::Revoked => f.write_str("license has been revoked"),
            Self::Suspended => f.write_str("license is suspended"),
            Self::LimitReached => f.write_str("activation limit reached"),
            Self::ProductMismatch => f.write_str("license is for another product"),
            Self::InstanceMismatch => f.write_str("instance does not belong to this license"),
            Self::NotPaid => f.write_str("license has not been paid for"),
            Self::Other(other) => f.write_str(other),
        }
    }
}

/// The outcome of a validation: `Ok(Valid)` or `Ok(Invalid)`; `Err` means the answer could not be
/// obtained.
///
/// Serializes as `{"outcome": "valid" | "invalid", …}`, the license without its key or raw JSON.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ValidationOutcome {
    /// The license may be used.
    Valid {
        /// The license, as far as the provider described it.
        #[serde(default)]
        license: Option<Box<LicenseKey>>,
        /// The instance the validation was for, when one was given and the provider echoed it.
        #[serde(default)]
        instance: Option<Instance>,
        /// A signed lease, from providers that sign their answers (never serialized: its
        /// proof can hold the key).
        #[serde(skip)]
        lease: Option<Box<Lease>>,
    },
    /// The license may not be used, and why.
    Invalid {
        /// Why not.
        reason: InvalidReason,
        /// The license, when the provider described it despite refusing it.
        #[serde(default)]
        license: Option<Box<LicenseKey>>,
    },
}

impl ValidationOutcome {
    /// A valid outcome.
    pub fn valid(license: Option<LicenseKey>, instance: Option<Instance>) -> Self {
        Self::Valid {
            license: license.map(Box::new),
            instance,
            lease: None,
        }
    }

    /// With a signed lease (for a valid outcome; an invalid one is left as it is).
    #[must_use]
    pub fn with_lease(mut self, new: Lease) -> Self {
        if let Self::Valid { lease, .. } = &mut self {
            *lease = Some(Box::new(new));
        }
        self
    }

    /// The signed lease, when valid and the provider signs its answers.
    pub fn lease(&self) -> Option<&Lease> {
        match self {
            Self::Valid { lease, .. } => lease.as_deref(),
            Self::Invalid { .. } => None,
        }
    }

    /// An invalid outcome.
    pub fn invalid(reason: InvalidReason, license: Option<LicenseKey>) -> Self {
        Self::Invalid {
            reason,
            license: license.map(Box::new),
        }
    }

    /// Whether the license may be used.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid { .. })
    }

    /// Why the license may not be used, if it may not.
    pub fn reason(&self) -> Option<&InvalidReason> {
        match self {
            Self::Valid { .. } => None,
            Self::Invalid { reason, .. } => Some(reason),
        }
    }

    /// The instance the validation was for, when valid and the provider echoed it.
    pub fn instance(&self) -> Option<&Instance> {
        match self {
            Self::Valid { instance, .. } => instance.as_ref(),
            Self::Invalid { .. } => None,
        }
    }

    /// The license, when the provider described it.
    pub fn license(&self) -> Option<&LicenseKey> {
        match self {
            Self::Valid { license, .. } | Self::Invalid { license, .. } => license.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_answer_for_both_outcomes() {
        let valid = ValidationOutcome::valid(None, Some(Instance::new("lki_1")));
        assert!(valid.is_valid() && valid.reason().is_none());
        assert_eq!(valid.instance().map(|i| i.id.as_str()), Some("lki_1"));
        let invalid = ValidationOutcome::invalid(InvalidReason::NotPaid, None);
        assert_eq!(invalid.reason(), Some(&InvalidReason::NotPaid));
        assert!(invalid.instance().is_none() && invalid.license().is_none());
    }
}
