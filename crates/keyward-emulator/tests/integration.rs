//! The integration tests, one binary: every file under `tests/` is a module of it, so the test
//! build links one executable instead of one per file (disk and link time). `#[path]` makes each
//! file a module root, so the modules it declares resolve beside it as they did when it was a
//! binary of its own; the helpers the files share are declared once, here.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[cfg(all(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license"
))]
#[path = "common_knobs.rs"]
mod common_knobs;
#[cfg(feature = "devpayr")]
#[path = "devpayr.rs"]
mod devpayr;
#[cfg(feature = "devpayr")]
#[path = "devpayr_domain_update.rs"]
mod devpayr_domain_update;
#[cfg(feature = "dodo")]
#[path = "dodo.rs"]
mod dodo;
#[cfg(feature = "dodo")]
#[path = "dodo_entitlements.rs"]
mod dodo_entitlements;
#[cfg(feature = "gumroad")]
#[path = "gumroad.rs"]
mod gumroad;
#[cfg(all(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license"
))]
#[path = "hostile_input.rs"]
mod hostile_input;
#[cfg(feature = "keygen")]
#[path = "keygen_checkout.rs"]
mod keygen_checkout;
#[cfg(feature = "lemonsqueezy")]
#[path = "lemonsqueezy.rs"]
mod lemonsqueezy;
#[cfg(all(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license"
))]
#[path = "outages.rs"]
mod outages;
#[cfg(feature = "polar")]
#[path = "polar.rs"]
mod polar;
#[cfg(feature = "signed-license")]
#[path = "signed_license.rs"]
mod signed_license;
#[cfg(all(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license"
))]
#[path = "state.rs"]
mod state;
#[cfg(all(feature = "dodo", feature = "lemonsqueezy"))]
#[path = "webhooks.rs"]
mod webhooks;
