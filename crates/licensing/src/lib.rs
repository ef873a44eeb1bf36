//! One interface over every licensing provider: the [`LicenseProvider`] trait of `license-core`,
//! implemented for Dodo Payments, Lemon Squeezy, DevPayr and GetKeyManager, each provider's JSON
//! mapped into the one [`LicenseKey`] model.
//!
//! Hold a provider as `Box<dyn LicenseProvider>` and switch providers by configuration; ask
//! [`LicenseProvider::capabilities`] what each one can do (an operation a provider lacks answers
//! [`LicenseError::is_unsupported`]).
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod adapters;
#[cfg(feature = "blocking")]
pub mod blocking;
pub mod events;
#[cfg(feature = "guard")]
pub mod guard;
pub mod migration;

pub use adapters::*;
pub use events::{EventKind, EventRejection, LicenseEvent};
#[cfg(feature = "guard")]
pub use guard::{Guard, Verdict};
pub use migration::MigrationWindow;

/// Each provider's models mapped into the neutral ones: pure functions, no I/O, the same names
/// in every provider (`license`, `instance`, `status`, …). The providers use them; they are
/// public for apps that decode a provider's JSON themselves (a webhook, a stored body).
pub mod mapping {
    #[cfg(feature = "devpayr")]
    pub use crate::adapters::devpayr::mapping as devpayr;
    #[cfg(feature = "dodo")]
    pub use crate::adapters::dodo::mapping as dodo;
    #[cfg(feature = "lemonsqueezy")]
    pub use crate::adapters::lemonsqueezy::mapping as lemonsqueezy;
    #[cfg(feature = "signed-license")]
    pub use crate::adapters::signed_license::mapping as signed_license;
}

pub use license_core::{
    ActivateRequest, ActivationOutcome, ApiKey, Capabilities, Clock, CreateRequest, Customer,
    DeactivateRequest, ErrorKind, FixedClock, Instance, InstancesRequest, InvalidReason,
    LicenseError, LicenseKey, LicenseProvider, LicenseStatus, ListRequest, Page, PageToken, Patch,
    ProductRef, Provider, PurchaseRefs, SecretLicenseKey, SystemClock, UpdateRequest,
    ValidateRequest, ValidationOutcome,
};
