//! The admin commands (create, import, update, disable, enable, list --all, export), run as a user
//! runs them, against every provider's emulator; "not supported by <provider>" (exit 2) where the
//! provider lacks the operation.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::process::Output;

use license_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use license_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use license_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use license_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use support::{TempDir, args, json, run, text};

/// One provider's command line: its flags and environment, and everything it printed.
struct Cli {
    flags: Vec<String>,
    envs: Vec<(String, String)>,
    printed: String,
}

impl Cli {
    fn new(flags: &[&str], envs: &[(&str, String)]) -> Self {
        Self {
            flags: args(flags),
            envs: envs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            printed: String::new(),
        }
    }

    async fn run(&mut self, command: &[&str], stdin: Option<&str>) -> Output {
        let mut a = self.flags.clone();
        a.extend(args(command));
        let out = run(a, self.envs.clone(), stdin.map(str::to_owned)).await;
        self.printed.push_str(&text(&out));
        out
    }

    /// Runs `command` and expects exit code `code`.
    async fn expect(&mut self, code: i32, command: &[&str], stdin: Option<&str>) -> Output {
        let out = self.run(command, stdin).await;
        assert_eq!(out.status.code(), Some(code), "{command:?}: {}", text(&out));
        out
    }

    /// `--json` `command`, expected to succeed.
    async fn json(&mut self, command: &[&str], stdin: Option<&str>) -> serde_json::Value {
        let mut c = vec!["--json"];
        c.extend_from_slice(command);
        json(&self.expect(0, &c, stdin).await)
    }

    /// `list --all --json`: every license.
    async fn all(&mut self) -> Vec<serde_json::Value> {
        let listed = self.json(&["list", "--all"], None).await;
        assert_eq!(
            listed["total"].as_u64().unwrap() as usize,
            listed["items"].as_array().unwrap().len()
        );
        listed["items"].as_array().unwrap().clone()
    }

