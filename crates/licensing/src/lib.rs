//! One interface over every licensing provider: the [`LicenseProvider`] trait of `license-core`,
//! implemented for Dodo Payments, Lemon Squeezy, DevPayr and GetKeyManager, each provider's JSON
//! mapped into the one [`LicenseKey`] model.
//!
//! Hold a provider as `Box<dyn LicenseProvider>` and switch providers by configuration; ask
//! [`LicenseProvider::capabilities`] what each one can do (an operation a provider lacks answers
//! [`LicenseError::is_unsupported`]).
#![deny(missing_docs)]

mod adapters;
#[cfg(feature = "guard")]
pub mod guard;

pub use adapters::*;
#[cfg(feature = "guard")]
pub use guard::{Guard, Verdict};
pub use license_core::{
    ActivateRequest, ActivationOutcome, ApiKey, Capabilities, Clock, CreateRequest, Customer,
    DeactivateRequest, ErrorKind, FixedClock, Instance, InstancesRequest, InvalidReason,
    LicenseError, LicenseKey, LicenseProvider, LicenseStatus, ListRequest, Page, PageToken, Patch,
    ProductRef, Provider, PurchaseRefs, SecretLicenseKey, SystemClock, UpdateRequest,
    ValidateRequest, ValidationOutcome,
};
