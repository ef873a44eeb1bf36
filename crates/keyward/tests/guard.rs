#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The guard against the four providers' emulators (the pure decision is in `guard_decide.rs`,
//! the secrets canary in `guard_canary.rs`).
#![cfg(all(
    feature = "guard",
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license"
))]

#[path = "guard/background.rs"]
mod background;
#[path = "guard/clock.rs"]
mod clock;
#[path = "guard/emulators.rs"]
mod emulators;
#[path = "guard/faults.rs"]
mod faults;
#[path = "guard/support.rs"]
#[allow(dead_code, unreachable_pub)]
mod support;
