//! One dependency for an app that talks to a licensing provider: Dodo Payments, Lemon Squeezy,
//! DevPayr, GetKeyManager and Keygen behind one interface, each provider's JSON mapped into the
//! one [`LicenseKey`] model, and each provider's own client as a module (`dodo`, `lemonsqueezy`,
//! `devpayr`, `signed_license`, `keygen`, behind the feature of the same name).
//!
//! Two roles, two traits:
//!
//! - [`LicenseProvider`]: what a license key alone may do (validate, activate, deactivate). An
//!   app holds `Arc<dyn LicenseProvider>` (`DodoProvider::new(client)`, …) and switches providers
//!   by configuration.
//! - [`LicenseAdmin`]: what needs the seller's API key (get, list, create, update, instances).
//!   Only `provider.admin()?` returns one (`DodoAdmin`, …), and it refuses a client built without
//!   an API key.
//!
//! [`LicenseProvider::capabilities`] says what a provider can do within its role (an operation
//! a provider lacks answers [`LicenseError::is_unsupported`]).
//!
//! # Feature flags
//!
//! - `dodo`, `lemonsqueezy`, `polar`, `creem` (server-side only), `gumroad`, `devpayr`,
//!   `signed-license`, `keygen`: each provider's client (re-exported as a module), its adapters
//!   (`DodoProvider` and `DodoAdmin`, …), its [`mapping`] and, for Dodo, Lemon Squeezy, Polar
//!   and Keygen, its webhook [`events`].
//! - `guard`: the offline-first `guard` (machine fingerprint, sealed state, grace,
//!   revalidation).
//! - `blocking`: the `blocking` API, with its own small runtime, for apps that are not async.
//! - `rustls` (default): TLS through rustls, with aws-lc-rs, for every provider enabled.
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux, Secure Transport on
//!   macOS, SChannel on Windows), for every provider enabled. With `default-features = false` it
//!   replaces rustls, and no rustls is built; with both on, the platform's library is used.
//! - `http2`: HTTP/2, offered to servers over TLS (ALPN), for every provider enabled. Off by
//!   default: each provider's API is served over HTTP/1.1 as well, and HTTP/2 adds about
//!   0.7 MB to a stripped app.
//!
//! The default builds the neutral model only, with `rustls` chosen as the TLS of every provider
//! you turn on: `cargo add keyward --features lemonsqueezy`. The proxy (the system's by default), turning it off, and extra root
//! certificates are `HttpOptions` settings of each provider's client.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod adapters;
#[cfg(feature = "blocking")]
#[cfg_attr(docsrs, doc(cfg(feature = "blocking")))]
pub mod blocking;
pub mod events;
#[cfg(feature = "guard")]
#[cfg_attr(docsrs, doc(cfg(feature = "guard")))]
pub mod guard;
pub mod migration;

