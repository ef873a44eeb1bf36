//! The secret canary, command-line share (issue 14 item 3): `licensectl` run as a user runs it,
//! the canary API keys in the environment and the canary license keys on standard input,
//! against the emulators in this process, a server echoing all it received and a closed
//! port.
//! Its standard output and error, for every command, succeeding and failing, and the files it
//! writes (the migration journal, an export without `--include-keys`) hold no 8-character
//! piece of a secret. The checker, the echoing server and the emulators are the library suite's
//! (`crates/keyward/tests/canary.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../keyward/tests/canary/check.rs"]
#[allow(dead_code)]
mod check;
#[path = "../../keyward/tests/canary/echo.rs"]
mod echo;
#[path = "../../keyward/tests/canary/rig.rs"]
#[allow(dead_code)]
mod rig;
mod support;

use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use check::{
    CREATED_KEY, CREEM_API_KEY, DEVPAYR_API_KEY, DODO_API_KEY, GKM_API_KEY, GUMROAD_TOKEN,
    KEYGEN_TOKEN, LEMON_API_KEY, LICENSE_KEY, POLAR_API_KEY, Shown,
};
use keyward_emulator::keygen::ACCOUNT_ID;
use support::{args, run, text};
use tempfile::TempDir;

/// The command-line name, API key variable and API key of provider `index` ([`rig::NAMES`]).
const PROVIDERS: [(&str, &str, &str); 8] = [
    ("dodo", "DODO_PAYMENTS_API_KEY", DODO_API_KEY),
    ("lemonsqueezy", "LEMONSQUEEZY_API_KEY", LEMON_API_KEY),
    ("devpayr", "DEVPAYR_API_KEY", DEVPAYR_API_KEY),
    ("signed-license", "GETKEYMANAGER_API_KEY", GKM_API_KEY),
    ("polar", "POLAR_ACCESS_TOKEN", POLAR_API_KEY),
    ("creem", "CREEM_API_KEY", CREEM_API_KEY),
    ("keygen", "KEYGEN_TOKEN", KEYGEN_TOKEN),
    ("gumroad", "GUMROAD_ACCESS_TOKEN", GUMROAD_TOKEN),
];

/// Runs the CLI for provider `index` at `url`; shows its output; returns it.
struct Cli<'a> {
    shown: &'a Shown,
    dir: &'a TempDir,
    runs: AtomicUsize,
    /// The Keygen emulator's public key, which licensectl requires.
    keygen_public_key: String,
}

impl Cli<'_> {
    async fn run(&self, index: usize, url: &str, command: &[&str], stdin: Option<&str>) -> Output {
        let (name, variable, api_key) = PROVIDERS[index];
        let mut all = args(&["--provider", name, "--base-url", url]);
        all.extend(args(command));
        let mut envs = vec![
            (variable.to_owned(), api_key.to_owned()),
            ("DEVPAYR_PROJECT_ID".to_owned(), "2".to_owned()),
            ("GETKEYMANAGER_PRODUCT_ID".to_owned(), "1".to_owned()),
            (
                "POLAR_ORGANIZATION_ID".to_owned(),
                keyward_emulator::polar::DEFAULT_ORGANIZATION_ID.to_owned(),
            ),
            ("KEYGEN_ACCOUNT".to_owned(), ACCOUNT_ID.to_owned()),
            (
                "GUMROAD_PRODUCT_ID".to_owned(),
                keyward_emulator::gumroad::DEFAULT_PRODUCT_ID.to_owned(),
            ),
            (
                "KEYGEN_PUBLIC_KEY".to_owned(),
                self.keygen_public_key.clone(),
            ),
            // The CLI installs no tracing subscriber today; if it ever does, TRACE is covered.
            ("RUST_LOG".to_owned(), "trace".to_owned()),
        ];
        envs.push((
            "GETKEYMANAGER_PUBLIC_KEY_FILE".to_owned(),
            support::in_dir(self.dir, "gkm.pub.pem"),
        ));
        let output = run(all, envs, stdin.map(|s| format!("{s}\n"))).await;
        self.runs.fetch_add(1, Ordering::SeqCst);
        self.shown
            .text(&format!("licensectl {name} {command:?}"), text(&output));
        output
    }
}

