//! Project automation: `cargo xtask ci | demo | bench | conformance | examples | faketime |
//! features | fuzz | package`.

use std::process::{Command, ExitCode};

mod app_check;
mod ci_disk;
mod conformance;
mod emulate;
mod examples;
mod faketime;
mod features;
mod fuzz;
mod package;
mod size;
mod target_dir;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench(&args[1..]),
        Some("conformance") => conformance::run(&args[1..]),
        Some("examples") => examples::run_all(),
        Some("faketime") => faketime::run(),
        Some("features") => features::run_all(),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("package") => package::run(),
        Some("demo") => run(
            "cargo",
            &["run", "--quiet", "--package", "keyward-cli", "--", "demo"],
            &[],
        ),
        Some("help") | Some("--help") | Some("-h") | None => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown task `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask <task>

tasks:
  bench [--size]   ours against a bare reqwest + serde client per call (provider crates and facade),
                   signed verify against raw aws-lc-rs, peak RSS, redaction, emulator round trips (release);
                   instructions per call under callgrind (where valgrind is installed), failing when
                   the facade is over 1.05x the bare client;
                   `licensectl migrate`'s keys/s at concurrency 1, 4, 16 and its peak RSS at 5,000
                   and 50,000 keys (failing beyond 10 % apart); then the size budget: a stripped app validating one Lemon Squeezy key through the
                   facade against the same with bare reqwest + serde, failing at 1 MB (10^6 bytes)
                   more or over. --size: the size budget alone
  demo             every provider's emulator on loopback, one licensing flow through one interface
  ci               format check, clippy (warnings denied), the feature combinations, every test
                   (and the root-certificate test again over rustls), every example (built and
                   run against the emulators), the guard under `faketime`, docs (warnings
                   denied; also as docs.rs builds them), cargo deny (bans, licenses, sources), `package` (below, with its
                   throwaway app), the Dodo client against Dodo's OpenAPI (Prism), and every
                   fuzz target for 5 s (where nightly and cargo-fuzz are installed)
  examples         build every example, then run each against the emulators (no account)
  faketime         the guard end to end under Debian's `faketime` against licensectl emulate: a
                   year-ahead boot then corrected stays licensed; a restored state copy under a
                   faked clock is granted at most until the signed lease's end (skipped, with a
                   message, where faketime is not installed)
  features         cargo check of the feature combinations no other step builds (TLS:
                   native-tls alone, none; the facade's parts one by one; the emulator's providers one
                   by one), and cargo tree proving
                   native-tls alone pulls no rustls, and HTTP/2 comes only with `http2`
  fuzz [--seconds N] [--target NAME]
                   build the cargo-fuzz targets in fuzz/ (nightly), run each for N s (default 60),
                   print executions and crashes per target; fails on a crash
  package          cargo package of every published crate, each verified against the others as
                   packaged, in a fresh <target dir>/package-verify/run-* folder per run; then
                   a new app (cargo new, cargo add keyward --features lemonsqueezy,blocking)
                   built from those packages activates and validates against licensectl emulate
  conformance dodo|polar|creem|all
                   a provider client against the provider's own OpenAPI document, served by Prism";

/// The bench binary and the two validate-only children it measures peak RSS of, the run, then
/// the size budget; with `--size`, the size budget alone.
fn bench(args: &[String]) -> Result<(), String> {
    match args {
        [] => {}
        [flag] if flag == "--size" => return size::run(),
        _ => return Err(format!("unknown bench options `{}`", args.join(" "))),
    }
    run(
        "cargo",
        &[
            "build",
            "--quiet",
            "--release",
            "--package",
            "keyward-bench",
            "--bins",
        ],
        &[],
    )?;
    run(
        "cargo",
        &["run", "--quiet", "--release", "--package", "keyward-bench"],
        &[],
    )?;
    // Instructions per call under callgrind (where valgrind is installed): the facade within
    // 1.05x of the bare client, or the bench fails.
    run(
        "cargo",
        &[
            "run",
            "--quiet",
            "--release",
            "--package",
            "keyward-bench",
            "--",
            "callgrind",
        ],
        &[],
    )?;
    // `licensectl migrate` against the emulators: keys/s at concurrency 1, 4 and 16, and the
    // peak RSS at 5,000 and 50,000 keys (failing beyond 10 % apart).
    run(
        "cargo",
        &[
            "test",
            "--quiet",
            "--release",
            "--package",
            "keyward-cli",
            "--test",
            "integration",
            "migrate_bench::",
            "--",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ],
        &[],
    )?;
    size::run()
}

/// Everything CI checks, in the order that fails fastest.
fn ci() -> Result<(), String> {
    run("cargo", &["fmt", "--all", "--", "--check"], &[])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &[],
    )?;
    features::run_all()?;
    run("cargo", &["test", "--workspace", "--all-features"], &[])?;
    // With every feature on, reqwest picks native-tls: the root-certificate test over rustls,
    // the default, runs with default features.
    run(
        "cargo",
        &[
            "test",
            "--package",
            "keyward-http",
            "--test",
            "integration",
            "root_certificate::",
        ],
        &[],
    )?;
    examples::run_all()?;
    faketime::run()?;
    ci_disk::free_test_executables()?;
    run(
        "cargo",
        &["doc", "--workspace", "--no-deps", "--all-features"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    docs_as_docs_rs()?;
    run(
        "cargo",
        &["deny", "check", "bans", "licenses", "sources"],
        &[],
    )?;
    package::run()?;
    conformance::run(&[String::from("all")])?;
    ci_disk::free_debug_build()?;
    fuzz::ci()?;
    println!("xtask ci: all checks passed");
    Ok(())
}

/// The docs as docs.rs builds them (nightly, `--cfg docsrs`, every feature), so feature-gated
/// items show their feature. Skipped, with a note, where no nightly toolchain is installed.
fn docs_as_docs_rs() -> Result<(), String> {
    if !nightly() {
        println!("xtask ci: no nightly toolchain: the docs.rs-style docs build is skipped");
        return Ok(());
    }
    let target_dir = target_dir::main()?.join("docsrs");
    run(
        "cargo",
        &[
            "+nightly",
            "doc",
            "--workspace",
            "--no-deps",
            "--all-features",
            "--target-dir",
            &target_dir.to_string_lossy(),
        ],
        &[("RUSTDOCFLAGS", "--cfg docsrs -D warnings")],
    )
}

/// Whether a nightly toolchain is installed.
pub(crate) fn nightly() -> bool {
    Command::new("rustup")
        .args(["run", "nightly", "rustc", "--version"])
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Runs a command in the workspace root, failing on a non-zero exit.
fn run(program: &str, args: &[&str], env: &[(&str, &str)]) -> Result<(), String> {
    run_in(&workspace_root(), program, args, env)
}

/// Runs a command in `dir`, failing on a non-zero exit.
fn run_in(
    dir: &std::path::Path,
    program: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> Result<(), String> {
    if dir != workspace_root() {
        println!("$ cd {}", dir.display());
    }
    println!("$ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .status()
        .map_err(|e| format!("could not start `{program}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{program} {}` failed ({status})", args.join(" ")))
    }
}

/// The workspace root (the parent of this crate's folder).
pub(crate) fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}