// Without any provider the glob brings nothing (it is not gated itself: the docs would show the
// gate on every provider).
#[cfg_attr(
    not(any(
        feature = "dodo",
        feature = "lemonsqueezy",
        feature = "polar",
        feature = "creem",
        feature = "gumroad",
        feature = "devpayr",
        feature = "signed-license",
        feature = "keygen"
    )),
    allow(unused_imports, unreachable_pub)
)]
pub use adapters::*;
pub use events::{EventKind, EventRejection, LicenseEvent};
#[cfg(feature = "guard")]
#[cfg_attr(docsrs, doc(cfg(feature = "guard")))]
pub use guard::{Guard, Verdict};
/// The `http` crate, whose `HeaderMap` a webhook handler hands to the event readers.
pub use http;
/// The Creem client (the `keyward-creem` crate), for servers.
#[cfg(feature = "creem")]
#[cfg_attr(docsrs, doc(cfg(feature = "creem")))]
pub use keyward_creem as creem;
/// The DevPayr client (the `keyward-devpayr` crate), for what the one trait does not cover.
#[cfg(feature = "devpayr")]
#[cfg_attr(docsrs, doc(cfg(feature = "devpayr")))]
pub use keyward_devpayr as devpayr;
/// The Dodo Payments client (the `keyward-dodo` crate), for what the one trait does not cover.
#[cfg(feature = "dodo")]
#[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
pub use keyward_dodo as dodo;
/// The Gumroad client (the `keyward-gumroad` crate).
#[cfg(feature = "gumroad")]
#[cfg_attr(docsrs, doc(cfg(feature = "gumroad")))]
pub use keyward_gumroad as gumroad;
/// The Keygen client (the `keyward-keygen` crate), every answer verified when given the
/// account's public key; license and machine files.
#[cfg(feature = "keygen")]
#[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
pub use keyward_keygen as keygen;
/// The Lemon Squeezy client (the `keyward-lemonsqueezy` crate), for what the one trait does not
/// cover.
#[cfg(feature = "lemonsqueezy")]
#[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
pub use keyward_lemonsqueezy as lemonsqueezy;
/// The Polar client (the `keyward-polar` crate), for what the one trait does not cover.
#[cfg(feature = "polar")]
#[cfg_attr(docsrs, doc(cfg(feature = "polar")))]
pub use keyward_polar as polar;
/// The GetKeyManager client (the `keyward-signed-license` crate), every answer verified.
#[cfg(feature = "signed-license")]
#[cfg_attr(docsrs, doc(cfg(feature = "signed-license")))]
pub use keyward_signed_license as signed_license;
pub use migration::MigrationWindow;

/// Each provider's models mapped into the neutral ones: pure functions, no I/O, the same names
/// in every provider (`license`, `instance`, `status`, …). The providers use them; they are
/// public for apps that decode a provider's JSON themselves (a webhook, a stored body).
pub mod mapping {
    #[cfg(feature = "creem")]
    #[cfg_attr(docsrs, doc(cfg(feature = "creem")))]
    pub use crate::adapters::creem::mapping as creem;
    #[cfg(feature = "devpayr")]
    #[cfg_attr(docsrs, doc(cfg(feature = "devpayr")))]
    pub use crate::adapters::devpayr::mapping as devpayr;
    #[cfg(feature = "dodo")]
    #[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
    pub use crate::adapters::dodo::mapping as dodo;
    #[cfg(feature = "gumroad")]
    #[cfg_attr(docsrs, doc(cfg(feature = "gumroad")))]
    pub use crate::adapters::gumroad::mapping as gumroad;
    #[cfg(feature = "keygen")]
    #[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
    pub use crate::adapters::keygen::mapping as keygen;
    #[cfg(feature = "lemonsqueezy")]
    #[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
    pub use crate::adapters::lemonsqueezy::mapping as lemonsqueezy;
    #[cfg(feature = "polar")]
    #[cfg_attr(docsrs, doc(cfg(feature = "polar")))]
    pub use crate::adapters::polar::mapping as polar;
    #[cfg(feature = "signed-license")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signed-license")))]
    pub use crate::adapters::signed_license::mapping as signed_license;
}

pub use keyward_core::{
    ActivateRequest, ActivationOutcome, ApiKey, Capabilities, Clock, CreateRequest, Customer,
    DeactivateRequest, ErrorKind, FixedClock, Instance, InstancesRequest, InvalidReason, Lease,
    LicenseAdmin, LicenseError, LicenseKey, LicenseProvider, LicenseStatus, ListRequest, Page,
    PageToken, Patch, ProductRef, Provider, PurchaseRefs, SecretLicenseKey, SystemClock,
    UpdateRequest, ValidateRequest, ValidationOutcome,
};

/// The README's examples, compiled as doctests (they use every provider, the guard, the
/// blocking API, the axum route and the Redis store).
#[cfg(all(
    doctest,
    feature = "axum",
    feature = "redis",
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license",
    feature = "keygen",
    feature = "guard",
    feature = "blocking"
))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
