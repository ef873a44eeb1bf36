//! A client for the [DevPayr](https://devpayr.dev) license API: runtime has-paid validation with
//! a license key, license and domain management with an API key, and the injectable
//! cryptography (AES-256-CBC ciphertext, HMAC-SHA256 signature).
//!
//! Every call goes through the shared `keyward-http` transport (timeouts, safe retries,
//! redaction). DevPayr's envelope `{status, message, data, errors}` is decoded in one place;
//! failures are [`LicenseError`]s whose DevPayr details
//! ([`ErrorReason`], message, field errors) come from [`devpayr_error`].
//!
//! ```no_run
//! use keyward_devpayr::{Client, models::{LicenseCheck, NewLicense}};
//! use keyward_devpayr::SecretLicenseKey;
//!
//! # async fn run() -> Result<(), keyward_devpayr::LicenseError> {
//! let client = Client::builder().api_key("gk_1_...").build()?;
//!
//! // At runtime: is this installation licensed and paid?
//! let key = SecretLicenseKey::new("019ae9f4-18b2-706b-b728-3f77c6bd9217");
//! match client.has_paid(&key).domain("app.example.com").send().await? {
//!     LicenseCheck::Paid(_) => println!("paid"),
//!     LicenseCheck::Unpaid(_) => println!("not paid yet"),
//!     LicenseCheck::Denied(denial) => println!("refused: {:?}", denial.reason),
//!     _ => {}
//! }
//!
//! // Managing licenses of project 2.
//! let license = client.licenses(2).create(&NewLicense::new("ClientApp")).await?;
//! client.licenses(2).revoke(license.id).await?;
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
pub mod crypto;
mod domains;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod has_paid;
mod injectables;
mod licenses;
pub mod models;
mod pagination;

pub use client::{API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL};
pub use crypto::InjectableSecret;
pub use domains::{Domains, ListDomains};
pub use error::{DevPayrError, ErrorReason, devpayr_error, error_reason};
pub use has_paid::{HasPaidCheck, ProjectHasPaid};
pub use injectables::InjectablePage;
pub use keyward_core::{ApiKey, LicenseError, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use licenses::{DEFAULT_PER_PAGE, Licenses, ListLicenses};
pub use pagination::{ListPage, MAX_PER_PAGE, RecordStream};

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
