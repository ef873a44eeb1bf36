//! Provider-neutral licensing types: the [`LicenseKey`] model, [`LicenseStatus`],
//! [`ValidationOutcome`], the opaque [`LicenseError`], secret newtypes, an injectable [`Clock`],
//! and the app-side [`LicenseProvider`] and admin [`LicenseAdmin`] traits. No HTTP lives here.
//!
//! ```
//! use keyward_core::{InvalidReason, ValidationOutcome};
//!
//! let outcome = ValidationOutcome::invalid(InvalidReason::Expired, None);
//! assert!(!outcome.is_valid());
//! assert_eq!(outcome.reason().map(ToString::to_string).as_deref(), Some("license has expired"));
//! ```
//!
//! # Feature flags
//!
//! None: this crate does no I/O.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod capabilities;
mod clock;
pub mod de;
mod error;
mod http_details;
mod json;
pub mod jsonapi;
mod lease;
mod model;
mod page;
mod patch;
mod provider;
mod raw;
mod redact;
mod secret;
mod serde_impls;
mod status;
mod validation;

pub use capabilities::Capabilities;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::{ErrorKind, HttpDetails, LicenseError, kind_for_status};
pub use json::decode_json;
pub use lease::Lease;
pub use model::{Customer, Instance, LicenseKey, ProductRef, Provider, PurchaseRefs};
pub use page::{Page, PageToken};
pub use patch::Patch;
pub use provider::{
    ActivateRequest, ActivationOutcome, CreateRequest, DeactivateRequest, InstancesRequest,
    LicenseAdmin, LicenseProvider, ListRequest, UpdateRequest, ValidateRequest,
};
pub use raw::{AttachRaw, RawJson};
pub use redact::{
    MAX_ERROR_BODY_CHARS, MAX_ERROR_DETAIL_BYTES, REDACTED, Redactor, blank_secret_values,
    is_secret_field, mask_uuids, redact_fields, truncate, without_values,
};
pub use secret::{ApiKey, IntoApiKey, SecretLicenseKey};
pub use serde_impls::{InstanceWithSecrets, LicenseKeyWithSecrets, MAX_CUSTOM_PROVIDERS};
pub use status::LicenseStatus;
pub use validation::{InvalidReason, ValidationOutcome};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
