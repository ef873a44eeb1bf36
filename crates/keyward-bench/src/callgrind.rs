//! `keyward-bench callgrind`: every operation through each client under valgrind's callgrind,
//! as instructions per call, and the facade's ratio to the bare client held to a budget.
//!
//! Each run is `keyward-bench profile <operation> <variant> 300` (set-up and warm-up first,
//! only `profile::measured` collected), so the count is the calls' own work, the canned
//! server's share included (it runs on the same thread). Instruction counts repeat from run to
//! run where wall-clock times on a shared machine do not; a run can still differ from the next
//! by about 1.5 % (the allocator's free lists and the timer wheel), so each cell is the lowest
//! of two runs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::ops::{Op, Variant};

/// The most the facade may cost over the bare reqwest + serde client, in instructions per call.
pub const FACADE_BUDGET: f64 = 1.05;

/// Calls collected per run.
const CALLS: u64 = 300;

/// Runs per cell; the lowest is kept.
const RUNS: usize = 2;

/// One operation's instructions per call through each client.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    /// The operation.
    pub op: Op,
    /// Bare reqwest + serde.
    pub bare: f64,
    /// The provider crate.
    pub krate: f64,
    /// The provider crate behind the facade.
    pub facade: f64,
}

impl Row {
    /// The facade's instructions over the bare client's.
    pub fn facade_ratio(&self) -> f64 {
        self.facade / self.bare
    }
}

/// Measures every operation, prints the table, and fails when the facade is over budget for
/// any. Where valgrind is not installed it says so and measures nothing.
pub fn run() -> Result<(), String> {
    if Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        println!("\ncallgrind: skipped (valgrind is not installed; Debian: apt install valgrind)");
        return Ok(());
    }
    let exe = std::env::current_exe().map_err(|e| format!("this executable: {e}"))?;
    let dir = std::env::temp_dir().join(format!("keyward-callgrind-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let rows = Op::ALL
        .into_iter()
        .map(|op| {
            let [bare, krate, facade] = Variant::ALL.map(|variant| lowest(&exe, &dir, op, variant));
            Ok(Row {
                op,
                bare: bare?,
                krate: krate?,
                facade: facade?,
            })
        })
        .collect::<Result<Vec<_>, String>>();
    let _ = std::fs::remove_dir_all(&dir);
    let rows = rows?;
    print(&rows);
    let over = over_budget(&rows);
    if over.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the facade is over {FACADE_BUDGET}x the bare client in instructions: {}",
            over.join(", ")
        ))
    }
}

/// The operations whose facade is over [`FACADE_BUDGET`].
pub fn over_budget(rows: &[Row]) -> Vec<&'static str> {
    rows.iter()
        .filter(|row| row.facade_ratio() > FACADE_BUDGET)
        .map(|row| row.op.name())
        .collect()
}

fn print(rows: &[Row]) {
    println!(
        "\ncallgrind, instructions per call (lowest of {RUNS} runs of {CALLS} calls; canned server included)"
    );
    println!(
        "{:<24} {:>10} {:>18} {:>18}",
        "operation", "bare", "crate", "facade"
    );
    for row in rows {
        println!(
            "{:<24} {:>10.0} {:>10.0} ({:.3}x) {:>10.0} ({:.3}x)",
            row.op.name(),
            row.bare,
            row.krate,
            row.krate / row.bare,
            row.facade,
            row.facade_ratio()
        );
    }
}

/// The lowest instructions per call of [`RUNS`] runs.
fn lowest(exe: &Path, dir: &Path, op: Op, variant: Variant) -> Result<f64, String> {
    (0..RUNS)
        .map(|run| {
            per_call(
                exe,
                &dir.join(format!("{}.{}.{run}", op.name(), variant.name())),
                op,
                variant,
            )
        })
        .try_fold(f64::INFINITY, |low, n| n.map(|n| low.min(n)))
}

/// One run under callgrind: the instructions it collected, per call.
fn per_call(exe: &Path, out: &PathBuf, op: Op, variant: Variant) -> Result<f64, String> {
    let output = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .args([
            "--collect-atstart=no",
            "--toggle-collect=*profile::measured*",
        ])
        .arg(exe)
        .args(["profile", op.name(), variant.name(), &CALLS.to_string()])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("could not start valgrind: {e}"))?;
    let what = format!("{} through {}", op.name(), variant.name());
    if !output.status.success() {
        return Err(format!(
            "{what} under callgrind failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = std::fs::read_to_string(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let total = collected(&text).ok_or_else(|| format!("{what}: no total in {}", out.display()))?;
    // Instruction counts stay far below 2^53: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    Ok(total as f64 / CALLS as f64)
}

/// The instructions a callgrind output file collected: its `summary:` line (or `totals:`, which
/// older valgrind writes instead).
pub fn collected(text: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let value = line
            .strip_prefix("summary:")
            .or_else(|| line.strip_prefix("totals:"))?;
        value.split_whitespace().next()?.parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_total_is_read_from_either_line() {
        assert_eq!(collected("events: Ir\nsummary: 12345\n"), Some(12345));
        assert_eq!(collected("totals: 77 3\n"), Some(77));
        assert_eq!(collected("events: Ir\nfn=main\n"), None);
        assert_eq!(collected("summary: lots\n"), None);
    }

    #[test]
    fn only_a_facade_over_budget_fails() {
        let row = |op, bare, facade| Row {
            op,
            bare,
            krate: bare,
            facade,
        };
        let rows = [
            row(Op::DodoValidate, 100_000.0, 105_000.0),
            row(Op::LsValidate, 100_000.0, 105_001.0),
            row(Op::PolarValidate, 100_000.0, 90_000.0),
        ];
        assert_eq!(over_budget(&rows), ["lemonsqueezy-validate"]);
        assert!(over_budget(&rows[..1]).is_empty());
    }
}
