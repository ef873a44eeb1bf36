//! A client for the license API of [Creem](https://creem.io), **for servers**.
//!
//! Every Creem license endpoint needs the secret API key (`x-api-key`), so nothing here may run
//! in a shipped app: an app asks its seller's backend, which holds this client.
//!
//! - [`Licenses::activate`], [`Licenses::validate`], [`Licenses::deactivate`], and a customer's
//!   licenses ([`Licenses::list_for_customer`], [`Licenses::list_all_for_customer`]);
//! - [`webhooks`]: the `creem-signature` check (hex HMAC-SHA256 of the raw body) and the event
//!   envelope.
//!
//! Creem's documents contradict each other on error statuses and on the shape of `instance`;
//! both readings decode (see [`models`] and [`Refusal`]).
//!
//! ```no_run
//! use keyward_creem::{Client, SecretLicenseKey};
//!
//! # async fn run() -> Result<(), keyward_creem::LicenseError> {
//! let client = Client::from_env()?; // CREEM_API_KEY, on your server
//! let key = SecretLicenseKey::new("ABC123-XYZ456-XYZ456-XYZ456");
//! let license = client.licenses().activate(&key, "johns-macbook-pro").await?;
//! let instance = license.instance.map(|i| i.id).unwrap_or_default();
//! let now = client.licenses().validate(&key, &instance).await?;
//! println!("{}", now.status.as_str());
//! # Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! - `rustls` (default), `native-tls`, `http2`: as in every keyward provider crate.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod licenses;
pub mod models;
pub mod webhooks;

pub use client::{API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, Environment};
pub use error::{CreemErrorExt, Refusal};
pub use keyward_core::{ApiKey, LicenseError, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use licenses::{DEFAULT_PAGE_SIZE, Licenses, Page};
pub use models::{
    EnvironmentMode, InstanceStatus, License, LicenseInstance, LicenseStatus, Pagination,
};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
