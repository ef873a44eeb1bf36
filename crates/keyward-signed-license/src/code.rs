//! The response-code table of GetKeyManager's answers as a typed enum.
//!
//! Codes are not unique across endpoints (201 is "not assigned" for `verify` and for license
//! meta; 740 is reused): a variant is named after its main meaning, and a caller interprets a code
//! together with the call it made.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// How a code is to be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CodeClass {
    /// The operation was done, or the data was found.
    Success,
    /// A definite "no" about the license or resource (invalid, expired, not found, limit
    /// reached): an answer, not a failure.
    Refusal,
    /// The request could not be served: credentials, permissions, invalid input, missing
    /// product or configuration.
    Error,
}

macro_rules! codes {
    ($( $num:literal => $variant:ident, $class:ident, $doc:literal; )*) => {
        /// A GetKeyManager response code. Unknown codes keep their number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ResponseCode {
            $( #[doc = $doc] $variant, )*
            /// A code this crate does not know.
            Unknown(u32),
        }

        impl ResponseCode {
            /// The code for a number.
            pub fn from_u32(code: u32) -> Self {
                match code {
                    $( $num => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }

            /// The number.
            pub fn as_u32(self) -> u32 {
                match self {
                    $( Self::$variant => $num, )*
                    Self::Unknown(other) => other,
                }
            }

            /// Success, refusal or error. Unknown codes count as errors.
            pub fn class(self) -> CodeClass {
                match self {
                    $( Self::$variant => CodeClass::$class, )*
                    Self::Unknown(_) => CodeClass::Error,
                }
            }
        }
    };
}

codes! {
    100 => InvalidApiKey, Error, "100 Invalid API Key (HTTP 401).";
    101 => InactiveApiKey, Error, "101 Inactive API Key (HTTP 401).";
    102 => MissingCapability, Error, "102 The API key lacks the capability for this endpoint (HTTP 401).";
    103 => WrongIp, Error, "103 The API key can't be used from this IP address (HTTP 401).";
    150 => AccessDenied, Error, "150 Access denied: blocked IP or identifier (HTTP 403).";
    200 => ValidLicenseKey, Success, "200 Valid license key.";
    201 => LicenseKeyNotAssigned, Refusal, "201 This license key is not assigned.";
    202 => NoActivation, Refusal, "202 No activation found for this license key/identifier combination.";
    203 => ProductInactive, Refusal, "203 The license key's product is not active or doesn't exist.";
    204 => LicenseKeyBlocked, Refusal, "204 License key blocked.";
    205 => LicenseKeyExpired, Refusal, "205 License key expired.";
    206 => EnvatoPurchaseCodeAdded, Refusal, "206 Envato purchase code added.";
    210 => InvalidLicenseKey, Refusal, "210 Invalid license key.";
    215 => IdentifierRequired, Error, "215 Identifier is required.";
    250 => LicenseMetaKeyRequiredOnDelete, Error, "250 Meta key is required (delete license key meta).";
    251 => LicenseMetaKeyMissingOnDelete, Refusal, "251 Meta key doesn't exist (delete license key meta).";
    252 => LicenseMetaDeleted, Success, "252 Metadata deleted.";
    270 => ProductMetaKeyRequired, Error, "270 Meta key is required (create product meta).";
    271 => ProductMetaValueRequired, Error, "271 Meta value is required (create product meta).";
    272 => ProductMetaKeyExists, Refusal, "272 Meta key already exists (create product meta).";
    273 => ProductMetaCreated, Success, "273 Product meta created.";
    274 => ProductMetaProductNotFound, Error, "274 Product not found (create product meta).";
    300 => LicenseKeyActivated, Success, "300 License key activated.";
    301 => LicenseKeyAlreadyActive, Refusal, "301 License key already active.";
    302 => ActivationLimitReached, Refusal, "302 License key reached activation limit.";
    350 => LicenseMetaKeyRequiredOnUpdate, Error, "350 Meta key is required (update license key meta).";
    351 => LicenseMetaValueRequiredOnUpdate, Error, "351 Meta value is required (update license key meta).";
    352 => LicenseMetaKeyMissingOnUpdate, Refusal, "352 Meta key doesn't exist (update license key meta).";
    353 => LicenseMetaUpdated, Success, "353 Metadata updated.";
    370 => ProductMetaKeyRequiredOnUpdate, Error, "370 Meta key is required (update product meta).";
    371 => ProductMetaValueRequiredOnUpdate, Error, "371 Meta value is required (update product meta).";
    372 => ProductMetaKeyMissingOnUpdate, Refusal, "372 Meta key doesn't exist (update product meta).";
    373 => ProductMetaUpdated, Success, "373 Product meta updated.";
    374 => ProductMetaProductNotFoundOnUpdate, Error, "374 Product not found (update product meta).";
    400 => LicenseKeyDeactivated, Success, "400 License key deactivated (sent as the string \"400\").";
    401 => LicenseKeyAlreadyInactive, Refusal, "401 License key already inactive.";
    450 => LicenseMetaKeyRequired, Error, "450 Meta key is required (create license key meta).";
    451 => LicenseMetaValueRequired, Error, "451 Meta value is required (create license key meta).";
    452 => LicenseMetaKeyExists, Refusal, "452 Meta key already exists (create license key meta).";
    453 => LicenseMetaCreated, Success, "453 Metadata created.";
    480 => ProductMetaKeyRequiredOnDelete, Error, "480 Meta key is required (delete product meta).";
    481 => ProductMetaKeyMissingOnDelete, Refusal, "481 Meta key doesn't exist (delete product meta).";
    482 => ProductMetaDeleted, Success, "482 Product meta deleted.";
    483 => ProductMetaProductNotFoundOnDelete, Error, "483 Product not found (delete product meta).";
    500 => ActiveLicenseKeyFound, Success, "500 Active license key found.";
    501 => LicenseKeyNotFound, Refusal, "501 License key not found.";
    502 => LicenseFileRetrieved, Success, "502 License file retrieved successfully.";
    503 => LicenseFileFailed, Error, "503 Failed to generate license file.";
    550 => ProductDeleted, Success, "550 Product deleted.";
    551 => ProductNotFoundOnDelete, Refusal, "551 Product not found (delete product).";
    600 => Downloads, Success, "600 Downloads.";
    631 => ProductRetrieved, Success, "631 Product information retrieved successfully.";
    632 => PublicKeyRetrieved, Success, "632 Public key retrieved successfully.";
    633 => PublicKeyNotAvailable, Error, "633 Public key not available for product.";
    650 => ProductUpdated, Success, "650 Product updated.";
    651 => ProductUpdateInvalid, Error, "651 Incorrect data found (update product).";
    700 => FileNotFound, Refusal, "700 The requested file doesn't exist.";
    701 => FileForbidden, Refusal, "701 You don't have permission to access it.";
    730 => LicenseKeys, Success, "730 License keys.";
    740 => ProductDoesNotExist, Error, "740 Product doesn't exist.";
    741 => AvailableLicenseKeysCount, Success, "741 Available license keys count.";
    750 => ProductCreated, Success, "750 Product created.";
    751 => ProductCreateInvalid, Error, "751 Incorrect data found (create product).";
    800 => LicenseKeyAssigned, Success, "800 License key assigned.";
    801 => InvalidOrAlreadyAssigned, Refusal, "801 Invalid or already assigned license key.";
    802 => InsufficientLicenseKeys, Refusal, "802 Insufficient license keys.";
    803 => LicenseKeysAssigned, Success, "803 License keys assigned.";
    805 => RandomAssignProductNotFound, Error, "805 Product not found (random assign).";
    806 => GeneratorNotFound, Error, "806 Generator not found.";
    807 => RequestQueued, Success, "807 Request Queued.";
    810 => AllProducts, Success, "810 All products.";
    815 => GeneratedLicenseKeys, Success, "815 Generated license keys.";
    820 => AllGenerators, Success, "820 All generators.";
    825 => ContractInvalid, Error, "825 Incorrect data found (contracts).";
    830 => TelemetrySaved, Success, "830 Correct format data saved.";
    831 => TelemetrySavedWithErrors, Success, "831 Incorrect format data saved (stored and red-flagged).";
    841 => ContractCreated, Success, "841 contract created.";
    842 => ContractUpdated, Success, "842 contract updated.";
    843 => ContractDeleted, Success, "843 contract deleted.";
    844 => ContractNotFound, Refusal, "844 Contract not found.";
    846 => AllContracts, Success, "846 All contracts.";
    850 => LicenseKeyDeleted, Success, "850 License key deleted.";
    851 => LicenseKeyNotFoundOnDelete, Refusal, "851 License key not found (delete).";
    900 => LicenseKeysCreated, Success, "900 License keys creation result.";
    901 => LicenseKeysCreateInvalid, Error, "901 Incorrect data found (create license keys).";
    902 => NoLicenseKeysCreated, Refusal, "902 No license keys created.";
    950 => LicenseKeyUpdated, Success, "950 License keys updated.";
    951 => LicenseKeyUpdateInvalid, Error, "951 Incorrect data found (update license key).";
    952 => LicenseKeyNotFoundOnUpdate, Refusal, "952 License key not found (update).";
    970 => TelemetryDataFound, Success, "970 Telemetry data found.";
    1200 => LegacyContractNotFound, Refusal, "1200 Contract not found (legacy contract API).";
    1202 => LegacyProductNotFound, Error, "1202 Product not found (legacy contract API).";
    1203 => LegacyGeneratorNotFound, Error, "1203 Generator not found (legacy contract API).";
    1204 => LegacyContractFound, Success, "1204 Contract found.";
    1205 => LegacyLicenseKeysLimitReached, Refusal, "1205 License keys limit reached.";
    1206 => LegacyCannotGenerateQuantity, Refusal, "1206 Cannot generate this quantity.";
    1300 => LegacyLicenseKeysGenerated, Success, "1300 Contract license keys generated.";
    1400 => LegacyLicenseKeyDeleted, Success, "1400 License key deleted (legacy contract API).";
    1401 => LegacyLicenseKeyNotFound, Refusal, "1401 License key not found (legacy contract API).";
    1500 => LegacyLicenseKeysDeleted, Success, "1500 License keys deleted.";
    1501 => LegacyNoLicenseKeysFound, Refusal, "1501 No license keys found.";
    1600 => ChangelogRetrieved, Success, "1600 Changelog retrieved successfully.";
    1601 => ChangelogDisabled, Error, "1601 Changelog feature is disabled globally.";
    1602 => ChangelogNotEnabled, Error, "1602 Changelog not enabled for this product.";
}

impl ResponseCode {
    /// Whether the code says the operation was done.
    pub fn is_success(self) -> bool {
        self.class() == CodeClass::Success
    }

    /// Whether the code is about the API key or the caller's access (100–103, 150).
    pub fn is_access_error(self) -> bool {
        matches!(self.as_u32(), 100..=103 | 150)
    }
}

impl fmt::Display for ResponseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.as_u32())
    }
}