    /// Disables then enables license `id`; `valid` checks the key after each.
    async fn disable_enable(&mut self, id: &str) {
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
    async fn exports(&mut self, count: usize, secret: &str) {
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
        let mut a = self.flags.clone();
        a.extend(args(&["export", "--format", "csv", "--include-keys"]));
        let out = run(a, self.envs.clone(), None).await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(String::from_utf8_lossy(&out.stdout).contains(secret));
        assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
    }

    fn assert_no_secret(&self, secrets: &[&str]) {
        for secret in secrets {
            assert!(!self.printed.contains(secret), "{secret} was printed");
        }
    }
}

fn not_supported(out: &Output, provider: &str) {
    assert_eq!(out.status.code(), Some(2), "{}", text(out));
    assert!(
        text(out).contains(&format!("not supported by {provider}")),
        "{}",
        text(out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dodo_imports_updates_disables_enables_lists_and_exports() {
    const KEY: &str = "DODO-IMPORTED-SECRET-0001";
    let dodo = DodoEmulator::start().await;
    for i in 0..150 {
        dodo.add_license(DodoSeed::new(format!("DODO-SEEDED-SECRET-{i:04}")));
    }
    let mut cli = Cli::new(
        &["--provider", "dodo", "--base-url", &dodo.uri()],
        &[("DODO_PAYMENTS_API_KEY", dodo.api_key())],
    );

    // The key comes from standard input, never the command line.
    let import = [
        "import",
        "--key-file",
        "-",
        "--product",
        "pdt_1",
        "--customer",
        "cus_1",
        "--limit",
        "2",
        "--expires-at",
        "2030-01-31T00:00:00Z",
    ];
    let created = cli.json(&import, Some(&format!("{KEY}\n"))).await;
    assert_eq!(created["key_last4"], "0001");
    assert_eq!(created["activation_limit"], 2);
    let id = created["id"].as_str().unwrap().to_owned();
    // The same key again: Dodo's 409.
    let out = cli.expect(2, &import, Some(KEY)).await;
    assert!(text(&out).contains("409"), "{}", text(&out));
    // No key, or no customer: refused before anything is sent.
    cli.expect(
        2,
        &["import", "--product", "pdt_1", "--customer", "c"],
        None,
    )
    .await;
    let out = cli.expect(2, &["create", "--product", "pdt_1"], None).await;
    assert!(text(&out).contains("dodo needs"), "{}", text(&out));

    let updated = cli.json(&["update", &id, "--limit", "5"], None).await;
    assert_eq!(updated["activation_limit"], 5);
    let updated = cli
        .json(&["update", &id, "--unlimited", "--never-expires"], None)
        .await;
    assert!(updated["activation_limit"].is_null() && updated["expires_at"].is_null());
    let updated = cli
        .json(
            &["update", &id, "--expires-at", "2031-02-01T00:00:00Z"],
            None,
        )
        .await;
    assert!(
        updated["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2031-02-01")
    );
    cli.expect(2, &["update", &id], None).await;
    cli.expect(2, &["update", &id, "--expires-at", "tomorrow"], None)
        .await;

    cli.json(&["disable", &id], None).await;
    cli.expect(1, &["validate", "-"], Some(KEY)).await;
    cli.json(&["enable", &id], None).await;
    cli.expect(0, &["validate", "-"], Some(KEY)).await;
    cli.disable_enable(&id).await;

    assert_eq!(cli.all().await.len(), 151);
    cli.exports(151, KEY).await;
    cli.assert_no_secret(&[&dodo.api_key()]);
    assert!(!cli.printed.contains("SEEDED-SECRET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn lemon_squeezy_updates_disables_enables_lists_and_exports_but_cannot_create() {
    const KEY: &str = "LS-SECRET-KEY-0042";
    let ls = LemonSqueezyEmulator::start().await;
    let id = ls.add_license(LemonSeed::new(KEY)).to_string();
    for i in 0..120 {
        ls.add_license(LemonSeed::new(format!("LS-SEEDED-SECRET-{i:04}")));
    }
    let mut cli = Cli::new(
        &["--provider", "lemonsqueezy", "--base-url", &ls.uri()],
        &[("LEMONSQUEEZY_API_KEY", ls.api_key())],
    );
    let out = cli.run(&["import", "--key-file", "-"], Some(KEY)).await;
    not_supported(&out, "lemonsqueezy");
    let out = cli.run(&["create"], None).await;
    not_supported(&out, "lemonsqueezy");

    let updated = cli.json(&["update", &id, "--limit", "7"], None).await;
    assert_eq!(updated["activation_limit"], 7);
    let updated = cli
        .json(
            &[
                "update",
                &id,
                "--unlimited",
                "--expires-at",
                "2030-01-01T00:00:00Z",
            ],
            None,
        )
        .await;
    assert!(updated["activation_limit"].is_null());
    assert!(
        updated["expires_at"]
            .as_str()
            .unwrap()
            .starts_with("2030-01-01")
    );
    cli.disable_enable(&id).await;

    assert_eq!(cli.all().await.len(), 121);
    cli.exports(121, KEY).await;
    cli.assert_no_secret(&[&ls.api_key()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn devpayr_creates_disables_enables_lists_and_exports_but_cannot_import_or_change_limits() {
    let devpayr = DevPayrEmulator::start_seeded().await;
    let project = SEED_PROJECT.to_string();
    let mut cli = Cli::new(
        &[
            "--provider",
            "devpayr",
            "--base-url",
            &devpayr.uri(),
            "--project",
            &project,
        ],
        &[("DEVPAYR_API_KEY", GLOBAL_KEY.to_owned())],
    );
    let before = cli.all().await.len();
    let created = cli
        .json(&["create", "--title", "Pro plan", "--limit", "3"], None)
        .await;
    let id = created["id"].as_str().unwrap().to_owned();
    let secret = devpayr.license_key(id.parse().unwrap()).unwrap();
    assert_eq!(created["key_last4"], secret[secret.len() - 4..]);

    let out = cli
        .run(
            &["import", "--key-file", "-", "--title", "x"],
            Some("K-1234"),
        )
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot import"), "{}", text(&out));
    let out = cli.run(&["update", &id, "--limit", "5"], None).await;
    not_supported(&out, "devpayr");
    let out = cli.run(&["instances", &id], None).await;
    not_supported(&out, "devpayr");

    cli.disable_enable(&id).await;
    assert_eq!(cli.all().await.len(), before + 1);
    cli.exports(before + 1, &secret).await;
    cli.assert_no_secret(&[&secret, GLOBAL_KEY]);
}

#[tokio::test(flavor = "multi_thread")]
async fn getkeymanager_imports_lists_and_exports() {
    const KEY: &str = "GKM-IMPORTED-SECRET-7777";
    let gkm = SignedLicenseEmulator::start().await;
    gkm.add_license(
        GkmSeed::new("GKM-SEEDED-SECRET-0001")
            .unassigned()
            .product(1),
    );
    let dir = TempDir::new("admin-gkm");
    std::fs::write(dir.path("public.pem"), gkm.public_key_pem()).unwrap();
    std::fs::write(dir.path("key.txt"), format!("{KEY}\n")).unwrap();
    let mut cli = Cli::new(
        &["--provider", "signed-license", "--base-url", &gkm.uri()],
        &[
            ("GETKEYMANAGER_API_KEY", gkm.api_key()),
            ("GETKEYMANAGER_PUBLIC_KEY_FILE", dir.path("public.pem")),
            ("GETKEYMANAGER_PRODUCT_ID", String::from("1")),
        ],
    );
    let created = cli
        .json(
            &["import", "--key-file", &dir.path("key.txt"), "--limit", "2"],
            None,
        )
        .await;
    assert_eq!(created["key_last4"], "7777");
    let id = created["id"].as_str().unwrap().to_owned();
    let out = cli.run(&["create"], None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    // An expiry date is not something GetKeyManager takes (a validity in days from assignment).
    let out = cli
        .run(
            &["update", &id, "--expires-at", "2030-01-01T00:00:00Z"],
            None,
        )
        .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("validity"), "{}", text(&out));
    // The emulator does not serve `update-license-key` (the facade's update, disable and enable
    // are tested against the documented signed payloads in crates/licensing/tests), so those
    // stop here at the HTTP layer: an error, exit code 2, never a false success.
    let out = cli.run(&["disable", &id], None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));

    assert_eq!(cli.all().await.len(), 2);
    cli.exports(2, KEY).await;
    cli.assert_no_secret(&[&gkm.api_key()]);
}
