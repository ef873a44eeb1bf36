//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

/// Helpers the test modules share, compiled once.
mod support;

#[path = "applied.rs"]
mod applied;
#[path = "blocking.rs"]
mod blocking;
#[path = "creem.rs"]
mod creem;
#[path = "devpayr.rs"]
mod devpayr;
#[path = "dodo.rs"]
mod dodo;
#[path = "dodo_grants.rs"]
mod dodo_grants;
#[path = "events.rs"]
mod events;
#[path = "events_redis.rs"]
mod events_redis;
#[path = "faults.rs"]
mod faults;
#[path = "guard.rs"]
mod guard;
#[path = "guard_decide.rs"]
mod guard_decide;
#[path = "guard_keygen.rs"]
mod guard_keygen;
#[path = "gumroad.rs"]
mod gumroad;
#[path = "keygen.rs"]
mod keygen;
#[path = "lemonsqueezy.rs"]
mod lemonsqueezy;
#[path = "migration.rs"]
mod migration;
#[path = "polar.rs"]
mod polar;
#[path = "polar_events.rs"]
mod polar_events;
#[path = "raw.rs"]
mod raw;
#[path = "signed_license.rs"]
mod signed_license;
#[path = "signed_license_meta.rs"]
mod signed_license_meta;
#[path = "webhooks_e2e.rs"]
mod webhooks_e2e;
