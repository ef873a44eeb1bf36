//! `keyward_signed_license::verify` of the documented envelopes against a raw aws-lc-rs RSA-2048 verify
//! of the same message (the `response_base64` text) with a key parsed once.

use std::time::{Duration, Instant};

use aws_lc_rs::signature::{self, ParsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use keyward_signed_license::{KeyScope, KeySet, Policy, PublicKey, verify};

use crate::canned;

/// One documented envelope that verifies, with what a raw verify needs.
pub struct Example {
    /// The body as received.
    pub body: Vec<u8>,
    /// A time at which it is fresh.
    pub now: DateTime<Utc>,
    /// The signed text.
    pub message: Vec<u8>,
    /// The signature, decoded.
    pub signature: Vec<u8>,
}

/// The documented examples that verify (`index.json`: `signature_check == "valid"`).
pub fn examples() -> Result<Vec<Example>, String> {
    let index: serde_json::Value =
        serde_json::from_slice(&canned::read("signed-license/index.json")?)
            .map_err(|e| e.to_string())?;
    let entries = index["fixtures"]
        .as_array()
        .ok_or("index.json has no fixtures")?;
    let mut out = Vec::new();
    for entry in entries.iter().filter(|e| e["signature_check"] == "valid") {
        let file = entry["file"].as_str().ok_or("fixture without file")?;
        let body = canned::read(&format!("signed-license/{file}"))?;
        let envelope: serde_json::Value =
            serde_json::from_slice(&body).map_err(|e| format!("{file}: {e}"))?;
        let message = envelope["response_base64"].as_str().ok_or("no payload")?;
        let signature = envelope["signature"].as_str().ok_or("no signature")?;
        let decoded = STANDARD
            .decode(message)
            .map_err(|e| format!("{file}: {e}"))?;
        let payload: serde_json::Value =
            serde_json::from_slice(&decoded).map_err(|e| format!("{file}: {e}"))?;
        let ts = payload["timestamp"].as_i64().ok_or("no timestamp")?;
        out.push(Example {
            now: DateTime::from_timestamp(ts + 30, 0).ok_or("bad timestamp")?,
            message: message.as_bytes().to_vec(),
            signature: STANDARD
                .decode(signature)
                .map_err(|e| format!("{file}: {e}"))?,
            body,
        });
    }
    Ok(out)
}

/// The docs' demo key, as a key set trusted for product and global answers.
pub fn demo_keys() -> Result<KeySet, String> {
    let pem = canned::read_text("signed-license/docs-demo-signing-key.pub.pem")?;
    let key = PublicKey::from_pem("docs-demo", &pem).map_err(|e| e.to_string())?;
    Ok(KeySet::new(key.clone()).with_global_key(key))
}

/// The docs' demo key parsed once for raw aws-lc-rs verification.
pub fn demo_raw_key() -> Result<ParsedPublicKey, String> {
    let pem = canned::read_text("signed-license/docs-demo-signing-key.pub.pem")?;
    ParsedPublicKey::new(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        canned::pem_body(&pem)?,
    )
    .map_err(|e| e.to_string())
}

/// Verifies every example once with `keyward_signed_license::verify`.
pub fn ours_pass(examples: &[Example], keys: &KeySet, policy: &Policy) -> Result<(), String> {
    for example in examples {
        let verified =
            verify(&example.body, keys, policy, example.now).map_err(|e| e.to_string())?;
        std::hint::black_box(verified);
    }
    Ok(())
}

/// Verifies every example's signature once with the raw key.
pub fn raw_pass(examples: &[Example], key: &ParsedPublicKey) -> Result<(), String> {
    for example in examples {
        key.verify_sig(&example.message, &example.signature)
            .map_err(|_| "raw verify failed")?;
    }
    Ok(())
}

/// Median per-verify times (ours, raw): each verify timed alone, the median of each round's
/// verifies, then the median over rounds; ours and raw alternate envelope by envelope.
pub fn compare(rounds: usize) -> Result<(Duration, Duration, usize), String> {
    let examples = examples()?;
    let keys = demo_keys()?;
    let raw_key = demo_raw_key()?;
    let policy = Policy::new().key_scope(KeyScope::ProductOrGlobal);
    let passes = 10;
    ours_pass(&examples, &keys, &policy)?;
    raw_pass(&examples, &raw_key)?;
    let (mut ours, mut raw) = (Vec::new(), Vec::new());
    let (mut ours_round, mut raw_round) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        ours_round.clear();
        raw_round.clear();
        for _ in 0..passes {
            for example in &examples {
                let started = Instant::now();
                ours_pass(std::slice::from_ref(example), &keys, &policy)?;
                ours_round.push(started.elapsed());
                let started = Instant::now();
                raw_pass(std::slice::from_ref(example), &raw_key)?;
                raw_round.push(started.elapsed());
            }
        }
        ours.push(median(&mut ours_round));
        raw.push(median(&mut raw_round));
    }
    Ok((median(&mut ours), median(&mut raw), examples.len()))
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}
