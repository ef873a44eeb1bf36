//! Peak resident memory of a validate-only process: the `rss-ours` and `rss-bare` binaries each
//! validate against the canned server (one provider per run, on a single-threaded runtime) and
//! print their `VmHWM` from `/proc/self/status` as they exit; the bench runs them as children.

use std::path::PathBuf;
use std::process::Command;

use keyward::{
    CreemProvider, DodoProvider, GumroadProvider, LemonSqueezyProvider, PolarProvider,
    SignedLicenseProvider,
};
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
    let provider: Box<dyn LicenseProvider> = match op {
        Op::DodoValidate => Box::new(DodoProvider::new(ours::dodo(base)?)),
        Op::LsValidate => Box::new(LemonSqueezyProvider::new(ours::lemonsqueezy(base)?)),
        Op::DevpayrHasPaid => Box::new(ours::devpayr_facade(ours::devpayr(base)?)),
        Op::GkmValidate => Box::new(SignedLicenseProvider::new(ours::signed_license(base)?)),
        Op::PolarValidate => Box::new(PolarProvider::new(ours::polar(base)?)),
        Op::CreemValidate => Box::new(CreemProvider::new(ours::creem(base)?)),
        Op::GumroadValidate => Box::new(GumroadProvider::new(ours::gumroad(base)?)),
        other => return Err(format!("{} is not a validate", other.name())),
    };
    let request = op.validate_request();
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
    if !Op::VALIDATES.contains(&op) {
        return Err(format!("{} is not a validate", op.name()));
    }
    for _ in 0..CALLS {
        let ok = bare.call(op).await?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Every operation the peak-RSS table lists runs in both children (in process here).
    #[tokio::test(flavor = "current_thread")]
    async fn every_validate_runs_in_both_children() {
        let server = canned::serve().await.unwrap();
        for op in Op::VALIDATES {
            ours_child(op, server.url()).await.unwrap();
            bare_child(op, server.url()).await.unwrap();
        }
        assert!(ours_child(Op::DodoRetrieve, server.url()).await.is_err());
    }
}
