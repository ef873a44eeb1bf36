//! Stateful local fakes of the licensing providers, on wiremock: for this workspace's tests, the
//! demo, and your own tests. Each runs on a loopback port and keeps its state in memory.
//!
//! # Feature flags
//!
//! One per provider, none on by default, so a dev-dependency builds only the emulators it uses:
//! `dodo`, `lemonsqueezy`, `polar`, `creem`, `gumroad`, `devpayr`, `signed-license`, `keygen` (each
//! its module). The emulators serve plain `http` on loopback.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "creem")]
#[cfg_attr(docsrs, doc(cfg(feature = "creem")))]
pub mod creem;
#[cfg(feature = "devpayr")]
#[cfg_attr(docsrs, doc(cfg(feature = "devpayr")))]
pub mod devpayr;
#[cfg(feature = "dodo")]
#[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
pub mod dodo;
#[cfg(feature = "gumroad")]
#[cfg_attr(docsrs, doc(cfg(feature = "gumroad")))]
pub mod gumroad;
#[cfg(feature = "keygen")]
#[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
pub mod keygen;
#[cfg(feature = "lemonsqueezy")]
#[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
pub mod lemonsqueezy;
#[cfg(feature = "polar")]
#[cfg_attr(docsrs, doc(cfg(feature = "polar")))]
pub mod polar;
mod shell;
#[cfg(feature = "signed-license")]
#[cfg_attr(docsrs, doc(cfg(feature = "signed-license")))]
pub mod signed_license;
pub mod support;

pub use shell::{
    DeliveryState, Emulator, Fault, Keyed, Outage, Provider, SeedError, SendsWebhooks,
    WebhookAttempt, WebhookDelivery, WebhookError, WebhookTarget,
};

// The README's examples compile as doctests.
#[cfg(all(
    doctest,
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license",
    feature = "keygen"
))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
