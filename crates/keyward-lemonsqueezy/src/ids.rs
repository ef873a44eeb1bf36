//! Id newtypes. Lemon Squeezy sends resource ids as strings (`"536156"`) and `*_id` attributes as
//! numbers (`536156`); every numeric id here accepts both and is written as digits.

use std::fmt;
use std::str::FromStr;

use serde::de::Deserializer;
use serde::{Deserialize, Serialize, Serializer};

macro_rules! numeric_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// Deserializes from a JSON number or a string of digits; serializes as a number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl $name {
            /// The numeric value.
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl From<u64> for $name {
            fn from(value: u64) -> Self {
                Self(value)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.trim().parse().map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_u64(self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                keyward_core::de::uint(deserializer).map(Self)
            }
        }
    };
}

numeric_id!(
    /// A license key's id (`data.id` of a `license-keys` resource, `license_key.id` of the
    /// License API).
    LicenseKeyId
);
numeric_id!(
    /// The numeric id of a `license-key-instances` resource (not the UUID the License API
    /// calls `instance_id`; that one is [`InstanceId`]).
    LicenseKeyInstanceId
);
numeric_id!(
    /// A store's id.
    StoreId
);
numeric_id!(
    /// A product's id.
    ProductId
);
numeric_id!(
    /// A product variant's id.
    VariantId
);
numeric_id!(
    /// An order's id.
    OrderId
);
numeric_id!(
    /// An order item's id.
    OrderItemId
);
numeric_id!(
    /// A customer's id.
    CustomerId
);

/// The UUID of one activation, as the License API returns it from `activate` (`instance.id`) and
/// takes it in `validate`/`deactivate` (`instance_id`). The same value is the `identifier`
/// attribute of a `license-key-instances` resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct InstanceId(pub String);

impl InstanceId {
    /// Wraps an instance id.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InstanceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for InstanceId {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for InstanceId {
    fn from(value: String) -> Self {
        Self(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_accept_strings_and_numbers() {
        let a: LicenseKeyId = serde_json::from_str("\"536156\"").unwrap();
        let b: LicenseKeyId = serde_json::from_str("536156").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.to_string(), "536156");
        assert_eq!(serde_json::to_string(&a).unwrap(), "536156");
        assert!(serde_json::from_str::<StoreId>("\"abc\"").is_err());
        assert!(serde_json::from_str::<StoreId>("-1").is_err());
        assert!(serde_json::from_str::<StoreId>("1.5").is_err());
    }
}
