//! `licensectl migrate`, run as a user runs it, between emulators started in this process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use keyward::{DodoAdmin, DodoProvider};
use keyward_core::{LicenseAdmin, LicenseProvider, ListRequest, ValidateRequest};
use keyward_emulator::dodo::DodoEmulator;
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use support::{args, json, run, text};
use tempfile::TempDir;

const KEYS: usize = 1000;
const PRODUCT: u64 = 41;

fn key(i: usize) -> String {
    format!("MIGRATE-{i:04}-SECRET-KEY")
}

struct Rig {
    ls: LemonSqueezyEmulator,
    dodo: DodoEmulator,
    dir: TempDir,
}

impl Rig {
    async fn start(keys: usize) -> Self {
        let ls = LemonSqueezyEmulator::start().await;
        for i in 0..keys {
            let mut seed = LicenseSeed::new(key(i))
                .product(PRODUCT, 1)
                .activation_limit(3);
            if i % 2 == 0 {
                seed = seed.expires_at(chrono::DateTime::from_timestamp(1_900_000_000, 0).unwrap());
            }
            ls.add_license(seed);
        }
        // A disabled key stays behind; a key of another product is unmapped.
        ls.add_license(
            LicenseSeed::new("MIGRATE-DISABLED-SECRET")
                .product(PRODUCT, 1)
                .disabled(),
        );
        let dir = TempDir::new().unwrap();
        std::fs::write(
            support::in_dir(&dir, "mapping.json"),
            format!(
                r#"{{"products": {{"{PRODUCT}": "pdt_new"}}, "default_customer": "cus_moved"}}"#
            ),
        )
        .unwrap();
        Self {
            ls,
            dodo: DodoEmulator::start().await,
            dir,
        }
    }

    fn args(&self, extra: &[&str]) -> Vec<String> {
        let mut a = args(&[
            "migrate",
            "--from",
            "lemonsqueezy",
            "--to",
            "dodo",
            "--from-base-url",
            &self.ls.uri(),
            "--to-base-url",
            &self.dodo.uri(),
        ]);
        a.extend(args(&[
            "--mapping",
            &support::in_dir(&self.dir, "mapping.json"),
        ]));
        a.extend(args(&[
            "--journal",
            &support::in_dir(&self.dir, "journal.jsonl"),
        ]));
        a.extend(args(extra));
        a
    }

    fn envs(&self) -> Vec<(String, String)> {
        vec![
            ("LEMONSQUEEZY_API_KEY".into(), self.ls.api_key()),
            ("DODO_PAYMENTS_API_KEY".into(), self.dodo.api_key()),
        ]
    }

    fn journal_lines(&self) -> usize {
        std::fs::read_to_string(support::in_dir(&self.dir, "journal.jsonl"))
            .map(|t| t.lines().count())
            .unwrap_or(0)
    }

    async fn creates_sent(&self) -> usize {
        self.dodo
            .received_requests()
            .await
            .iter()
            .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/license_keys")
            .count()
    }

    fn dodo(&self) -> DodoAdmin {
        DodoProvider::new(
            keyward_dodo::Client::builder()
                .base_url(self.dodo.uri())
                .api_key(self.dodo.api_key())
                .build()
                .unwrap(),
        )
        .admin()
        .unwrap()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thousand_keys_move_to_dodo_through_an_interruption_and_nothing_twice() {
    let rig = Rig::start(KEYS).await;
    let mut printed = String::new();

    // The dry run plans and writes nothing.
    let out = run(rig.args(&[]), rig.envs(), None).await;
    printed.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("to create: {KEYS}")),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("left behind (disabled at the source): 1"));
    assert!(!std::path::Path::new(&support::in_dir(&rig.dir, "journal.jsonl")).exists());
    assert_eq!(rig.creates_sent().await, 0);

