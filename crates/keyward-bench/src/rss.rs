//! Peak resident memory of a validate-only process: the `rss-ours` and `rss-bare` binaries each
//! validate against the canned server (one provider per run, on a single-threaded runtime) and
//! print their `VmHWM` from `/proc/self/status` as they exit; the bench runs them as children.

use std::path::PathBuf;
use std::process::Command;

use keyward::{DodoProvider, LemonSqueezyProvider, SignedLicenseProvider};
use keyward_core::LicenseProvider;

use crate::bare::Bare;
use crate::ops::Op;
use crate::{canned, ours};

/// Validate calls each child makes before reporting.
pub const CALLS: usize = 200;

/// What a child prints before its peak RSS.
const PREFIX: &str = "peak_rss_kib=";

/// This process's peak resident set size in KiB (`VmHWM`), where the system reports it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    line.trim().trim_end_matches("kB").trim().parse().ok()
}

/// The arguments of a child: the operation and the server's base URL.
pub fn child_args() -> Result<(Op, String), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [op, base] => Ok((Op::parse(op)?, base.clone())),
        _ => Err(String::from(
            "usage: rss-ours|rss-bare <operation> <base-url>",
        )),
    }
}

/// Prints the peak RSS the way the parent reads it.
pub fn report() -> Result<(), String> {
    let kib = peak_rss_kib().ok_or("no VmHWM in /proc/self/status")?;
    println!("{PREFIX}{kib}");
    Ok(())
}

/// The `rss-ours` child: validates through the facade, one provider only.
pub async fn ours_child(op: Op, base: &str) -> Result<(), String> {
    let (provider, request): (Box<dyn LicenseProvider>, _) = match op {
        Op::DodoValidate => (
            Box::new(DodoProvider::new(ours::dodo(base)?)),
            keyward_core::ValidateRequest::new(canned::DODO_KEY),
        ),
        Op::LsValidate => (
            Box::new(LemonSqueezyProvider::new(ours::lemonsqueezy(base)?)),
            keyward_core::ValidateRequest::new(canned::LS_KEY),
        ),
        Op::DevpayrHasPaid => (
            Box::new(ours::devpayr_facade(ours::devpayr(base)?)),
            keyward_core::ValidateRequest::new(canned::KEY).instance_name(canned::IDENTIFIER),
        ),
        Op::GkmValidate => (
            Box::new(SignedLicenseProvider::new(ours::signed_license(base)?)),
            keyward_core::ValidateRequest::new(canned::KEY).instance_name(canned::IDENTIFIER),
        ),
        other => return Err(format!("{} is not a validate", other.name())),
    };
    for _ in 0..CALLS {
        let outcome = provider
            .validate(request.clone())
            .await
            .map_err(|e| e.to_string())?;
        if !outcome.is_valid() {
            return Err(format!("{}: not valid", op.name()));
        }
    }
    Ok(())
}

/// The `rss-bare` child: the same calls through the bare client.
pub async fn bare_child(op: Op, base: &str) -> Result<(), String> {
    let mut bare = Bare::new(base)?;
    if op == Op::GkmValidate {
        bare = bare.with_signed_key(canned::SIGNED_AT + 30)?;
    }
    for _ in 0..CALLS {
        let ok = match op {
            Op::DodoValidate => bare.dodo_validate(canned::DODO_KEY).await?,
            Op::LsValidate => bare.ls_validate(canned::LS_KEY).await?.valid,
            Op::DevpayrHasPaid => {
                bare.devpayr_has_paid(canned::KEY, canned::IDENTIFIER)
                    .await?
            }
            Op::GkmValidate => bare.gkm_verify(canned::KEY, canned::IDENTIFIER).await?.code == 200,
            other => return Err(format!("{} is not a validate", other.name())),
        };
        if !ok {
            return Err(format!("{}: not valid", op.name()));
        }
    }
    Ok(())
}

/// Runs `rss-<kind>` (built next to this executable) for `op` and reads its peak RSS in KiB.
pub fn run_child(kind: &str, op: Op, base: &str) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let child: PathBuf = exe.with_file_name(format!("rss-{kind}"));
    let output = Command::new(&child)
        .args([op.name(), base])
        .output()
        .map_err(|e| {
            format!(
                "{}: {e} (build it with `cargo build --release -p keyward-bench --bins`)",
                child.display()
            )
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "rss-{kind} {}: {}",
            op.name(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(PREFIX))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("rss-{kind} printed no {PREFIX}"))
}
