//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Helpers the test modules share, compiled once.
mod common;

#[path = "emulator.rs"]
mod emulator;
#[path = "instances.rs"]
mod instances;
#[path = "license_keys.rs"]
mod license_keys;
#[path = "licenses.rs"]
mod licenses;
#[path = "redaction.rs"]
mod redaction;
#[path = "webhooks.rs"]
mod webhooks;
