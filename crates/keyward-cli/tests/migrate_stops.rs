//! `licensectl migrate`, run as an operator runs it, against emulators started in this process.
//! These tests cover what stops a run and what it says when it stops: a journal of another
//! environment, the breaker, a second run, revoked credentials, and Ctrl-C.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::time::Duration;

use support::migrate::Rig;
use support::{json, run, text};

#[tokio::test(flavor = "multi_thread")]
async fn a_journal_rehearsed_against_test_mode_refuses_a_live_run() {
    let rig = Rig::start(20).await;
    let mut test_mode = rig.envs();
    test_mode.push(("DODO_PAYMENTS_ENVIRONMENT".into(), "test_mode".into()));
    let out = run(rig.args(&["--apply", "--json"]), test_mode, None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json(&out)["applied"]["created"], 20);
    let header = rig.journal()[0]["header"].clone();
    assert_eq!(header["target"]["environment"], "test_mode", "{header}");
    assert_eq!(header["source"]["provider"], "lemonsqueezy");
    assert!(!header.to_string().contains(&rig.dodo.api_key()));

    // Live mode with the live key, the same default journal: refused, naming what differs.
    rig.dodo.set_api_key("live-key-of-the-real-store");
    let sent = rig.creates_sent().await;
    let out = run(rig.args(&["--apply"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let shown = text(&out);
    assert!(
        shown.contains("target environment: test_mode in the file, live_mode now"),
        "{shown}"
    );
    assert!(shown.contains("target account"), "{shown}");
    assert!(!shown.contains("live-key-of-the-real-store"));
    assert_eq!(rig.creates_sent().await, sent, "nothing was sent");
    // The dry run refuses it as well.
    let out = run(rig.args(&[]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_product_stops_at_the_breaker_and_the_fixed_mapping_finishes() {
    const KEYS: usize = 300;
    let rig = Rig::start(KEYS).await;
    rig.map_to("pdt_typo");
    // The dry run finds it missing at Dodo.
    let out = run(rig.args(&["--json"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        json(&out)["missing_at_target"],
        serde_json::json!(["product pdt_typo"])
    );
    // Applied anyway, the breaker stops it.
    let out = run(rig.args(&["--apply", "--json"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    let refused = applied["refused_count"].as_u64().unwrap();
    // 20 in a row stop it; what the 4 workers had taken or finished by then ends as well.
    assert!((20..=28).contains(&refused), "{applied}");
    assert!(
        applied["stopped"]
            .as_str()
            .unwrap()
            .contains("20 times in a row")
    );
    assert!(rig.creates_sent().await <= 28);

    // The fixed mapping is another mapping: refused, unless said.
    rig.map_to(support::migrate::TARGET_PRODUCT);
    let out = run(rig.args(&["--apply"]), rig.envs(), None).await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--mapping-changed"), "{}", text(&out));
    // With it, what was refused stays refused...
    let out = run(
        rig.args(&["--apply", "--json", "--mapping-changed", "--rate", "0"]),
        rig.envs(),
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["applied"]["created"], KEYS as u64 - refused);
    // ...until --retry-refused.
    let out = run(
        rig.args(&["--apply", "--json", "--retry-refused", "--rate", "0"]),
        rig.envs(),
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(json(&out)["applied"]["created"], refused);
    assert_eq!(rig.at_dodo().await.len(), KEYS);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_on_the_same_journal_is_refused_while_the_first_holds_it() {
    let rig = Rig::start(40).await;
    let first = support::spawn(
        &rig.args(&["--apply", "--rate", "10", "--concurrency", "1"]),
        &rig.envs(),
    );
    while rig.journalled() < 1 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let second = run(rig.args(&["--apply"]), rig.envs(), None).await;
    assert_eq!(second.status.code(), Some(2), "{}", text(&second));
    assert!(
        text(&second).contains("another licensectl migrate is running"),
        "{}",
        text(&second)
    );

    // The credentials are revoked mid-run: it stops with the summary, then the error.
    rig.dodo.set_api_key("revoked");
    let out = tokio::task::spawn_blocking(move || first.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created: ") && stdout.contains("stopped early"),
        "{}",
        text(&out)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("licensectl:"),
        "{}",
        text(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_stops_with_the_summary_and_the_rerun_finishes() {
    const KEYS: usize = 40;
    let rig = Rig::start(KEYS).await;
    let slow = ["--apply", "--json", "--rate", "10", "--concurrency", "1"];
    let child = support::spawn(&rig.args(&slow), &rig.envs());
    while rig.journalled() < 2 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    assert_eq!(
        applied["stopped"], "interrupted (Ctrl-C or SIGTERM)",
        "{applied}"
    );
    let created = applied["created"].as_u64().unwrap() as usize;
    assert!((2..KEYS).contains(&created), "{applied}");
    assert_eq!(rig.journalled(), created);

    let out = run(
        rig.args(&["--apply", "--json", "--rate", "0"]),
        rig.envs(),
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    let done = applied["created"].as_u64().unwrap() + applied["exists"].as_u64().unwrap();
    assert_eq!(done as usize + created, KEYS, "{applied}");
}
