//! The migration's numbers, measured by `cargo xtask bench` (in release, so they say what an
//! operator gets): keys/s at concurrency 1, 4 and 16 against the emulators, and the peak memory
//! of the same run at 5,000 and 50,000 keys, which must stay within 10 % (the source listing is
//! streamed, one page at a time). Ignored by a plain `cargo test`: the timings mean nothing in a
//! debug build, and the 55,000 creates cost minutes there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use support::migrate::Rig;
use support::{json, text};

/// Runs `licensectl migrate --apply` to the end; its JSON summary and its peak resident memory
/// in kB (`VmHWM`, read from `/proc` while it runs).
async fn apply(rig: &Rig, extra: &[&str]) -> (serde_json::Value, u64) {
    let mut args = vec!["--apply", "--json", "--rate", "0"];
    args.extend(extra);
    let mut child = support::spawn(&rig.args(&args), &rig.envs());
    let status = format!("/proc/{}/status", child.id());
    tokio::task::spawn_blocking(move || {
        let mut peak = 0;
        while child.try_wait().unwrap().is_none() {
            if let Some(kb) = std::fs::read_to_string(&status)
                .ok()
                .as_deref()
                .and_then(high_water_mark)
            {
                peak = peak.max(kb);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        (json(&out), peak)
    })
    .await
    .unwrap()
}

/// `VmHWM` of a `/proc/<pid>/status` text, in kB.
fn high_water_mark(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo xtask bench runs it in release"]
async fn keys_per_second_at_concurrency_1_4_and_16() {
    const KEYS: usize = 5_000;
    for concurrency in ["1", "4", "16"] {
        let rig = Rig::start(KEYS).await;
        let (summary, _) = apply(&rig, &["--concurrency", concurrency]).await;
        assert_eq!(summary["applied"]["created"], KEYS as u64, "{summary}");
        println!(
            "migrate bench: {KEYS} keys, Lemon Squeezy emulator → Dodo emulator, concurrency \
             {concurrency:>2}: {:.0} keys/s",
            summary["applied"]["keys_per_second"].as_f64().unwrap()
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark: cargo xtask bench runs it in release"]
async fn peak_memory_at_5000_and_50000_keys_is_within_ten_percent() {
    if !std::path::Path::new("/proc/self/status").exists() {
        println!("migrate bench: no /proc here: peak memory not measured");
        return;
    }
    // Each size twice, the higher peak kept: one short run can end before the allocator has
    // grown its arenas, which reads as a lower baseline than the run really needs.
    let mut peaks = Vec::new();
    for keys in [5_000, 50_000] {
        let mut highest = 0;
        for _ in 0..2 {
            let rig = Rig::start(keys).await;
            let (summary, peak) = apply(&rig, &["--concurrency", "16"]).await;
            assert_eq!(summary["applied"]["created"], keys as u64, "{summary}");
            highest = highest.max(peak);
        }
        println!("migrate bench: {keys} keys, peak RSS {highest} kB (the higher of two runs)");
        peaks.push(highest as f64);
    }
    let growth = peaks[1] / peaks[0] - 1.0;
    println!(
        "migrate bench: peak RSS at 50,000 keys is {:+.1} % of that at 5,000",
        growth * 100.0
    );
    assert!(
        growth.abs() <= 0.10,
        "peak memory grew {:.1} % from 5,000 to 50,000 keys",
        growth * 100.0
    );
}

#[test]
fn the_high_water_mark_is_read_in_kb() {
    let status = "Name:\tlicensectl\nVmPeak:\t  99 kB\nVmHWM:\t   12345 kB\nVmRSS:\t 1 kB\n";
    assert_eq!(high_water_mark(status), Some(12345));
    assert_eq!(high_water_mark("Name: x\n"), None);
}
