//! A client for [Gumroad](https://gumroad.com)'s license API (`/v2/licenses/*`).
//!
//! - [`Licenses::verify`] checks a key **without counting a use** (Gumroad counts one on every
//!   verify unless told not to); [`Licenses::verify_and_count`] counts one on purpose;
//! - with an OAuth token (`edit_products`): [`Licenses::enable`], [`Licenses::disable`],
//!   [`Licenses::decrement_uses_count`].
//!
//! The product id is required when the client is built: Gumroad answers 500 to a verify without
//! it for every product created since 2023-01-09. Gumroad has no activations, no expiry, no list
//! and no signed answers.
//!
//! **Webhooks**: Gumroad's pings (and resource subscriptions) are **unsigned**. This crate offers
//! no verifier, because none could be honest: protect your ping URL with a secret of your own in
//! the URL, and re-check a key with [`Licenses::verify`] before trusting what a ping says.
//!
//! ```no_run
//! use keyward_gumroad::{Client, GumroadErrorExt, Refusal, SecretLicenseKey};
//!
//! # async fn run() -> Result<(), keyward_gumroad::LicenseError> {
//! let client = Client::builder().product_id("32-nPAicqbLj8B_WswVlMw==").build()?;
//! let key = SecretLicenseKey::new("85DB562A-C11D4B06-A2335A6B-8C079166");
//! match client.licenses().verify(&key).await {
//!     Ok(license) if license.purchase.as_ref().is_some_and(|p| p.is_void()) => println!("refunded"),
//!     Ok(license) => println!("valid, {} uses", license.uses),
//!     Err(e) if e.gumroad_refusal() == Some(Refusal::Disabled) => println!("disabled"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod client;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod licenses;
pub mod models;

pub use client::{API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder};
pub use error::{GumroadErrorExt, Refusal};
pub use keyward_core::{ApiKey, LicenseError, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use licenses::Licenses;
pub use models::{License, Purchase};
