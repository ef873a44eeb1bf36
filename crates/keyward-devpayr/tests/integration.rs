//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Helpers the test modules share, compiled once (its macros in scope below).
#[macro_use]
mod common;

#[path = "domains.rs"]
mod domains;
#[path = "emulator.rs"]
mod emulator;
#[path = "has_paid.rs"]
mod has_paid;
#[path = "injectables.rs"]
mod injectables;
#[path = "licenses.rs"]
mod licenses;
