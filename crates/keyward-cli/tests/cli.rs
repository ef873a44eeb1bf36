//! The binary, run as a user runs it, against the emulators.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::process::{Command, Output, Stdio};

use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};
use support::{args, run, text};

const KEY: &str = "CLI-TEST-KEY-0001-WXYZ";

/// Runs licensectl off the async runtime, so the emulator keeps answering.
async fn licensectl(
    args: Vec<String>,
    envs: Vec<(&'static str, String)>,
    stdin: Option<&'static str>,
) -> Output {
    let envs = envs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    run(args, envs, stdin.map(str::to_owned)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_runs_every_provider_and_prints_no_key() {
    let output = licensectl(args(&["demo"]), vec![], None).await;
    let shown = text(&output);
    assert!(output.status.success(), "{shown}");
    for title in ["Dodo Payments", "Lemon Squeezy", "DevPayr", "GetKeyManager"] {
        assert!(shown.contains(title), "{shown}");
    }
    assert!(
        shown.contains("refused: activation limit reached"),
        "{shown}"
    );
    assert!(shown.contains("a tampered answer") && shown.contains("signature check failed"));
    assert!(shown.contains("demo finished"), "{shown}");
    assert!(
        !shown.contains("DEMO-7F3A-41C2-9B8E-5D60"),
        "a license key was printed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn validate_activate_and_exit_codes_against_the_dodo_emulator() {
    let dodo = DodoEmulator::start().await;
    let id = dodo.add_license(LicenseSeed::new(KEY).activation_limit(1));
    let base = |cmd: &[&str]| {
        let mut a = args(&["--provider", "dodo", "--base-url", &dodo.uri()]);
        a.extend(args(cmd));
        a
    };
    let env = vec![("DODO_PAYMENTS_API_KEY", dodo.api_key())];
    let mut everything = String::new();

    let out = licensectl(base(&["validate", KEY]), env.clone(), None).await;
    everything.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");

    let out = licensectl(base(&["validate", "NO-SUCH-KEY-1234"]), env.clone(), None).await;
    everything.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));

    // The key from standard input, JSON out.
    let out = licensectl(
        base(&["--json", "activate", "-", "laptop"]),
        env.clone(),
        Some("CLI-TEST-KEY-0001-WXYZ\n"),
    )
    .await;
    everything.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["activated"], true);
    assert_eq!(json["instance"]["name"], "laptop");

    let out = licensectl(base(&["activate", KEY, "desktop"]), env.clone(), None).await;
    everything.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("activation limit reached"));

    let out = licensectl(base(&["--json", "get", &id]), env.clone(), None).await;
    everything.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["key_last4"], "WXYZ");
    assert_eq!(json["activations"], 1);

    assert!(!everything.contains(KEY), "the license key was printed");
    assert!(
        !everything.contains(&dodo.api_key()),
        "the API key was printed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn configuration_mistakes_are_explained_with_exit_code_2() {
    let out = licensectl(args(&["validate", KEY]), vec![], None).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--provider"), "{}", text(&out));

    let out = licensectl(
        args(&["--provider", "signed-license", "validate", KEY]),
        vec![],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--base-url"), "{}", text(&out));

    let out = licensectl(
        args(&["--provider", "devpayr", "validate", KEY]),
        vec![],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("--project"), "{}", text(&out));

    // A misspelt environment is refused rather than taken for live mode.
    let out = licensectl(
        args(&[
            "--provider",
            "dodo",
            "--base-url",
            "http://127.0.0.1:9",
            "validate",
            KEY,
        ]),
        vec![("DODO_PAYMENTS_ENVIRONMENT", String::from("test"))],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("test_mode"), "{}", text(&out));

    let out = licensectl(
        args(&[
            "--provider",
            "dodo",
            "--base-url",
            "http://licenses.example.com",
            "validate",
            KEY,
        ]),
        vec![],
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("https"), "{}", text(&out));
}

#[test]
fn a_closed_stdout_keeps_the_exit_code() {
    // The reader of the pipe is gone before licensectl writes (`licensectl … | head -0`).
    let mut child = Command::new(env!("CARGO_BIN_EXE_licensectl"))
        .args(["--provider", "dodo", "capabilities"])
        .env_remove("LICENSECTL_BASE_URL")
        .env_remove("DODO_PAYMENTS_ENVIRONMENT")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
