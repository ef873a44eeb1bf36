//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Helpers the test modules share, compiled once.
mod common;

#[path = "checkout_vectors.rs"]
mod checkout_vectors;
#[path = "client.rs"]
mod client;
#[path = "conformance.rs"]
mod conformance;
#[path = "emulator.rs"]
mod emulator;
#[path = "emulator_accounts.rs"]
mod emulator_accounts;
#[path = "emulator_admin.rs"]
mod emulator_admin;
#[path = "emulator_checkouts.rs"]
mod emulator_checkouts;
#[path = "emulator_machine_limits.rs"]
mod emulator_machine_limits;
#[path = "emulator_releases.rs"]
mod emulator_releases;
#[path = "emulator_signed.rs"]
mod emulator_signed;
#[path = "emulator_versions.rs"]
mod emulator_versions;
#[path = "signatures.rs"]
mod signatures;
#[path = "signed_key_schemes.rs"]
mod signed_key_schemes;
#[path = "vectors.rs"]
mod vectors;
