//! The migration window over the Dodo emulator (new) and the Lemon Squeezy emulator (old): keys
//! not yet moved keep working, and an activation is spent only where the key lives.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![cfg(all(feature = "dodo", feature = "lemonsqueezy"))]

use std::sync::Arc;

use keyward::{
    ActivateRequest, DeactivateRequest, DodoProvider, InvalidReason, LemonSqueezyProvider,
    LicenseProvider, MigrationWindow, Provider, ValidateRequest,
};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};

const MOVED: &str = "WINDOW-MOVED-KEY-0001";
const NOT_YET: &str = "WINDOW-NOT-YET-KEY-0002";
const FULL: &str = "WINDOW-FULL-KEY-0003";

struct Rig {
    dodo: DodoEmulator,
    ls: LemonSqueezyEmulator,
    window: MigrationWindow,
    ls_ids: [u64; 3],
    dodo_full: String,
}

async fn rig() -> Rig {
    let dodo = DodoEmulator::start().await;
    let ls = LemonSqueezyEmulator::start().await;
    let ls_ids =
        [MOVED, NOT_YET, FULL].map(|k| ls.add_license(LemonSeed::new(k).activation_limit(5)));
    dodo.add_license(DodoSeed::new(MOVED).activation_limit(2));
    let dodo_full = dodo.add_license(DodoSeed::new(FULL).activation_limit(1));
    let options = || keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none());
    let new = DodoProvider::new(
        keyward_dodo::Client::builder()
            .base_url(dodo.uri())
            .api_key(dodo.api_key())
            .http_options(options())
            .build()
            .unwrap(),
    );
    let old = LemonSqueezyProvider::new(
        keyward_lemonsqueezy::Client::builder()
            .base_url(ls.uri())
            .api_key(ls.api_key())
            .http_options(options())
            .build()
            .unwrap(),
    );
    let window = MigrationWindow::new(Arc::new(new), Arc::new(old));
    Rig {
        dodo,
        ls,
        window,
        ls_ids,
        dodo_full,
    }
}

#[tokio::test]
async fn a_moved_key_is_answered_and_activated_at_the_new_provider_only() {
    let rig = rig().await;
    assert_eq!(rig.window.provider(), Provider::Dodo);
    let valid = rig
        .window
        .validate(ValidateRequest::new(MOVED))
        .await
        .unwrap();
    assert!(valid.is_valid());
    let activated = rig
        .window
        .activate(ActivateRequest::new(MOVED, "laptop"))
        .await
        .unwrap();
    let instance = activated.instance().unwrap().id.clone();
    assert!(instance.starts_with("lki_"), "{instance}");
    assert!(
        rig.ls.instances(rig.ls_ids[0]).is_empty(),
        "a slot was spent at the old provider"
    );
    rig.window
        .deactivate(DeactivateRequest::new(MOVED, instance))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_key_not_yet_moved_is_answered_and_activated_at_the_old_provider() {
    let rig = rig().await;
    let valid = rig
        .window
        .validate(ValidateRequest::new(NOT_YET))
        .await
        .unwrap();
    assert!(valid.is_valid());
    assert_eq!(
        valid.license().map(|l| l.provider),
        Some(Provider::LemonSqueezy)
    );
    let activated = rig
        .window
        .activate(ActivateRequest::new(NOT_YET, "desktop"))
        .await
        .unwrap();
    let instance = activated.instance().unwrap().id.clone();
    assert_eq!(rig.ls.instances(rig.ls_ids[1]).len(), 1);
    // Validating against that activation, and freeing it, reach the old provider too.
    let valid = rig
        .window
        .validate(ValidateRequest::new(NOT_YET).instance_id(instance.clone()))
        .await
        .unwrap();
    assert!(valid.is_valid(), "{valid:?}");
    rig.window
        .deactivate(DeactivateRequest::new(NOT_YET, instance))
        .await
        .unwrap();
    assert!(rig.ls.instances(rig.ls_ids[1]).is_empty());
}

#[tokio::test]
async fn a_refusal_by_the_new_provider_stands_and_spends_nothing_at_the_old() {
    let rig = rig().await;
    // Moved with one slot at Dodo, used here; Lemon Squeezy still has five.
    let first = rig
        .window
        .activate(ActivateRequest::new(FULL, "server-1"))
        .await
        .unwrap();
    assert!(first.is_activated());
    assert_eq!(rig.dodo.instances_count(&rig.dodo_full), 1);
    let refused = rig
        .window
        .activate(ActivateRequest::new(FULL, "server-2"))
        .await
        .unwrap();
    assert_eq!(refused.reason(), Some(&InvalidReason::LimitReached));
    assert!(rig.ls.instances(rig.ls_ids[2]).is_empty());
    // A key neither knows is invalid, not an error.
    let unknown = rig
        .window
        .validate(ValidateRequest::new("WINDOW-NOBODY-KEY-9999"))
        .await
        .unwrap();
    assert!(!unknown.is_valid());
    let refused = rig
        .window
        .activate(ActivateRequest::new("WINDOW-NOBODY-KEY-9999", "x"))
        .await
        .unwrap();
    assert!(!refused.is_activated());
}

#[tokio::test]
async fn the_window_debug_shows_neither_api_key() {
    let rig = rig().await;
    let shown = format!("{:?}", rig.window);
    assert!(shown.contains("MigrationWindow"), "{shown}");
    assert!(!shown.contains(&rig.dodo.api_key()), "{shown}");
    assert!(!shown.contains(&rig.ls.api_key()), "{shown}");
}
