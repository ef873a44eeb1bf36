//! `licensectl emulate` as a child process: started, read up to its "Ready" line, driven through
//! its printed environment and control API, stopped by a signal.

use std::io::{BufRead, BufReader};
use std::process::{Child, Output};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{args, run, text};

/// A running `licensectl emulate`, killed when dropped.
pub(crate) struct Running {
    pub(crate) child: Child,
    /// The `export NAME=VALUE` lines it printed.
    pub(crate) env: Vec<(String, String)>,
    /// The control API's URL (ends with `/_emulator/`).
    pub(crate) control: String,
    /// Everything it printed before it was ready.
    pub(crate) printed: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    /// A variable of the printed environment.
    pub(crate) fn var(&self, name: &str) -> String {
        self.env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {}", self.printed))
    }

    /// `licensectl` with the printed environment, `stdin` on standard input.
    pub(crate) async fn cli(&self, command: &[&str], stdin: Option<&str>) -> Output {
        run(args(command), self.env.clone(), stdin.map(str::to_owned)).await
    }

    /// [`cli`](Self::cli), expecting exit code `code`.
    pub(crate) async fn expect(&self, code: i32, command: &[&str], stdin: Option<&str>) -> Output {
        let out = self.cli(command, stdin).await;
        assert_eq!(out.status.code(), Some(code), "{command:?}: {}", text(&out));
        out
    }

    /// A POST to the control API, expected to succeed.
    pub(crate) async fn control(&self, knob: &str, body: Value) -> Value {
        let answer = reqwest::Client::new()
            .post(format!("{}{knob}", self.control))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = answer.status();
        let body: Value = answer.json().await.unwrap();
        assert_eq!(status, 200, "{knob}: {body}");
        body
    }

    /// Every emulator's state, from the control API.
    pub(crate) async fn dump(&self) -> Value {
        let answer = reqwest::get(format!("{}dump", self.control)).await.unwrap();
        assert_eq!(answer.status(), 200);
        answer.json().await.unwrap()
    }

    /// Sends `signal` (`-TERM`, `-INT`) and expects a clean exit (code 0) within 5 s.
    pub(crate) fn stop(&mut self, signal: &str) {
        let pid = self.child.id().to_string();
        let killed = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(5);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "still running 5 s after kill {signal}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        assert_eq!(status.code(), Some(0));
    }
}

/// Starts `licensectl emulate <extra>` and reads its printout up to the "Ready" line.
pub(crate) fn start(extra: &[&str]) -> Running {
    let mut a = vec!["emulate"];
    a.extend_from_slice(extra);
    let mut child = super::spawn(&args(&a), &[]);
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut printed = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .unwrap_or_else(|e| panic!("not ready ({e}): {printed}"));
        printed.push_str(&line);
        printed.push('\n');
        if line.starts_with("# Ready") {
            break;
        }
    }
    let env = printed
        .lines()
        .filter_map(|l| l.strip_prefix("export "))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let control = printed
        .lines()
        .find_map(|l| l.trim().strip_prefix("control API"))
        .unwrap()
        .trim()
        .to_owned();
    Running {
        child,
        env,
        control,
        printed,
    }
}
