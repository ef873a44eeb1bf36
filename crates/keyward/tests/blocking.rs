#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The blocking API from plain `#[test]` functions (no tokio macro): the emulator runs on a
//! runtime of the test's own, the provider on the blocking wrapper's.
#![cfg(all(feature = "blocking", feature = "dodo"))]

use keyward::blocking::BlockingProvider;
use std::sync::Arc;

use keyward::{
    ActivateRequest, DeactivateRequest, DodoProvider, ErrorKind, InstancesRequest, InvalidReason,
    LicenseAdmin, ListRequest, Provider, ValidateRequest,
};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};
use tokio::runtime::Runtime;

const KEY: &str = "EMU-BLOCKING-0001";

/// The emulator on a multi-thread runtime that the caller keeps alive.
fn emulator() -> (Runtime, DodoEmulator) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let dodo = runtime.block_on(DodoEmulator::start());
    (runtime, dodo)
}

fn provider(dodo: &DodoEmulator) -> BlockingProvider<dyn LicenseAdmin> {
    let client = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .api_key(dodo.api_key())
        .build()
        .unwrap();
    BlockingProvider::new_admin(Arc::new(DodoProvider::new(client).admin().unwrap())).unwrap()
}

#[test]
fn activate_validate_list_deactivate_without_an_async_caller() {
    let (_runtime, dodo) = emulator();
    let key_id = dodo.add_license(LicenseSeed::new(KEY).activation_limit(1));
    let p = provider(&dodo);
    assert_eq!(p.provider(), Provider::Dodo);
    assert!(p.capabilities().activate);

    let activated = p.activate(ActivateRequest::new(KEY, "laptop")).unwrap();
    let instance = activated.instance().unwrap().clone();
    let refused = p.activate(ActivateRequest::new(KEY, "desktop")).unwrap();
    assert_eq!(refused.reason(), Some(&InvalidReason::LimitReached));

    let valid = p
        .validate(ValidateRequest::new(KEY).instance_id(instance.id.clone()))
        .unwrap();
    assert!(valid.is_valid(), "{valid:?}");
    let unknown = p.validate(ValidateRequest::new("EMU-NOPE-0000")).unwrap();
    assert!(!unknown.is_valid(), "{unknown:?}");

    let page = p.list(ListRequest::new()).unwrap();
    assert_eq!(page.items.len(), 1);
    assert_eq!(p.get(&key_id).unwrap().id, key_id);
    let instances = p.instances(InstancesRequest::new(key_id.clone())).unwrap();
    assert_eq!(instances.items.len(), 1);

    p.deactivate(DeactivateRequest::new(KEY, instance.id))
        .unwrap();
    assert_eq!(dodo.instances_count(&key_id), 0);
}

#[test]
fn inside_an_async_runtime_it_refuses_and_dropping_it_there_does_not_panic() {
    let (runtime, dodo) = emulator();
    dodo.add_license(LicenseSeed::new(KEY));
    let p = provider(&dodo);
    let err = runtime
        .block_on(async { p.validate(ValidateRequest::new(KEY)) })
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("async runtime"), "{err}");
    // Still usable outside, then dropped inside async code.
    assert!(p.validate(ValidateRequest::new(KEY)).unwrap().is_valid());
    runtime.block_on(async move { drop(p) });
}

#[cfg(feature = "guard")]
#[test]
fn the_guard_checks_without_an_async_caller() {
    use keyward::blocking::BlockingGuard;
    use keyward::guard::{Fingerprint, Guard};
    use std::sync::Arc;

    let (runtime, dodo) = emulator();
    let key_id = dodo.add_license(LicenseSeed::new(KEY).activation_limit(1));
    let client = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("keyward-blocking-guard-{}", std::process::id()));
    let guard = Guard::builder(Arc::new(DodoProvider::new(client)), KEY)
        .app_secret("blocking-test-app-secret")
        .unwrap()
        .fingerprint(Fingerprint::from_id("blocking-test-machine", "com.example.blocking").unwrap())
        .state_dir(&dir)
        .build()
        .unwrap();
    let guard = BlockingGuard::new(guard).unwrap();

    assert!(!guard.verdict().is_licensed(), "nothing stored yet");
    assert!(guard.check_if_due().unwrap().is_licensed());
    assert_eq!(
        dodo.instances_count(&key_id),
        1,
        "activated this machine once"
    );
    assert!(guard.verdict().is_licensed(), "the answer was stored");
    assert!(guard.check().unwrap().is_licensed());
    assert_eq!(dodo.instances_count(&key_id), 1);

    let err = runtime.block_on(async { guard.check() }).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    std::fs::remove_dir_all(&dir).unwrap();
}
