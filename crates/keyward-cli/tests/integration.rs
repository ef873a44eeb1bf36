//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Helpers the test modules share, compiled once.
mod support;

#[path = "admin.rs"]
mod admin;
#[path = "cli.rs"]
mod cli;
#[path = "emulate.rs"]
mod emulate;
#[path = "emulate_admin.rs"]
mod emulate_admin;
#[path = "emulate_webhooks.rs"]
mod emulate_webhooks;
#[path = "migrate.rs"]
mod migrate;
#[path = "migrate_at_scale.rs"]
mod migrate_at_scale;
#[path = "migrate_bench.rs"]
mod migrate_bench;
#[path = "migrate_keygen.rs"]
mod migrate_keygen;
#[path = "migrate_stops.rs"]
mod migrate_stops;
