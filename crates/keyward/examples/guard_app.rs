//! A small app built on the guard, as the end-to-end test runs it under a faked clock
//! (`cargo xtask faketime`, with Debian's `faketime`) against `licensectl emulate`:
//!
//! `guard_app <lemonsqueezy|signed-license|keygen> <start|check|verdict> <state-dir> <license-key>`
//!
//! The provider comes from the environment `licensectl emulate` prints (`LEMONSQUEEZY_BASE_URL`,
//! `GETKEYMANAGER_BASE_URL`, `KEYGEN_BASE_URL`, …); the clock is the system's, which `faketime` moves. `start` is
//! what an app does at launch ([`Guard::check_if_due`]), `check` asks the provider, `verdict`
//! decides from the stored state alone. It prints one `key=value` line for the test, then the
//! verdict as the person in front of the app reads it; it exits 0 when licensed, 1 when not.

use std::process::ExitCode;
use std::sync::Arc;

use keyward::guard::{Fingerprint, Guard, Source, Standing, Verdict};
use keyward::{KeygenProvider, LemonSqueezyProvider, LicenseProvider, SignedLicenseProvider};

type Error = Box<dyn std::error::Error>;

fn provider(name: &str) -> Result<Arc<dyn LicenseProvider>, Error> {
    Ok(match name {
        "lemonsqueezy" => Arc::new(LemonSqueezyProvider::new(
            keyward::lemonsqueezy::Client::from_env()?,
        )),
        "signed-license" => Arc::new(SignedLicenseProvider::new(
            keyward::signed_license::Client::from_env()?,
        )),
        "keygen" => Arc::new(KeygenProvider::new(keygen()?)),
        other => return Err(format!("unknown provider {other}").into()),
    })
}

/// A Keygen client as a shipped app holds one: the host, the account and its public key (the
/// license key authenticates each call), and no token.
fn keygen() -> Result<keyward::keygen::Client, Error> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    Ok(keyward::keygen::Client::builder()
        .base_url(var(keyward::keygen::BASE_URL_ENV)?)
        .account(var(keyward::keygen::ACCOUNT_ENV)?)
        .public_key(&var(keyward::keygen::PUBLIC_KEY_ENV)?)
        .build()?)
}

/// The line the test reads.
fn summary(v: &Verdict) -> String {
    let grace = match &v.standing {
        Standing::Licensed { grace: Some(g) } => Some(g),
        _ => None,
    };
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_owned(), |t| t.timestamp().to_string())
    };
    let source = match v.source {
        Source::Online => "online",
        Source::Stored => "stored",
        _ => "unreachable",
    };
    format!(
        "licensed={} source={source} ends_at={} lease_ends_at={} clock_rolled_back={}",
        v.is_licensed(),
        time(grace.map(|g| g.ends_at)),
        time(grace.and_then(|g| g.lease_ends_at)),
        v.flags.clock_rolled_back,
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<ExitCode, Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [name, command, state_dir, key] = args.as_slice() else {
        return Err("usage: guard_app <provider> <start|check|verdict> <state-dir> <key>".into());
    };
    // A fixed machine id, so the test does not depend on the machine's own.
    let guard = Guard::builder(provider(name)?, key.as_str())
        .app_secret("guard-app example secret, compiled in")?
        .fingerprint(Fingerprint::from_id(
            "guard-app-machine",
            "com.example.guard-app",
        )?)
        .state_dir(state_dir)
        .build()?;
    let verdict = match command.as_str() {
        "start" => guard.check_if_due().await,
        "check" => guard.check().await,
        "verdict" => guard.verdict(),
        other => return Err(format!("unknown command {other}").into()),
    };
    println!("{}", summary(&verdict));
    println!("{verdict}");
    Ok(if verdict.is_licensed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
