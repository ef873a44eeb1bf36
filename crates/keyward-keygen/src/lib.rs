//! Keygen (keygen.sh) licensing: license validation (by key with no credential, by id with a
//! scope), machines (activate, deactivate, list, heartbeats), licenses (read, list, create,
//! update, suspend, reinstate, renew, revoke), and everything Keygen signs, verified before it
//! is read: response signatures, webhooks, signed keys, license files and machine files (Ed25519,
//! RSA and ECDSA: [`AccountKeys`]).
//!
//! An invalid license is an answer ([`Validation`] with `valid: false` and a
//! [`ValidationCode`]); `Err` means no verdict was obtained. With the account's public key set,
//! an answer whose signature is missing, wrong or stale is an error, never a verdict.
//!
//! ```no_run
//! use keyward_keygen::{Client, NewMachine, SecretLicenseKey, ValidationScope};
//!
//! # async fn run() -> Result<(), keyward_keygen::LicenseError> {
//! let key = SecretLicenseKey::new("C1B6DE-39A6E3-DE1529-8559A0-4AF593-V3");
//! let client = Client::builder()
//!     .account("1fddcec8-8dd3-4d8d-9b16-215cac0f9b52")
//!     .public_key("e8601e48b69383ba520245fd07971e983d06d22c4257cfd82304601479cee788")
//!     .build()?
//!     .with_license_key(key.clone());
//!
//! let check = client.licenses().validate_key(&key, &ValidationScope::fingerprint("host-7")).await?;
//! if !check.is_valid() {
//!     eprintln!("not valid: {}", check.code());
//!     if let Some(license) = &check.data {
//!         client.machines().activate(&NewMachine::new(&license.id, "host-7")).await?;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Feature flags
//!
//! - `rustls` (default): TLS through rustls, with aws-lc-rs.
//! - `native-tls`: TLS through the platform's library. With `default-features = false` it
//!   replaces rustls; with both on, the platform's library is used.
//! - `http2`: HTTP/2, offered over TLS (ALPN). Off by default.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod account_keys;
mod builder;
mod checkouts;
mod client;
pub mod error;
mod files;
mod keys;
mod licenses;
mod machines;
pub mod models;
mod pagination;
pub mod signatures;
mod signed_keys;
pub mod webhooks;

pub use account_keys::{
    AccountKeys, EcdsaPublicKey, RsaPublicKey, SigningAlgorithm, VerifyingKeys,
};
pub use builder::ClientBuilder;
pub use client::{
    ACCOUNT_ENV, API_VERSION, BASE_URL_ENV, Client, DEFAULT_BASE_URL, DEFAULT_MAX_CLOCK_DRIFT,
    ECDSA_PUBLIC_KEY_ENV, JSON_API, PUBLIC_KEY_ENV, RSA_PUBLIC_KEY_ENV, TOKEN_ENV,
};
pub use files::{FileMeta, FilePayload, FileStanding, LicenseFile, MachineFile};
pub use keys::{PublicKey, SigningKey};
pub use keyward_core::{ApiKey, LicenseError, Patch, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use licenses::{Licenses, ListLicenses};
pub use machines::{ListMachines, Machines};
pub use models::{
    CheckoutOptions, License, Machine, NewLicense, NewMachine, UpdateLicense, Validation,
    ValidationCode, ValidationScope,
};
pub use pagination::Listing;
pub use signed_keys::{KeyScheme, SignedKey};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
