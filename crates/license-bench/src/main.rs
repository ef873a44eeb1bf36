//! `cargo xtask bench`: how fast the hot paths are, measured, never asserted.
//!
//! - verifying a GetKeyManager envelope (RSA-2048 PKCS#1 v1.5 SHA-256 over the base64 text, then
//!   decoding the payload), over the 43 documented examples that verify;
//! - redacting an error body before it is kept;
//! - a `validate` round trip through the `licensing` facade, the shared transport and a loopback
//!   emulator, per provider (latency percentiles).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::DateTime;
use license_core::{ApiKey, LicenseProvider, SecretLicenseKey, ValidateRequest};
use license_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use license_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use license_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use license_http::Redactor;
use licensing::{DodoProvider, LemonSqueezyProvider, SignedLicenseProvider};
use signed_license::{KeyScope, KeySet, Policy, PublicKey, verify};

const KEY: &str = "BENCH-7F3A-41C2-9B8E-5D60";

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    println!(
        "{:<46} {:>12} {:>10} {:>10} {:>10}",
        "benchmark", "ops/s", "p50", "p99", "n"
    );
    verify_envelopes()?;
    redact_bodies();
    round_trips().await?;
    Ok(())
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/signed-license")
}

fn read(path: PathBuf) -> Result<String, String> {
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Each documented example that verifies, with its timestamp.
fn valid_examples() -> Result<Vec<(String, i64)>, String> {
    let index: serde_json::Value =
        serde_json::from_str(&read(fixtures().join("index.json"))?).map_err(|e| e.to_string())?;
    let entries = index["fixtures"]
        .as_array()
        .ok_or("index.json has no fixtures")?;
    let mut out = Vec::new();
    for entry in entries {
        if entry["signature_check"] == "valid" {
            let file = entry["file"].as_str().ok_or("fixture without file")?;
            let decoded = entry["decoded_response_base64"].as_str().unwrap_or("{}");
            let payload: serde_json::Value =
                serde_json::from_str(decoded).map_err(|e| format!("{file}: {e}"))?;
            let ts = payload["timestamp"]
                .as_i64()
                .ok_or("payload without timestamp")?;
            out.push((read(fixtures().join(file))?, ts));
        }
    }
    Ok(out)
}

fn verify_envelopes() -> Result<(), String> {
    let pem = read(fixtures().join("docs-demo-signing-key.pub.pem"))?;
    let key = PublicKey::from_pem("docs-demo", &pem).map_err(|e| e.to_string())?;
    let keys = KeySet::new(key.clone()).with_global_key(key);
    let policy = Policy::new().key_scope(KeyScope::ProductOrGlobal);
    let examples = valid_examples()?;
    let rounds = 40;
    let mut samples = Vec::with_capacity(examples.len() * rounds);
    for _ in 0..rounds {
        for (body, ts) in &examples {
            let now = DateTime::from_timestamp(ts + 30, 0).ok_or("bad timestamp")?;
            let started = Instant::now();
            verify(body.as_bytes(), &keys, &policy, now).map_err(|e| e.to_string())?;
            samples.push(started.elapsed());
        }
    }
    report(
        "signed-license verify (RSA-2048, 43 examples)",
        &mut samples,
    );
    Ok(())
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
    let client = dodo::Client::builder()
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
    let client = lemonsqueezy::Client::builder()
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
    let client = signed_license::Client::builder()
        .base_url(gkm.uri())
        .api_key(ApiKey::new(gkm.api_key()).map_err(|e| e.to_string())?)
        .keys(KeySet::new(key))
        .build()
        .map_err(|e| e.to_string())?;
    time_validate(
        "validate round trip: GetKeyManager (signed)",
        &SignedLicenseProvider::new(client),
    )
    .await
}

async fn time_validate(name: &str, provider: &dyn LicenseProvider) -> Result<(), String> {
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
    report(name, &mut samples);
    Ok(())
}

fn report(name: &str, samples: &mut [Duration]) {
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
}

fn show(d: Duration) -> String {
    if d < Duration::from_micros(1000) {
        format!("{} µs", d.as_micros())
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    }
}