/// Every command on provider `index`'s emulator.
async fn commands(cli: &Cli<'_>, index: usize, url: &str, id: &str) {
    let name = PROVIDERS[index].0;
    let out = cli
        .run(
            index,
            url,
            &["--json", "activate", "-", "app.example.com"],
            Some(LICENSE_KEY),
        )
        .await;
    let instance = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .ok()
        .and_then(|v| v["instance"]["id"].as_str().map(str::to_owned));
    // DevPayr checks a domain and GetKeyManager an activation (Polar ignores the name); Creem
    // validates only an instance; the others the key alone.
    let mut scope: Vec<String> = Vec::new();
    if index >= 2 {
        scope.extend(["--instance-name".to_owned(), "app.example.com".to_owned()]);
    }
    if index == 5 {
        scope.extend([
            "--instance-id".to_owned(),
            instance.clone().unwrap_or_default(),
        ]);
    }
    let scope: Vec<&str> = scope.iter().map(String::as_str).collect();
    let validate = [&["validate", "-"][..], &scope].concat();
    let out = cli.run(index, url, &validate, Some(LICENSE_KEY)).await;
    assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out));
    let json = [&["--json"][..], &validate].concat();
    cli.run(index, url, &json, Some(LICENSE_KEY)).await;
    cli.run(index, url, &validate, Some(CREATED_KEY)).await;
    cli.run(index, url, &["activate", "-", "box"], Some(LICENSE_KEY))
        .await;
    // Gumroad's id is the license key: it goes through standard input, never the command line.
    let (id, id_stdin) = if index == 7 {
        ("-", Some(LICENSE_KEY))
    } else {
        (id, None)
    };
    for command in [
        &["get", id][..],
        &["--json", "get", id],
        &["list"],
        &["--json", "list", "--all"],
        &["instances", id],
        &["export"],
        &["export", "--format", "csv"],
        &["update", id, "--limit", "5"],
        &["disable", id],
    ] {
        cli.run(index, url, command, id_stdin).await;
    }
    cli.run(index, url, &validate, Some(LICENSE_KEY)).await;
    cli.run(index, url, &["enable", id], id_stdin).await;
    cli.run(index, url, &import(index), Some(CREATED_KEY)).await;
    if let Some(instance) = instance {
        cli.run(
            index,
            url,
            &["deactivate", "-", &instance],
            Some(LICENSE_KEY),
        )
        .await;
    }
}

/// `import` with what provider `index` needs (Dodo a customer, DevPayr a title).
fn import(index: usize) -> Vec<&'static str> {
    let mut import = vec!["import", "--key-file", "-", "--product", "1"];
    import.extend(match index {
        0 => &["--customer", "cus_canary"][..],
        2 => &["--title", "Canary"],
        _ => &[],
    });
    import
}

