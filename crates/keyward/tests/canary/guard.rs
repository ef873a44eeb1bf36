//! The offline guard with the canary license key, app secret and machine id, on all four
//! emulators: online, offline, a failing server and a refusing one; its state file, stored
//! state, verdicts, builder, background handle and errors.

use std::sync::Arc;

use chrono::{TimeDelta, Utc};
use keyward::guard::{AppSecret, Fingerprint, Guard};
use keyward_core::{FixedClock, LicenseProvider};
use keyward_http::{HttpOptions, RetryPolicy};

use crate::check::{APP_SECRET, LICENSE_KEY, MACHINE_ID, Shown};
use crate::rig::{self, Emulators, NAMES};
use keyward_test_support::{Fault, compose, refused_url, serve};
use tempfile::TempDir;

const SALT: &str = "com.example.canary";

fn guard(
    index: usize,
    provider: Arc<dyn LicenseProvider>,
    dir: &TempDir,
    clock: &Arc<FixedClock>,
) -> Guard {
    let mut builder = Guard::builder(provider, LICENSE_KEY)
        .app_secret(APP_SECRET)
        .unwrap_or_else(|e| panic!("{e}"))
        .fingerprint(Fingerprint::from_id(MACHINE_ID, SALT).unwrap_or_else(|e| panic!("{e}")))
        .state_dir(dir.path())
        .clock(clock.clone());
    if index == 2 {
        builder = builder.validate_name("app.example.com");
    }
    builder.build().unwrap_or_else(|e| panic!("{e}"))
}

/// Returns the number of guard checks made.
pub(crate) async fn all(emulators: &Emulators, shown: &Shown) -> usize {
    let options = || HttpOptions::new().retry(RetryPolicy::none());
    let mut checks = 0;
    for (index, name) in NAMES.iter().enumerate() {
        let what = |s: &str| format!("{name} guard {s}");
        let dir = TempDir::new().unwrap_or_else(|e| panic!("{e}"));
        let clock = Arc::new(FixedClock::new(Utc::now()));
        let online = rig::provider(index, &emulators.urls()[index], options(), shown);
        let first = guard(index, online.clone(), &dir, &clock);
        shown.debug(&what("online"), &first);
        let verdict = first.check().await;
        assert!(verdict.is_licensed(), "{name}: {verdict:?}");
        shown.both(&what("verdict"), &verdict);
        let state = std::fs::read(first.state_path()).unwrap_or_else(|e| panic!("{e}"));
        shown.text(
            &what("state file"),
            String::from_utf8_lossy(&state).into_owned(),
        );
        shown.debug(&what("stored state"), &first.stored_state());
        checks += 1;

        let refused = refused_url().unwrap_or_else(|e| panic!("{e}"));
        let failing = serve(Fault::Answer(503, "retry-after: 1\r\n", b"{}"))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let echo = format!("{{\"message\":\"Invalid key {LICENSE_KEY}\"}}");
        let refusing = serve(Fault::Raw(compose(401, "", echo.as_bytes(), false)))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for server in [refused.as_str(), failing.url(), refusing.url()] {
            let url = match index {
                2 => format!("{server}/api/v1/"),
                _ => server.to_owned(),
            };
            let provider = rig::provider(index, &url, options(), shown);
            let g = guard(index, provider, &dir, &clock);
            clock.advance(TimeDelta::hours(1));
            let verdict = g.check().await;
            shown.both(&what("verdict"), &verdict);
            shown.debug(&what("guard"), &g);
            shown.debug(&what("background"), &g.revalidate());
            checks += 1;
        }
        // The refusing server may have ended the stored license: the file is gone then.
        if let Ok(state) = std::fs::read(first.state_path()) {
            shown.text(
                &what("state file after"),
                String::from_utf8_lossy(&state).into_owned(),
            );
        }
    }

    let provider = rig::provider(0, &emulators.urls()[0], options(), shown);
    let builder = Guard::builder(provider, LICENSE_KEY);
    shown.debug("guard builder", &builder);
    shown.result("guard without secret", &builder.build());
    shown.result("short app secret", &AppSecret::new(&APP_SECRET[..12]));
    shown.result("app secret", &AppSecret::new(APP_SECRET));
    shown.result("fingerprint", &Fingerprint::from_id(MACHINE_ID, SALT));
    checks
}