impl Serialize for ResponseCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.as_u32())
    }
}

impl<'de> Deserialize<'de> for ResponseCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CodeVisitor)
    }
}

/// Reads an integer or a numeric string (`deactivate` sends `"400"`).
struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = ResponseCode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer code or a numeric string")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ResponseCode, E> {
        u32::try_from(v)
            .map(ResponseCode::from_u32)
            .map_err(|_| E::custom("code out of range"))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ResponseCode, E> {
        u32::try_from(v)
            .map(ResponseCode::from_u32)
            .map_err(|_| E::custom("code out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ResponseCode, E> {
        v.trim()
            .parse::<u32>()
            .map(ResponseCode::from_u32)
            .map_err(|_| E::custom("code is not a number"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_classify() {
        assert_eq!(
            ResponseCode::from_u32(400),
            ResponseCode::LicenseKeyDeactivated
        );
        assert_eq!(ResponseCode::from_u32(4242), ResponseCode::Unknown(4242));
        assert_eq!(ResponseCode::Unknown(4242).as_u32(), 4242);
        assert_eq!(ResponseCode::InvalidLicenseKey.class(), CodeClass::Refusal);
        assert_eq!(ResponseCode::InvalidApiKey.class(), CodeClass::Error);
        assert!(ResponseCode::LicenseKeyActivated.is_success());
        for n in 0..2000 {
            assert_eq!(ResponseCode::from_u32(n).as_u32(), n);
        }
    }

    #[test]
    fn code_reads_int_or_numeric_string() {
        let a: ResponseCode = serde_json::from_str("\"400\"").unwrap();
        let b: ResponseCode = serde_json::from_str("400").unwrap();
        assert_eq!(a, b);
        assert!(serde_json::from_str::<ResponseCode>("\"four\"").is_err());
        assert!(serde_json::from_str::<ResponseCode>("-1").is_err());
    }
}