/// Every license command against `url`, which fails them all; returns how many outputs show a
/// redaction.
async fn failing(cli: &Cli<'_>, index: usize, url: &str) -> usize {
    let validate: &[&str] = if index >= 2 {
        &["validate", "-", "--instance-name", "app.example.com"]
    } else {
        &["validate", "-"]
    };
    let import = import(index);
    let mut redacted = 0;
    for (command, stdin) in [
        (validate, Some(LICENSE_KEY)),
        (&["--json", "activate", "-", "box"], Some(LICENSE_KEY)),
        (&["deactivate", "-", "inst_1"], Some(LICENSE_KEY)),
        (&["get", "7"], None),
        (&["list"], None),
        (&["export"], None),
        (&import, Some(CREATED_KEY)),
    ] {
        let out = cli.run(index, url, command, stdin).await;
        assert_ne!(out.status.code(), Some(0), "{command:?} {}", text(&out));
        redacted += usize::from(text(&out).contains(keyward_core::REDACTED));
    }
    redacted
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_in_any_output_or_file() {
    let shown = Shown::default();
    let dir = TempDir::new().unwrap();
    let pem = include_str!("../../keyward-emulator/seed/signed-license/emulator-2048.pub.pem");
    std::fs::write(support::in_dir(&dir, "gkm.pub.pem"), pem).unwrap();
    let emulators = rig::Emulators::start().await;
    let urls = emulators.urls();
    let cli = Cli {
        shown: &shown,
        dir: &dir,
        runs: AtomicUsize::new(0),
        keygen_public_key: emulators.keygen.public_key_hex(),
    };
    let echo = echo::echoing(401).await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for (index, (url, id)) in urls.iter().zip(&emulators.ids).enumerate() {
        commands(&cli, index, url, id).await;
    }
    // The failing runs, every provider at once (each waits out its retries).
    let (echo_url, devpayr_echo_url) = (echo.uri(), format!("{}/api/v1/", echo.uri()));
    let (a, b, c, d, e, f, g, h) = tokio::join!(
        failing(&cli, 0, &echo_url),
        failing(&cli, 1, &echo_url),
        failing(&cli, 2, &devpayr_echo_url),
        failing(&cli, 3, &echo_url),
        failing(&cli, 4, &echo_url),
        failing(&cli, 5, &echo_url),
        failing(&cli, 6, &echo_url),
        failing(&cli, 7, &echo_url),
    );
    let redacted = a + b + c + d + e + f + g + h;
    tokio::join!(
        failing(&cli, 0, &closed),
        failing(&cli, 1, &closed),
        failing(&cli, 2, &closed),
        failing(&cli, 3, &closed),
        failing(&cli, 4, &closed),
        failing(&cli, 5, &closed),
        failing(&cli, 6, &closed),
        failing(&cli, 7, &closed),
    );

    // A migration, planned and applied: Lemon Squeezy's canary key to Dodo (which holds it
    // already: found when Dodo is read, compared and journalled), its plan and its journal.
    std::fs::write(
        support::in_dir(&dir, "mapping.json"),
        r#"{"products": {"1": "pdt_new"}, "default_customer": "cus_moved"}"#,
    )
    .unwrap();
    let migrate = |extra: &[&str]| {
        let mut a = args(&[
            "migrate",
            "--from",
            "lemonsqueezy",
            "--to",
            "dodo",
            "--from-base-url",
            &urls[1],
            "--to-base-url",
            &urls[0],
            "--skip-unmapped",
        ]);
        a.extend(args(&["--mapping", &support::in_dir(&dir, "mapping.json")]));
        a.extend(args(&[
            "--journal",
            &support::in_dir(&dir, "journal.jsonl"),
        ]));
        a.extend(args(extra));
        a
    };
    let envs = vec![
        ("LEMONSQUEEZY_API_KEY".to_owned(), LEMON_API_KEY.to_owned()),
        ("DODO_PAYMENTS_API_KEY".to_owned(), DODO_API_KEY.to_owned()),
    ];
    for extra in [&[][..], &["--apply"], &["--apply"]] {
        let out = run(migrate(extra), envs.clone(), None).await;
        shown.text(&format!("licensectl migrate {extra:?}"), text(&out));
        cli.runs.fetch_add(1, Ordering::SeqCst);
    }
    let journal = std::fs::read_to_string(support::in_dir(&dir, "journal.jsonl")).unwrap();
    assert!(!journal.is_empty(), "the journal was written");
    shown.text("migration journal", journal);
    let plan = std::fs::read_to_string(support::in_dir(&dir, "journal.plan.jsonl")).unwrap();
    assert!(plan.lines().count() > 1, "the plan was written");
    shown.text("migration plan", plan);

    // Every call that reached the echoing server shows its secrets redacted.
    assert!(redacted >= 16, "{redacted} outputs show a redaction");
    let (values, bytes) = shown.counts();
    let leaks = shown.leaks();
    println!(
        "licensectl canary: {} runs, {values} outputs and files ({bytes} bytes), {} occurrences",
        cli.runs.load(Ordering::SeqCst),
        leaks.len()
    );
    check::assert_none(&leaks);
}
