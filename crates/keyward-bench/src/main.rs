//! `cargo xtask bench`: how fast the hot paths are, measured, never asserted.
//!
//! - our clients against a bare reqwest + serde client, per call, on a canned-body loopback
//!   server (bodies from `fixtures/`): each provider crate and the `keyward` facade;
//! - `keyward_signed_license::verify` of the documented envelopes against a raw aws-lc-rs verify;
//! - the peak RSS of a validate-only process, ours against bare (`rss-ours`, `rss-bare`);
//! - redacting an error body before it is kept;
//! - a `validate` round trip through the facade and a loopback emulator, per provider;
//! - a webhook delivery's reserve + acknowledge in the memory and the Redis delivery stores.
//!
//! `keyward-bench profile …` runs one operation for callgrind (see [`keyward_bench::profile`]);
//! `keyward-bench callgrind` every operation through each client under callgrind, failing when
//! the facade is over its budget (see [`keyward_bench::callgrind`]); `keyward-bench deliveries`
//! only the delivery stores.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use keyward::{DodoProvider, KeygenProvider, LemonSqueezyProvider, SignedLicenseProvider};
use keyward_bench::compare::{self, Plan};
use keyward_bench::ops::{Clients, Op};
use keyward_bench::{callgrind, profile, rss, signed};
use keyward_core::{ApiKey, LicenseProvider, SecretLicenseKey, ValidateRequest};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed as KeygenSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use keyward_http::Redactor;
use keyward_signed_license::{KeySet, PublicKey};

