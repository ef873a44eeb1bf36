//! Lemon Squeezy license keys: the JSON:API resources `license-keys` and
//! `license-key-instances` (bearer API key), the public License API (activate, validate,
//! deactivate; no key), and the `license_key_*` webhooks.
//!
//! Built for what the live API sends: `disabled` as a boolean or `0/1`, ids as strings or
//! numbers, `null` limits and counts, `test_mode`. A refused license is an answer
//! ([`LicenseAnswer`] with a [`Refusal`]), not an error; `Err` means no verdict was obtained.
//!
//! ```no_run
//! use keyward_lemonsqueezy::{Client, SecretLicenseKey};
//!
//! # async fn run() -> Result<(), keyward_lemonsqueezy::LicenseError> {
//! // Keys of any other product are refused even when Lemon Squeezy says they are valid.
//! let client = Client::builder().expect_store(1).expect_product(4).build()?;
//! let key = SecretLicenseKey::new("38b1460a-5104-4067-a91d-77b872934d51");
//!
//! let activation = client.licenses().activate(&key, "build-server-7").await?;
//! if let Some(refusal) = activation.refusal() {
//!     eprintln!("not activated: {refusal}");
//!     return Ok(());
//! }
//! let instance = activation.instance_id().cloned().expect("activate returns an instance");
//! let check = client.licenses().validate(&key, Some(&instance)).await?;
//! assert!(check.is_accepted());
//! client.licenses().deactivate(&key, &instance).await?;
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

mod client;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
mod ids;
mod instances;
mod license_keys;
mod licenses;
pub mod models;
mod pagination;
pub mod webhooks;

pub use client::{
    API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, JSON_API, ProductBinding,
};
pub use ids::{
    CustomerId, InstanceId, LicenseKeyId, LicenseKeyInstanceId, OrderId, OrderItemId, ProductId,
    StoreId, VariantId,
};
pub use instances::{LicenseKeyInstances, ListLicenseKeyInstances};
pub use keyward_core::{ApiKey, LicenseError, Patch, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use license_keys::{LicenseKeys, ListLicenseKeys};
pub use licenses::Licenses;
pub use models::{LicenseAnswer, Refusal};
pub use pagination::Listing;

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