    // --apply, killed halfway.
    let started = Instant::now();
    let mut child = support::spawn(&rig.args(&["--apply", "--json"]), &rig.envs());
    let journal = support::in_dir(&rig.dir, "journal.jsonl");
    let killed = tokio::task::spawn_blocking(move || {
        let lines = || {
            std::fs::read_to_string(&journal)
                .map(|t| t.lines().count())
                .unwrap_or(0)
        };
        while lines() < KEYS / 2 {
            assert!(
                child.try_wait().unwrap().is_none(),
                "finished before the interruption"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    printed.push_str(&text(&killed));
    let after_kill = rig.journal_lines();
    assert!((KEYS / 2..KEYS).contains(&after_kill), "{after_kill}");

    // The rerun finishes the job.
    let out = run(rig.args(&["--apply", "--json"]), rig.envs(), None).await;
    let elapsed = started.elapsed();
    printed.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    let applied = &summary["applied"];
    let resumed = applied["created"].as_u64().unwrap() + applied["exists"].as_u64().unwrap();
    assert!(
        applied["exists"].as_u64().unwrap() <= 1,
        "only a create cut off before its journal line can be met again: {summary}"
    );
    assert_eq!(resumed as usize + after_kill, KEYS, "{summary}");
    assert_eq!(applied["refused"], serde_json::json!({}));
    assert_eq!(applied["failed"], serde_json::json!({}));
    println!(
        "migration: {KEYS} keys Lemon Squeezy emulator → Dodo emulator: resumed run {:.0} keys/s; \
         overall (both runs, with the listing and the kill) {:.0} keys/s",
        applied["keys_per_second"].as_f64().unwrap(),
        KEYS as f64 / elapsed.as_secs_f64()
    );

    // Every key valid at Dodo, each there once, with its limit, expiry and the mapped product.
    let sent = rig.creates_sent().await;
    assert!(sent <= KEYS + 1, "{sent} creates for {KEYS} keys");
    let dodo = rig.dodo();
    let mut at_dodo = Vec::new();
    let mut request = ListRequest::new().page_size(100);
    loop {
        let answer = dodo.list(request.clone()).await.unwrap();
        at_dodo.extend(answer.items);
        match answer.next {
            Some(next) => request = ListRequest::new().page_size(100).page(next),
            None => break,
        }
    }
    assert_eq!(at_dodo.len(), KEYS);
    for license in &at_dodo {
        assert_eq!(license.product.id.as_deref(), Some("pdt_new"));
        assert_eq!(license.customer.id.as_deref(), Some("cus_moved"));
        assert_eq!(license.activation_limit, Some(3));
    }
    let expiring = at_dodo.iter().filter(|l| l.expires_at.is_some()).count();
    assert_eq!(expiring, KEYS / 2);
    for i in 0..KEYS {
        let outcome = dodo.validate(ValidateRequest::new(key(i))).await.unwrap();
        assert!(outcome.is_valid(), "key {i} is not valid at Dodo");
    }

    // A second run creates nothing and sends nothing.
    let out = run(rig.args(&["--apply", "--json"]), rig.envs(), None).await;
    printed.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["applied"]["created"], 0);
    assert_eq!(summary["plan"]["create"], 0);
    assert_eq!(rig.creates_sent().await, sent);

    assert!(!printed.contains("SECRET"), "a license key was printed");
    assert!(!printed.contains(&rig.dodo.api_key()) && !printed.contains(&rig.ls.api_key()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unmapped_product_stops_the_plan_before_anything_is_written() {
    let rig = Rig::start(3).await;
    rig.ls
        .add_license(LicenseSeed::new("MIGRATE-OTHER-SECRET").product(PRODUCT + 1, 2));
    let out = run(rig.args(&["--apply"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("product {}", PRODUCT + 1)),
        "{}",
        text(&out)
    );
    assert!(!std::path::Path::new(&support::in_dir(&rig.dir, "journal.jsonl")).exists());
    assert_eq!(rig.creates_sent().await, 0);

    // --skip-unmapped leaves it behind and moves the rest.
    let out = run(rig.args(&["--apply", "--skip-unmapped"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("created: 3"), "{}", text(&out));
    assert!(!text(&out).contains("SECRET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_mapping_names_the_json_path_and_line() {
    let rig = Rig::start(1).await;
    std::fs::write(
        support::in_dir(&rig.dir, "mapping.json"),
        "{\n  \"products\": {\n    \"41\": 7\n  }\n}\n",
    )
    .unwrap();
    let out = run(rig.args(&[]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("products.41") && shown.contains("line 3"),
        "{shown}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_without_create_is_not_supported() {
    let rig = Rig::start(1).await;
    let mut a = rig.args(&[]);
    // Lemon Squeezy cannot create keys, so it cannot be a target.
    let to = a.iter().position(|s| s == "dodo").unwrap();
    a[to] = "lemonsqueezy".into();
    let from = a.iter().position(|s| s == "lemonsqueezy").unwrap();
    a[from] = "dodo".into();
    let out = run(a, rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not supported by lemonsqueezy"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_target_that_generates_its_keys_is_not_supported_before_anything_is_read() {
    let rig = Rig::start(1).await;
    let devpayr = keyward_test_support::refused_url().unwrap();
    let mut a = args(&["--project", "7"]);
    a.extend(rig.args(&["--apply"]));
    let to = a.iter().position(|s| s == "dodo").unwrap();
    a[to] = "devpayr".into();
    let to_url = a.iter().position(|s| *s == rig.dodo.uri()).unwrap();
    a[to_url] = devpayr;
    let mut envs = rig.envs();
    envs.push(("DEVPAYR_API_KEY".into(), "devpayr-test-key".into()));
    let out = run(a, envs, None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("devpayr generates its license keys and cannot import one"),
        "{}",
        text(&out)
    );
    assert!(
        rig.ls.received_requests().await.is_empty(),
        "nothing was read at the source"
    );
    assert_eq!(rig.journal_lines(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_network_failure_mid_run_leaves_the_journal_consistent_and_the_rerun_finishes() {
    const KEYS: usize = 300;
    let rig = Rig::start(KEYS).await;
    let relay = keyward_test_support::relay(&rig.dodo.uri()).await.unwrap();
    let mut through_relay = rig.args(&["--apply", "--json"]);
    let to = through_relay
        .iter()
        .position(|a| *a == rig.dodo.uri())
        .unwrap();
    through_relay[to] = relay.url().to_owned();

    let child = support::spawn(&through_relay, &rig.envs());
    let journal = support::in_dir(&rig.dir, "journal.jsonl");
    while std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count()) < KEYS / 3 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    relay.cut();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let summary = json(&out);
    assert!(summary["applied"]["stopped"].is_string(), "{summary}");
    let failed = summary["applied"]["failed"].as_object().unwrap();
    assert!(!failed.is_empty());
    // Every journal line is whole and names each license once.
    let text_of_journal = std::fs::read_to_string(&journal).unwrap();
    let mut ids: Vec<String> = text_of_journal
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source_id"].to_string())
        .collect();
    let journalled = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), journalled);
    assert!(journalled < KEYS);

    // The network is back (straight to the emulator): the rerun finishes the job.
    let out = run(rig.args(&["--apply", "--json"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    let done = applied["created"].as_u64().unwrap() + applied["exists"].as_u64().unwrap();
    assert_eq!(done as usize + journalled, KEYS, "{applied}");
    let dodo = rig.dodo();
    for i in 0..KEYS {
        let outcome = dodo.validate(ValidateRequest::new(key(i))).await.unwrap();
        assert!(outcome.is_valid(), "key {i} is not valid at Dodo");
    }
    assert!(!text(&out).contains("SECRET"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_the_target_refuses_is_reported_once_and_not_retried() {
    use keyward_emulator::signed_license::SignedLicenseEmulator;
    // GetKeyManager takes no expiry date: the keys with one (even ones) are refused.
    let rig = Rig::start(4).await;
    let gkm = SignedLicenseEmulator::start().await;
    std::fs::write(
        support::in_dir(&rig.dir, "public.pem"),
        gkm.public_key_pem(),
    )
    .unwrap();
    std::fs::write(
        support::in_dir(&rig.dir, "mapping.json"),
        format!(r#"{{"products": {{"{PRODUCT}": "1"}}}}"#),
    )
    .unwrap();
    let mut a = rig.args(&["--apply", "--json"]);
    let to = a.iter().position(|s| s == "dodo").unwrap();
    a[to] = "signed-license".into();
    let url = a.iter().position(|s| *s == rig.dodo.uri()).unwrap();
    a[url] = gkm.uri();
    let mut envs = rig.envs();
    envs.push(("GETKEYMANAGER_API_KEY".into(), gkm.api_key()));
    envs.push((
        "GETKEYMANAGER_PUBLIC_KEY_FILE".into(),
        support::in_dir(&rig.dir, "public.pem"),
    ));

    let out = run(a.clone(), envs.clone(), None).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    assert_eq!(applied["created"], 2, "{applied}");
    let refused = applied["refused"].as_object().unwrap();
    assert_eq!(refused.len(), 2, "{applied}");
    assert!(
        refused
            .values()
            .all(|r| r.as_str().unwrap().contains("validity"))
    );

    // The rerun does not try them again.
    let out = run(a, envs, None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["plan"]["create"], 0, "{summary}");
    assert_eq!(summary["plan"]["already_done"]["refused by the target"], 2);
    assert!(!text(&out).contains("SECRET"));
}
