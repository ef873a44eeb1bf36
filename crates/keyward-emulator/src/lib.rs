//! Stateful local fakes of the licensing providers, on wiremock: for this workspace's tests, the
//! demo, and your own tests. Each runs on a loopback port and keeps its state in memory.
//!
//! # Feature flags
//!
//! None: the emulators serve plain `http` on loopback.
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod devpayr;
pub mod dodo;
pub mod lemonsqueezy;
mod shell;
pub mod signed_license;
pub mod support;

pub use shell::{
    DeliveryState, Emulator, Keyed, Outage, Provider, SeedError, SendsWebhooks, WebhookAttempt,
    WebhookDelivery, WebhookError, WebhookTarget,
};

// The README's examples compile as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
