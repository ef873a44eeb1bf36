//! A client for the license-key API of [Polar](https://polar.sh).
//!
//! - public endpoints, no token sent (safe in a shipped app; scoped by the organization id):
//!   [`Licenses::validate`], [`Licenses::activate`], [`Licenses::deactivate`];
//! - admin endpoints (organization access token): [`LicenseKeys`] (list with page walking,
//!   retrieve with activations, update status/usage/limits/expiry, retrieve an activation);
//! - [`webhooks`]: signatures under both of Polar's key derivations, and the `benefit_grant.*`
//!   events that carry license keys.
//!
//! Every request pins the API version ([`API_VERSION`], sent as `Polar-Version`).
//!
//! Errors are [`LicenseError`]. Polar refuses an unusable key with a 404 (or a 403 on
//! activate) whose `detail` names the rule; [`PolarErrorExt::polar_refusal`] reads it as a
//! typed [`Refusal`].
//!
//! ```no_run
//! use keyward_polar::{ActivateLicenseKey, Client, SecretLicenseKey, ValidateLicenseKey};
//!
//! # async fn run() -> Result<(), keyward_polar::LicenseError> {
//! let client = Client::builder()
//!     .organization_id("fda84e25-7b55-4d67-916d-60ead04ff61f")
//!     .build()?;
//! let key = SecretLicenseKey::new("1C285B2D-6CE6-4BC7-B8BE-ADB6A7E304DA");
//! let activated = client
//!     .licenses()
//!     .activate(&key, &ActivateLicenseKey::new("Ada's laptop"))
//!     .await?;
//! let id = activated.activation.id;
//! let options = ValidateLicenseKey::new().activation_id(&id);
//! client.licenses().validate(&key, &options).await?;
//! client.licenses().deactivate(&key, &id).await?;
//! # Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! - `rustls` (default): TLS through rustls, with aws-lc-rs.
//! - `native-tls`: TLS through the platform's library; with `default-features = false` it
//!   replaces rustls.
//! - `http2`: HTTP/2, offered over TLS (ALPN). Off by default.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod ids;
mod license_keys;
mod licenses;
pub mod models;
mod pagination;
pub mod webhooks;

pub use client::{
    API_KEY_ENV, API_VERSION, BASE_URL_ENV, Client, ClientBuilder, Environment, ORGANIZATION_ID_ENV,
};
pub use error::{PolarErrorExt, Refusal};
pub use keyward_core::{ApiKey, LicenseError, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use license_keys::LicenseKeys;
pub use licenses::Licenses;
pub use models::{
    ActivateLicenseKey, ActivatedLicenseKey, Activation, CustomerType, LicenseKey,
    LicenseKeyCustomer, LicenseKeyStatus, LicenseKeyWithActivations, ListLicenseKeys, Pagination,
    UpdateLicenseKey, ValidateLicenseKey, ValidatedLicenseKey,
};
pub use pagination::{DEFAULT_LIMIT, MAX_LIMIT, Page};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
