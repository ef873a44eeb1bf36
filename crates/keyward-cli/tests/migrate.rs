//! `licensectl migrate`, run as a user runs it, between emulators started in this process: what
//! it moves and what it refuses. What stops a run is `migrate_stops.rs`; the 50,000-key run is
//! `migrate_at_scale.rs`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use keyward_core::{LicenseProvider, ValidateRequest};
use keyward_emulator::Outage;
use keyward_emulator::lemonsqueezy::LicenseSeed;
use support::migrate::{PRODUCT, Rig, key};
use support::{args, json, run, text};

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
    assert!(!std::path::Path::new(&rig.path("journal.jsonl")).exists());
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
        rig.path("mapping.json"),
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
    assert_eq!(rig.journalled(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_network_failure_mid_run_leaves_the_journal_consistent_and_the_rerun_finishes() {
    const KEYS: usize = 300;
    let rig = Rig::start(KEYS).await;
    let child = support::spawn(
        &rig.args(&["--apply", "--json", "--rate", "500", "--breaker", "8"]),
        &rig.envs(),
    );
    let journal = rig.path("journal.jsonl");
    while rig.journalled() < KEYS / 3 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    rig.dodo.outage(Outage::Refuse);
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let summary = json(&out);
    assert!(summary["applied"]["stopped"].is_string(), "{summary}");
    let failed = summary["applied"]["failed"].as_object().unwrap();
    assert!(!failed.is_empty());
    // Every journal line is whole and names each license once.
    let lines = rig.journal();
    assert!(lines[0]["header"].is_object());
    let mut ids: Vec<String> = lines[1..]
        .iter()
        .map(|l| l["source_id"].as_str().unwrap().to_owned())
        .collect();
    let journalled = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), journalled);
    assert!(journalled < KEYS);
    let _ = journal;

    // The network is back: the rerun finishes the job.
    rig.dodo.restore();
    let out = run(
        rig.args(&["--apply", "--json", "--rate", "0"]),
        rig.envs(),
        None,
    )
    .await;
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
    std::fs::write(rig.path("public.pem"), gkm.public_key_pem()).unwrap();
    std::fs::write(
        rig.path("mapping.json"),
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
        rig.path("public.pem"),
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

#[tokio::test(flavor = "multi_thread")]
async fn the_dry_run_reads_the_target_and_apply_executes_its_plan_exactly() {
    let rig = Rig::start(6).await;
    // Two keys are at Dodo already: one as the source has it, one with another limit.
    let dodo = rig.dodo();
    for (i, limit) in [(0, 3), (1, 5)] {
        let mut request = keyward_core::CreateRequest::for_product("pdt_new");
        request.key = Some(key(i).into());
        request.customer_id = Some("cus_moved".into());
        request.activation_limit = Some(limit);
        // As the rig seeds them: every other key expires.
        if i % 2 == 0 {
            request.expires_at = chrono::DateTime::from_timestamp(1_900_000_000, 0);
        }
        keyward_core::LicenseAdmin::create(&dodo, request)
            .await
            .unwrap();
    }
    let before = rig.dodo.received_requests().await.len();
    let out = run(rig.args(&["--json"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["plan"]["create"], 4, "{summary}");
    assert_eq!(summary["plan"]["exists_same"], 1);
    assert_eq!(summary["plan"]["exists_differs"], 1);
    assert_eq!(summary["drift"]["count"], 1);
    assert_eq!(summary["missing_at_target"], serde_json::json!([]));
    let drift = summary["drift"]["listed"].as_object().unwrap();
    let differs = drift.values().next().unwrap();
    assert_eq!(differs.as_array().unwrap().len(), 1, "{differs}");
    assert_eq!(differs[0]["field"], "activation_limit");
    assert_eq!(
        (differs[0]["source"].as_str(), differs[0]["target"].as_str()),
        (Some("3"), Some("5"))
    );
    // Read only: the dry run sent nothing but GETs.
    let requests = rig.dodo.received_requests().await;
    assert!(
        requests[before..]
            .iter()
            .all(|r| r.method.as_str() == "GET")
    );
    // The plan: a header, then one line per license, never a key.
    let plan_path = rig.path("journal.plan.jsonl");
    let plan = std::fs::read_to_string(&plan_path).unwrap();
    assert!(!plan.contains("SECRET"));
    let actions: Vec<String> = plan
        .lines()
        .skip(1)
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["action"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(
        (
            count("create"),
            count("exists_same"),
            count("exists_differs"),
            count("skip")
        ),
        (4, 1, 1, 1)
    );

    // A key added at the source after the plan is not in it: --apply --plan leaves it.
    rig.ls.add_license(
        LicenseSeed::new("MIGRATE-LATE-SECRET")
            .product(PRODUCT, 1)
            .activation_limit(3),
    );
    let out = run(
        rig.args(&["--apply", "--json", "--plan", &plan_path]),
        rig.envs(),
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    assert_eq!(applied["created"], 4, "{applied}");
    assert_eq!(applied["left"]["not in the plan"], 1, "{applied}");
    assert_eq!(applied["drift"]["count"], 1, "{applied}");
    assert_eq!(rig.at_dodo().await.len(), 6);
    // The journal says which key differs.
    let lines = rig.journal();
    assert_eq!(
        lines
            .iter()
            .filter(|l| l["differs"] == serde_json::json!(["activation_limit"]))
            .count(),
        1,
        "{lines:?}"
    );
}
