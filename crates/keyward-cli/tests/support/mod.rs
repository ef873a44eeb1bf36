//! Running the real `licensectl` binary from the tests, off the async runtime so the emulators in
//! the test process keep answering.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub(crate) mod admin;
pub(crate) mod emulate;
pub(crate) mod migrate;

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

use tempfile::TempDir;

/// The environment the tests must not inherit (a developer's shell may set any of it).
const CLEARED: [&str; 13] = [
    "LICENSECTL_PROVIDER",
    "LICENSECTL_BASE_URL",
    "DODO_PAYMENTS_ENVIRONMENT",
    "DODO_PAYMENTS_API_KEY",
    "LEMONSQUEEZY_API_KEY",
    "DEVPAYR_API_KEY",
    "DEVPAYR_PROJECT_ID",
    "GETKEYMANAGER_API_KEY",
    "GETKEYMANAGER_PUBLIC_KEY_FILE",
    "DODO_PAYMENTS_BASE_URL",
    "LEMONSQUEEZY_BASE_URL",
    "DEVPAYR_BASE_URL",
    "GETKEYMANAGER_BASE_URL",
];

/// `licensectl` with `args` and `envs`, standard streams piped, not yet started.
pub(crate) fn command(args: &[String], envs: &[(String, String)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_licensectl"));
    command.args(args);
    for name in CLEARED {
        command.env_remove(name);
    }
    command.env_remove("GETKEYMANAGER_PRODUCT_ID");
    command
        .envs(envs.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Starts `licensectl` in the background.
pub(crate) fn spawn(args: &[String], envs: &[(String, String)]) -> Child {
    command(args, envs).spawn().unwrap()
}

/// Runs `licensectl` to the end, `stdin` written to its standard input.
pub(crate) async fn run(
    args: Vec<String>,
    envs: Vec<(String, String)>,
    stdin: Option<String>,
) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut child = spawn(&args, &envs);
        if let Some(text) = stdin {
            child
                .stdin
                .take()
                .unwrap()
                .write_all(text.as_bytes())
                .unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}

/// The path of `name` inside `dir`, as a command-line argument.
pub(crate) fn in_dir(dir: &TempDir, name: &str) -> String {
    dir.path().join(name).to_string_lossy().into_owned()
}

/// `list` as owned arguments.
pub(crate) fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Standard output and standard error together.
pub(crate) fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Standard output as JSON.
pub(crate) fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(output)))
}
