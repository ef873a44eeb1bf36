//! `cargo xtask bench --size` (and the last part of `cargo xtask bench`): the size budget of a
//! shipped app. Two apps validate one Lemon Squeezy key (`crates/keyward-bench/size/`): `ours`
//! through the facade (default features off, `lemonsqueezy` and `rustls`), `bare` with reqwest +
//! serde alone. Each is built alone in release, stripped, run once against `licensectl
//! emulate`'s Lemon Squeezy (so neither is measured without doing its call: only a validate of
//! the demo key answers `valid`), and its file size compared: the task fails when ours is
//! [`BUDGET`] bytes or more larger.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::emulate::{DEMO_KEY, Emulators};
use crate::{target_dir, workspace_root};

/// The most the facade may add to an app, in bytes: 1 MB (10^6 bytes, not 1 MiB).
pub(crate) const BUDGET: u64 = 1_000_000;

/// Builds, checks and measures both apps; fails over budget.
pub(crate) fn run() -> Result<(), String> {
    let root = workspace_root();
    let manifest = root.join("crates").join("keyward-bench").join("size");
    let target = target_dir::main()?.join("size");
    let emulator = Emulators::start()?;
    let mut sizes = [0u64; 2];
    for (slot, app) in ["size-bare", "size-ours"].into_iter().enumerate() {
        let binary = build(&manifest, &target, app)?;
        check(&binary, &emulator)?;
        sizes[slot] = std::fs::metadata(&binary)
            .map_err(|e| format!("{}: {e}", binary.display()))?
            .len();
    }
    let [bare, ours] = sizes;
    println!("\nsize of a stripped release app validating one Lemon Squeezy key");
    println!("{:<44} {:>12} {:>9}", "app", "bytes", "MB");
    for (name, bytes) in [
        ("bare (reqwest rustls + serde)", bare),
        ("ours (keyward: lemonsqueezy, rustls)", ours),
    ] {
        println!("{name:<44} {bytes:>12} {:>9.2}", megabytes(bytes));
    }
    let verdict = verdict(ours, bare);
    let difference = i128::from(ours) - i128::from(bare);
    println!(
        "{:<44} {difference:>+12} {:>+9.2}  (budget: under {BUDGET} bytes)",
        "ours - bare",
        difference as f64 / 1e6
    );
    verdict
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Within budget when ours adds less than [`BUDGET`] bytes to the bare app.
fn verdict(ours: u64, bare: u64) -> Result<(), String> {
    let added = ours.saturating_sub(bare);
    if added < BUDGET {
        Ok(())
    } else {
        Err(format!(
            "the facade adds {added} bytes to a validate-only app ({ours} against {bare}): the \
             budget is under {BUDGET}"
        ))
    }
}

/// `cargo build --release -p <app>` in the size workspace, alone so its features are its own.
fn build(workspace: &Path, target: &Path, app: &str) -> Result<PathBuf, String> {
    let target_arg = target.to_string_lossy();
    crate::run_in(
        workspace,
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "--package",
            app,
            "--target-dir",
            &target_arg,
        ],
        &[],
    )?;
    Ok(target
        .join("release")
        .join(format!("{app}{}", std::env::consts::EXE_SUFFIX)))
}

/// Runs the app against the emulator and checks it printed `valid`.
fn check(binary: &Path, emulator: &Emulators) -> Result<(), String> {
    let output = Command::new(binary)
        .args([emulator.base_url().as_str(), DEMO_KEY])
        .output()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.success() && stdout.trim() == "valid" {
        Ok(())
    } else {
        Err(format!(
            "{} did not validate ({}): {}{}",
            binary.display(),
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_one_megabyte_of_difference() {
        assert!(verdict(5_700_000, 5_700_000).is_ok());
        assert!(verdict(6_699_999, 5_700_000).is_ok());
        assert!(verdict(6_700_000, 5_700_000).is_err());
        assert!(verdict(7_470_000, 5_700_000).is_err());
        assert!(verdict(5_000_000, 5_700_000).is_ok());
    }
}
