//! A GetKeyManager ("signed-license") client whose every answer is verified.
//!
//! GetKeyManager signs each answer: `signature` is RSASSA-PKCS1-v1_5 with SHA-256 over the exact
//! characters of `response_base64`. This crate checks that signature with keys you pin, then
//! reads only the signed payload, rejects stale, future and rolled-back answers, and checks what
//! the payload echoes of the request. The unsigned `response` copy is never read.
//!
//! ```
//! use chrono::DateTime;
//! use keyward_signed_license::{KeySet, Policy, PublicKey, ResponseCode, verify};
//!
//! // A public key and a signed answer from GetKeyManager's documentation, shipped in `docs/`.
//! let pem = include_str!("../docs/docs-demo-signing-key.pub.pem");
//! let keys = KeySet::new(PublicKey::from_pem("docs-demo", pem)?);
//! let body = include_bytes!("../docs/activate.300.json");
//! let now = DateTime::from_timestamp(1_708_999_680, 0).unwrap();
//! let verified = verify(body, &keys, &Policy::new(), now)?;
//! assert_eq!(verified.value().code(), ResponseCode::LicenseKeyActivated);
//! # Ok::<(), Box<dyn std::error::Error>>(())
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

#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The provider name used in errors.
pub const PROVIDER: &str = "signed-license";

mod binding;
mod client;
mod code;
mod contracts;
mod error;
mod keys;
mod license_keys;
mod licenses;
pub mod models;
pub mod offline;
mod payload;
mod products;
mod replay;
mod verifier;
mod verify;

pub use binding::{Expected, check_echoes};
pub use client::{
    API_KEY_ENV, BASE_URL_ENV, Client, ClientBuilder, PRODUCT_ID_ENV, PUBLIC_KEY_FILE_ENV,
};
pub use code::{CodeClass, ResponseCode};
pub use error::{KeyError, UnsignedReason, VerifyError};
pub use keys::{Algorithm, KeyRole, KeySet, MAX_RSA_BITS, MIN_RSA_BITS, PublicKey};
pub use keyward_core::{ApiKey, LicenseError, SecretLicenseKey};
pub use keyward_http::{HttpOptions, RetryPolicy};
pub use offline::OfflineCheck;
pub use payload::{Payload, SignedEnvelope, Verified};
pub use replay::{FileStateStore, MemoryStateStore, Seen, StateStore, Watermark, is_replay, slot};
pub use verifier::{Call, Verifier};
pub use verify::{KeyScope, Policy, UNSIGNED_SENTINEL, verify};