const KEY: &str = "BENCH-7F3A-41C2-9B8E-5D60";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("profile") => profile::run(&args[1..]),
        Some("callgrind") => callgrind::run(),
        Some("deliveries") => {
            keyward_bench::runtime().and_then(|rt| rt.block_on(delivery_stores()))
        }
        None => keyward_bench::runtime().and_then(|rt| rt.block_on(run())),
        Some(other) => Err(format!(
            "unknown argument `{other}` (none, `callgrind`, `deliveries`, or `profile …`)"
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let clients = Clients::start().await?;
    let plan = Plan::from_env();
    let rows = compare::compare(&clients, plan).await?;
    compare::print(&rows, plan);
    signed_verify()?;
    peak_rss().await?;
    println!(
        "\n{:<46} {:>12} {:>10} {:>10} {:>10}",
        "benchmark", "ops/s", "p50", "p99", "n"
    );
    redact_bodies();
    round_trips().await?;
    delivery_stores().await
}

async fn delivery_stores() -> Result<(), String> {
    for mut store in keyward_bench::deliveries::measure().await? {
        report(
            &format!("webhook reserve + acknowledge: {}", store.name),
            &mut store.sequential,
        );
        println!(
            "{:<46} {:>12.0} deliveries/s, {} in flight",
            format!("  … concurrent: {}", store.name),
            store.concurrent,
            keyward_bench::deliveries::IN_FLIGHT
        );
    }
    Ok(())
}

fn signed_verify() -> Result<(), String> {
    let (ours, raw, n) = signed::compare(15)?;
    println!(
        "\nsigned_license::verify / raw aws-lc-rs RSA-2048 verify, {n} documented envelopes: {} / {} = {:.3}x",
        micros(ours),
        micros(raw),
        ours.as_secs_f64() / raw.as_secs_f64()
    );
    Ok(())
}

/// Peak RSS of the validate-only children, the median of three runs each.
async fn peak_rss() -> Result<(), String> {
    let server = keyward_bench::canned::serve().await?;
    println!(
        "\npeak RSS of a validate-only process ({} validates, single-threaded runtime)",
        rss::CALLS
    );
    println!(
        "{:<24} {:>10} {:>10} {:>10}",
        "operation", "bare", "ours", "ours-bare"
    );
    for op in Op::VALIDATES {
        let mut kib = [0u64; 2];
        for (slot, kind) in ["bare", "ours"].into_iter().enumerate() {
            let mut runs = Vec::new();
            for _ in 0..3 {
                let base = server.url().to_owned();
                let child = tokio::task::spawn_blocking(move || rss::run_child(kind, op, &base));
                runs.push(child.await.map_err(|e| e.to_string())??);
            }
            runs.sort_unstable();
            kib[slot] = runs[1];
        }
        println!(
            "{:<24} {:>10} {:>10} {:>10}",
            op.name(),
            mib(kib[0]),
            mib(kib[1]),
            format!("{:+.2} MiB", (kib[1] as f64 - kib[0] as f64) / 1024.0)
        );
    }
    Ok(())
}

fn mib(kib: u64) -> String {
    format!("{:.2} MiB", kib as f64 / 1024.0)
}

fn micros(d: Duration) -> String {
    format!("{:.2} µs", d.as_secs_f64() * 1e6)
}

fn redact_bodies() {
    let mut redactor = Redactor::default();
    redactor.add(KEY);
    let body = serde_json::json!({
        "error": format!("license {KEY} not found"),
        "license_key": { "id": 1, "key": KEY, "status": "active" },
        "items": (0..60).map(|i| serde_json::json!({"id": i, "name": "machine"})).collect::<Vec<_>>(),
    })
    .to_string();
    let mut samples = Vec::new();
    for _ in 0..5_000 {
        let started = Instant::now();
        let kept = redactor.redact_body(body.as_bytes());
        samples.push(started.elapsed());
        std::hint::black_box(kept);
    }
    report(
        &format!("redact a {} B error body", body.len()),
        &mut samples,
    );
}

async fn round_trips() -> Result<(), String> {
    let dodo = DodoEmulator::start().await;
    dodo.add_license(DodoSeed::new(KEY));
    let client = keyward_dodo::Client::builder()
        .base_url(dodo.uri())
        .build()
        .map_err(|e| e.to_string())?;
    time_validate(
        "validate round trip: Dodo emulator",
        &DodoProvider::new(client),
    )
    .await?;

    let ls = LemonSqueezyEmulator::start().await;
    ls.add_license(LemonSeed::new(KEY));
    let client = keyward_lemonsqueezy::Client::builder()
        .base_url(ls.uri())
        .build()
        .map_err(|e| e.to_string())?;
    time_validate(
        "validate round trip: Lemon Squeezy emulator",
        &LemonSqueezyProvider::new(client),
    )
    .await?;

    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(GkmSeed::new(KEY));
    let key = PublicKey::from_pem("emulator", gkm.public_key_pem()).map_err(|e| e.to_string())?;
    let client = keyward_signed_license::Client::builder()
        .base_url(gkm.uri())
        .api_key(ApiKey::new(gkm.api_key()).map_err(|e| e.to_string())?)
        .keys(KeySet::new(key))
        .build()
        .map_err(|e| e.to_string())?;
    time_validate(
        "validate round trip: GetKeyManager (signed)",
        &SignedLicenseProvider::new(client),
    )
    .await?;
    keygen_round_trips().await
}

/// Keygen's validate against its emulator (every answer signed), without and with the
/// signature check: what verifying costs per call.
async fn keygen_round_trips() -> Result<(), String> {
    let keygen = KeygenEmulator::start().await;
    keygen.add_license(KeygenSeed::new(KEY));
    let builder = || {
        keyward_keygen::Client::builder()
            .base_url(keygen.uri())
            .account(keygen.account_id())
    };
    let plain = builder().build().map_err(|e| e.to_string())?;
    let verified = builder()
        .public_key(&keygen.public_key_hex())
        .build()
        .map_err(|e| e.to_string())?;
    let unsigned = time_validate(
        "validate round trip: Keygen, unverified",
        &KeygenProvider::new(plain),
    )
    .await?;
    let signed = time_validate(
        "validate round trip: Keygen, verified",
        &KeygenProvider::new(verified),
    )
    .await?;
    println!(
        "keygen validate, verified / unverified (p50): {} / {} = {:.3}x",
        show(signed),
        show(unsigned),
        signed.as_secs_f64() / unsigned.as_secs_f64()
    );
    Ok(())
}

/// Times validate; returns the median.
async fn time_validate(name: &str, provider: &dyn LicenseProvider) -> Result<Duration, String> {
    let request = ValidateRequest::new(SecretLicenseKey::new(KEY)).instance_name("bench");
    // Warm the connection pool first.
    for _ in 0..20 {
        provider
            .validate(request.clone())
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut samples = Vec::new();
    for _ in 0..300 {
        let started = Instant::now();
        let outcome = provider
            .validate(request.clone())
            .await
            .map_err(|e| e.to_string())?;
        samples.push(started.elapsed());
        std::hint::black_box(outcome);
    }
    Ok(report(name, &mut samples))
}

/// Prints a row; returns the median.
fn report(name: &str, samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    let n = samples.len();
    let total: Duration = samples.iter().sum();
    let at = |q: f64| {
        let i = ((n as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    let ops = if total.is_zero() {
        0.0
    } else {
        n as f64 / total.as_secs_f64()
    };
    println!(
        "{name:<46} {ops:>12.0} {:>10} {:>10} {n:>10}",
        show(at(0.5)),
        show(at(0.99)),
    );
    at(0.5)
}

fn show(d: Duration) -> String {
    if d < Duration::from_micros(1000) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    }
}
