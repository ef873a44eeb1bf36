//! The secret canary (issue 14 item 3): every client, the facade, the webhook verifiers, the
//! guard and the emulators, configured with API keys, license keys, webhook secrets, an app
//! secret and a machine id that all carry one canary value, driven through their happy paths
//! and the fault matrix's error paths. The `Debug` and `Display` of every value the user holds
//! and everything `tracing` writes at TRACE (span fields included) must hold no 8-character
//! piece of any secret, as is, percent-encoded or base64-encoded.
//!
//! The command line's share is in `crates/keyward-cli/tests/canary.rs`.
#![cfg(all(
    feature = "guard",
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "polar",
    feature = "creem",
    feature = "gumroad",
    feature = "devpayr",
    feature = "signed-license",
    feature = "keygen"
))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "canary/calls.rs"]
mod calls;
#[path = "canary/check.rs"]
mod check;
#[path = "canary/echo.rs"]
mod echo;
#[path = "canary/faults.rs"]
mod faults;
#[path = "canary/guard.rs"]
mod guard;
#[path = "canary/keygen_files.rs"]
mod keygen_files;
#[path = "canary/rig.rs"]
mod rig;
#[path = "canary/success.rs"]
mod success;
#[path = "canary/trace.rs"]
mod trace;
#[path = "canary/webhooks.rs"]
mod webhooks;

use std::sync::Arc;

use check::{Shown, leaks_in, needles};

#[test]
fn no_secret_shows_anywhere() {
    // Installed before the first callsite registers, so no event is filtered out by a cached
    // interest.
    let logs = trace::captured();
    let shown = Arc::new(Shown::default());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let paths = runtime.block_on(drive(shown.clone()));

    let logs = logs.text();
    for wanted in [
        "keyward_http.request",
        "attempt finished",
        "license verdict",
    ] {
        assert!(logs.contains(wanted), "{wanted} was captured");
    }
    let mut leaks = shown.leaks();
    leaks.extend(leaks_in("tracing", &logs, &needles()));
    let (values, bytes) = shown.counts();
    let redacted = shown.redacted();
    assert!(redacted > 1000, "only {redacted} texts show a redaction");
    println!(
        "canary: {paths} paths driven, {values} values shown ({bytes} bytes, {redacted} with a \
         redaction), {} bytes of tracing at TRACE, {} needles, {} occurrences",
        logs.len(),
        needles().len(),
        leaks.len()
    );
    check::assert_none(&leaks);
}

/// Drives every path; returns how many.
async fn drive(shown: Arc<Shown>) -> usize {
    let emulators = rig::Emulators::start().await;
    let mut paths = 0;
    for index in 0..rig::NAMES.len() {
        paths += success::facade(index, &emulators, &shown).await;
    }
    paths += success::migration(&emulators, &shown).await;
    paths += success::clients(&emulators, &shown).await;
    #[cfg(feature = "blocking")]
    {
        paths += success::blocking(&emulators, &shown).await;
    }
    paths += webhooks::all(&shown).await;
    paths += guard::all(&emulators, &shown).await;
    paths += faults::matrix(shown.clone()).await;
    paths += keygen_files::all(&emulators, &shown).await;
    emulators.show(&shown);
    paths
}
