#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Secrets (license key, app secret, machine id) in no state file, `Debug`, error or log line,
//! on all four emulators. A test binary of its own: `tracing`'s per-callsite interest cache is
//! process-wide, so a test without a subscriber running beside it could hide the guard's events.
#![cfg(all(
    feature = "guard",
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "devpayr",
    feature = "signed-license"
))]

#[path = "guard/support.rs"]
#[allow(dead_code, unreachable_pub)]
mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use chrono::TimeDelta;
use licensing::guard::{AppSecret, Fingerprint, Guard};

use support::{ALL, KEY, MACHINE, Rig, SECRET, answering};

/// Everything written by a `tracing` subscriber at TRACE level.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_the_app_secret_and_the_machine_id_appear_nowhere() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _logging = tracing::subscriber::set_default(subscriber);

    let mut keys = vec![KEY.to_owned()];
    for kind in ALL {
        let rig = Rig::start(kind).await;
        keys.push(rig.key.clone());
        let online = rig.guard(rig.online.clone());
        let mut shown = vec![format!("{online:?}")];
        let v = online.check().await;
        assert!(v.is_licensed(), "{kind:?}");
        shown.push(std::fs::read_to_string(online.state_path()).unwrap());
        shown.push(format!("{:?}", online.stored_state()));
        let server = answering(503).await;
        for provider in [rig.offline(), rig.at(&server.uri()), rig.online.clone()] {
            let guard = rig.guard(provider);
            rig.clock.advance(TimeDelta::hours(1));
            let v = guard.check().await;
            shown.push(format!("{v} {v:?} {guard:?}"));
            let background = guard.revalidate();
            shown.push(format!("{background:?}"));
        }
        shown.push(std::fs::read_to_string(online.state_path()).unwrap());
        let refused = answering(401).await;
        let v = rig.guard(rig.at(&refused.uri())).check().await;
        shown.push(format!("{v} {v:?}"));
        rig.end_license().await;
        let v = online.check().await;
        shown.push(format!("{v} {v:?}"));
        for text in &shown {
            for secret in [rig.key.as_str(), KEY, SECRET, MACHINE] {
                assert!(!text.contains(secret), "{kind:?}: {text}");
            }
        }
    }

    // Errors and builder output.
    let rig = Rig::start(support::Kind::Dodo).await;
    let builder = Guard::builder(rig.offline(), KEY);
    let shown = format!("{builder:?}");
    let short = format!("{:?}", AppSecret::new("CANARY-short").unwrap_err());
    let fingerprint = format!("{:?}", Fingerprint::from_id(MACHINE, "salt").unwrap());
    let missing = format!("{}", builder.build().unwrap_err());
    for text in [shown, short, fingerprint, missing] {
        assert!(!text.contains("CANARY"), "{text}");
    }

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("license verdict"),
        "the guard's events were captured"
    );
    assert!(logs.contains("license check failed"));
    assert!(
        logs.contains("license_http.request"),
        "the HTTP layer's events too"
    );
    for secret in keys.iter().map(String::as_str).chain([SECRET, MACHINE]) {
        assert!(!logs.contains(secret), "a secret in the logs");
    }
}
