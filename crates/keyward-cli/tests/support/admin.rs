//! One provider's command line for the admin tests: its flags and environment, the output it
//! printed (to check no secret shows), and the checks every provider's admin commands share.

use std::process::Output;

use super::{args, json, run, text};

/// One provider's command line: its flags and environment, and everything it printed.
pub(crate) struct Cli {
    flags: Vec<String>,
    envs: Vec<(String, String)>,
    /// Everything printed so far (without the `--include-keys` exports).
    pub(crate) printed: String,
}

impl Cli {
    /// `flags` before every command, `envs` its environment.
    pub(crate) fn new(flags: &[&str], envs: &[(&str, String)]) -> Self {
        Self {
            flags: args(flags),
            envs: envs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            printed: String::new(),
        }
    }

    /// `--provider name` with an environment given as owned pairs (a running emulate's).
    pub(crate) fn provider(name: &str, envs: Vec<(String, String)>) -> Self {
        Self {
            flags: args(&["--provider", name]),
            envs,
            printed: String::new(),
        }
    }

    /// Runs `command` with `stdin`, keeping what it printed.
    pub(crate) async fn run(&mut self, command: &[&str], stdin: Option<&str>) -> Output {
        let mut a = self.flags.clone();
        a.extend(args(command));
        let out = run(a, self.envs.clone(), stdin.map(str::to_owned)).await;
        self.printed.push_str(&text(&out));
        out
    }

    /// Runs `command` and expects exit code `code`.
    pub(crate) async fn expect(
        &mut self,
        code: i32,
        command: &[&str],
        stdin: Option<&str>,
    ) -> Output {
        let out = self.run(command, stdin).await;
        assert_eq!(out.status.code(), Some(code), "{command:?}: {}", text(&out));
        out
    }

    /// `--json` `command`, expected to succeed.
    pub(crate) async fn json(
        &mut self,
        command: &[&str],
        stdin: Option<&str>,
    ) -> serde_json::Value {
        let mut c = vec!["--json"];
        c.extend_from_slice(command);
        json(&self.expect(0, &c, stdin).await)
    }

    /// `list --all --json`: every license.
    pub(crate) async fn all(&mut self) -> Vec<serde_json::Value> {
        let listed = self.json(&["list", "--all"], None).await;
        assert_eq!(
            listed["total"].as_u64().unwrap() as usize,
            listed["items"].as_array().unwrap().len()
        );
        listed["items"].as_array().unwrap().clone()
    }

    /// `update` to a limit of 5, then to no limit and no expiry; the last answer.
    pub(crate) async fn limit_then_unlimited(&mut self, id: &str) -> serde_json::Value {
        let updated = self.json(&["update", id, "--limit", "5"], None).await;
        assert_eq!(updated["activation_limit"], 5, "{updated}");
        let updated = self
            .json(&["update", id, "--unlimited", "--never-expires"], None)
            .await;
        assert!(
            updated["activation_limit"].is_null() && updated["expires_at"].is_null(),
            "{updated}"
        );
        updated
    }

    /// Disables then enables license `id`; `valid` checks the key after each.
    pub(crate) async fn disable_enable(&mut self, id: &str) {
        let disabled = self.json(&["disable", id], None).await;
        let status = disabled["status"].as_str().unwrap().to_owned();
        assert!(
            ["disabled", "revoked"].contains(&status.as_str()),
            "{disabled}"
        );
        let enabled = self.json(&["enable", id], None).await;
        assert_ne!(enabled["status"].as_str().unwrap(), status, "{enabled}");
    }

    /// `export` in both formats, with and without keys; `secret` is one key of the provider.
    pub(crate) async fn exports(&mut self, count: usize, secret: &str) {
        let out = self.expect(0, &["export"], None).await;
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        assert_eq!(stdout.lines().count(), count, "{stdout}");
        for line in stdout.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            assert!(v["key_last4"].is_string() && v.get("key").is_none(), "{v}");
        }
        assert!(!stdout.contains(secret) && out.stderr.is_empty());
        let out = self.expect(0, &["export", "--format", "csv"], None).await;
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        assert_eq!(stdout.lines().count(), count + 1);
        assert!(stdout.starts_with("provider,id,key_last4,status"));
        assert!(!stdout.contains(secret));
        // With the keys: they are there, and a warning says so on standard error.
        for format in ["csv", "jsonl"] {
            let mut a = self.flags.clone();
            a.extend(args(&["export", "--format", format, "--include-keys"]));
            let out = run(a, self.envs.clone(), None).await;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out));
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(stdout.contains(secret), "{format}: {stdout}");
            assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
            if format == "jsonl" {
                let keys = stdout.lines().filter(|l| {
                    serde_json::from_str::<serde_json::Value>(l).unwrap()["key"] == secret
                });
                assert_eq!(keys.count(), 1, "{stdout}");
            } else {
                assert!(stdout.lines().next().unwrap().ends_with(",key"), "{stdout}");
                let keys = csv_column(&out.stdout, "key");
                assert_eq!(keys.iter().filter(|k| *k == secret).count(), 1, "{stdout}");
            }
        }
    }

    pub(crate) fn assert_no_secret(&self, secrets: &[&str]) {
        for secret in secrets {
            assert!(!self.printed.contains(secret), "{secret} was printed");
        }
    }
}

/// Exit code 2 and "not supported by `provider`".
pub(crate) fn not_supported(out: &Output, provider: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(out));
    assert!(
        text(out).contains(&format!("not supported by {provider}")),
        "{}",
        text(out)
    );
}

/// The cells of `column` in a CSV export with a header, read back with the `csv` crate.
pub(crate) fn csv_column(export: &[u8], column: &str) -> Vec<String> {
    let mut reader = csv::Reader::from_reader(export);
    let index = reader
        .headers()
        .unwrap()
        .iter()
        .position(|c| c == column)
        .unwrap_or_else(|| panic!("no {column} column"));
    reader
        .records()
        .map(|r| r.unwrap()[index].to_owned())
        .collect()
}
