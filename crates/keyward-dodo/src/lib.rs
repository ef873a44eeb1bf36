//! A client for the license-key API of [Dodo Payments](https://dodopayments.com).
//!
//! - public endpoints, no API key sent: [`Licenses::activate`], [`Licenses::validate`],
//!   [`Licenses::deactivate`];
//! - admin endpoints (bearer API key): [`LicenseKeys`] (create/import, retrieve, list, update) and
//!   [`LicenseKeyInstances`] (retrieve, list, rename), with explicit page-number pagination and a
//!   stream over every page (list, retrieve and update are deprecated by Dodo);
//! - entitlements (bearer API key), the successor of the deprecated key endpoints:
//!   [`Entitlements`] (list, retrieve, an entitlement's grants, revoke a grant) and [`Grants`]
//!   (deliver a key to a pending grant, a customer's grants);
//! - [`webhooks`]: Standard Webhooks signature verification and the `license_key.created` and
//!   `entitlement_grant.*` events.
//!
//! Errors are [`LicenseError`]; [`DodoErrorExt`] adds Dodo's error code and
//! predicates such as [`is_activation_limit_reached`](DodoErrorExt::is_activation_limit_reached).
//! An invalid license is `Ok(Validation { valid: false })`, not an error.
//!
//! ```no_run
//! use keyward_dodo::{Client, Environment};
//! use keyward_dodo::SecretLicenseKey;
//!
//! # async fn run() -> Result<(), keyward_dodo::LicenseError> {
//! let client = Client::builder().environment(Environment::TestMode).build()?;
//! let key = SecretLicenseKey::new("2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43");
//! let instance = client.licenses().activate(&key, "Ada's laptop").await?;
//! assert!(client.licenses().validate(&key, Some(&instance.id)).await?.valid);
//! client.licenses().deactivate(&key, &instance.id).await?;
//! # Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! - `rustls` (default): TLS through rustls, with aws-lc-rs.
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux, Secure Transport on
//!   macOS, SChannel on Windows). With `default-features = false` it replaces rustls, and no
//!   rustls is built; with both on, the platform's library is used.
//! - `http2`: HTTP/2, offered to the server over TLS (ALPN). Off by default: the API is served over
//!   HTTP/1.1 as well, and HTTP/2 adds about 0.7 MB to a stripped app.
//!
//! With neither TLS feature, only plain `http` to loopback works (the emulators). The proxy (the
//! system's by default: `HTTPS_PROXY`, `NO_PROXY`, …), turning it off, and extra root
//! certificates are [`HttpOptions`] settings.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod catalogue;
mod client;
mod entitlements;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod grants;
mod instances;
mod license_keys;
mod licenses;
pub mod models;
mod pagination;
pub mod webhooks;

pub use catalogue::Catalogue;
pub use client::{API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, Environment};
pub use entitlements::Entitlements;
pub use error::{DodoErrorExt, ErrorCode};
pub use grants::Grants;
pub use instances::LicenseKeyInstances;
pub use keyward_core::{ApiKey, LicenseError, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use license_keys::LicenseKeys;
pub use licenses::Licenses;
pub use models::{
    Activation, ActivationCustomer, ActivationProduct, LicenseKey, LicenseKeyInstance,
    LicenseKeySource, LicenseKeyStatus, Validation,
};
pub use models::{
    CreateLicenseKey, DeliverLicenseKey, ListCustomerGrants, ListEntitlements, ListGrants,
    ListInstances, ListLicenseKeys, UpdateLicenseKey,
};
pub use models::{
    Entitlement, EntitlementGrant, FulfillmentMode, GrantStatus, IntegrationType, LicenseKeyConfig,
    LicenseKeyGrant, TimeInterval,
};
pub use pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
