//! `cargo xtask faketime`: the guard under a faked clock, end to end. A small app built on the
//! guard (`keyward`'s `guard_app` example) runs under Debian's `faketime` against `licensectl
//! emulate`, with the system clock it would have on a user's machine:
//!
//! - a year-ahead boot, then the clock corrected, keeps a paying user licensed (Lemon Squeezy:
//!   the provider's `Date` is recorded, not the wrong clock);
//! - a restored copy of the state under a faked clock is granted at most until the end of the
//!   provider's signed lease (GetKeyManager's signed answer, Keygen's machine file), and not at
//!   all past it.
//!
//! Skipped, with a message, where `faketime` is not installed (`.ci/run` installs it).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::emulate::{DEMO_KEY, Emulators};

/// What the app's first output line says.
#[derive(Debug)]
struct Seen {
    licensed: bool,
    source: String,
    ends_at: Option<i64>,
    lease_ends_at: Option<i64>,
    clock_rolled_back: bool,
}

pub(crate) fn run() -> Result<(), String> {
    if Command::new("faketime").arg("--version").output().is_err() {
        println!(
            "xtask faketime: `faketime` is not installed (Debian package `faketime`; .ci/run \
             installs it): the guard's faked-clock run is skipped"
        );
        return Ok(());
    }
    crate::run(
        "cargo",
        &[
            "build",
            "--quiet",
            "--package",
            "keyward",
            "--all-features",
            "--example",
            "guard_app",
        ],
        &[],
    )?;
    let app = crate::target_dir::main()?
        .join("debug")
        .join("examples")
        .join(format!("guard_app{}", std::env::consts::EXE_SUFFIX));
    let emulators = Emulators::start()?;
    let dir = std::env::temp_dir().join(format!("keyward-faketime-{}", std::process::id()));
    let runner = Runner {
        app,
        emulators: &emulators,
    };
    let result = year_ahead_then_corrected(&runner, &dir.join("lemonsqueezy"))
        .and_then(|()| restored_copy_under_a_faked_clock(&runner, "signed-license", &dir))
        .and_then(|()| restored_copy_under_a_faked_clock(&runner, "keygen", &dir));
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    println!("xtask faketime: the guard held under a faked clock");
    Ok(())
}

fn year_ahead_then_corrected(run: &Runner<'_>, dir: &Path) -> Result<(), String> {
    let p = "lemonsqueezy";
    let boot = run.app(Some("+365d"), p, "check", dir)?;
    expect(
        boot.licensed && boot.source == "online",
        "a year-ahead boot is licensed online",
        &boot,
    )?;
    expect(
        !boot.clock_rolled_back,
        "a year-ahead boot flags nothing",
        &boot,
    )?;
    let corrected = run.app(None, p, "start", dir)?;
    let week = now() + 7 * 24 * 3600;
    let full_grace = corrected
        .ends_at
        .is_some_and(|end| (week - 120..=week + 120).contains(&end));
    expect(
        corrected.licensed && !corrected.clock_rolled_back && full_grace,
        "the corrected clock starts licensed, nothing flagged, the grace counted from the \
         provider's time of the check",
        &corrected,
    )?;
    let online = run.app(None, p, "check", dir)?;
    expect(
        online.licensed && !online.clock_rolled_back,
        "the corrected clock is licensed online, no rollback flagged",
        &online,
    )
}

fn restored_copy_under_a_faked_clock(run: &Runner<'_>, p: &str, dir: &Path) -> Result<(), String> {
    let dir = &dir.join(p);
    let checked = run.app(None, p, "check", dir)?;
    expect(checked.licensed, "the first check is licensed", &checked)?;
    let stored = run.app(None, p, "verdict", dir)?;
    let lease_end = stored
        .lease_ends_at
        .ok_or_else(|| format!("no signed lease stored: {stored:?}"))?;
    let copy = std::fs::read_dir(dir)
        .and_then(|mut entries| entries.next().transpose())
        .map_err(|e| e.to_string())?
        .ok_or("no state file")?
        .path();
    let kept = std::fs::read(&copy).map_err(|e| e.to_string())?;
    for (offset, within) in [("+6d", true), ("+8d", false)] {
        std::fs::write(&copy, &kept).map_err(|e| e.to_string())?;
        let seen = run.app(Some(offset), p, "start", dir)?;
        if within {
            expect(
                seen.licensed && seen.ends_at == Some(lease_end),
                "a restored copy under a clock 6 days on is granted until the lease's end",
                &seen,
            )?;
        } else {
            expect(
                !seen.licensed,
                "a restored copy under a clock past the lease's end is not licensed",
                &seen,
            )?;
        }
    }
    Ok(())
}

struct Runner<'a> {
    app: PathBuf,
    emulators: &'a Emulators,
}

impl Runner<'_> {
    /// Runs the app, under `faketime -f <offset>` when given; its first line, parsed.
    fn app(
        &self,
        offset: Option<&str>,
        provider: &str,
        command: &str,
        dir: &Path,
    ) -> Result<Seen, String> {
        let dir = dir.to_string_lossy();
        let args = [provider, command, dir.as_ref(), DEMO_KEY];
        let mut cmd = match offset {
            Some(offset) => {
                let mut c = Command::new("faketime");
                // Timers and timeouts keep the real monotonic clock.
                c.args(["-f", offset])
                    .arg(&self.app)
                    .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
                c
            }
            None => Command::new(&self.app),
        };
        cmd.args(args)
            .envs(self.emulators.env().iter().map(|(k, v)| (k, v)));
        let shown = offset.map_or_else(String::new, |o| format!("faketime -f {o} "));
        println!("$ {shown}guard_app {}", args[..2].join(" "));
        let out = cmd
            .output()
            .map_err(|e| format!("could not start the app: {e}"))?;
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        for line in lines {
            println!("  {line}");
        }
        parse(first).ok_or_else(|| {
            format!(
                "the app said {first:?} ({}); stderr: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            )
        })
    }
}

fn parse(line: &str) -> Option<Seen> {
    let field = |name: &str| {
        line.split(' ')
            .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
    };
    let time = |name: &str| field(name).and_then(|v| v.parse::<i64>().ok());
    Some(Seen {
        licensed: field("licensed")?.parse().ok()?,
        source: field("source")?.to_owned(),
        ends_at: time("ends_at"),
        lease_ends_at: time("lease_ends_at"),
        clock_rolled_back: field("clock_rolled_back")?.parse().ok()?,
    })
}

fn expect(holds: bool, what: &str, seen: &Seen) -> Result<(), String> {
    if holds {
        println!("  ok: {what}");
        Ok(())
    } else {
        Err(format!("not so: {what}: {seen:?}"))
    }
}

/// The real time now, Unix seconds (this process runs without `faketime`).
fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
