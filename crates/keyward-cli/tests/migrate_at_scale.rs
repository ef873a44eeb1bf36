//! An operator's migration at full size: 50,000 keys from the Lemon Squeezy emulator to the Dodo
//! emulator, 1 % of the creates answered 503 (half of them after the key was stored), a 429 with
//! `Retry-After` now and then, the process killed with SIGKILL at about half, then resumed.
//! `KEYWARD_MIGRATE_KEYS` changes the count (for a quick local run).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::collections::HashSet;

use keyward_emulator::Fault;
use support::migrate::{Rig, TARGET_CUSTOMER, TARGET_PRODUCT, kill_at};
use support::{json, run, text};

/// How many keys move.
fn keys() -> usize {
    std::env::var("KEYWARD_MIGRATE_KEYS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50_000)
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_thousand_keys_move_through_faults_and_a_kill_each_exactly_once() {
    let keys = keys();
    let rig = Rig::start(keys).await;
    let create = |every, status| Fault::every(every, "POST", "/license_keys", status);
    rig.dodo
        .add_fault(create(keys as u64 / 5, 429).retry_after(1));
    rig.dodo.add_fault(create(200, 503));
    rig.dodo.add_fault(create(200, 503).after_applying());
    let apply = ["--apply", "--json", "--concurrency", "16", "--rate", "0"];
    let mut printed = String::new();

    // Killed (SIGKILL) at about half.
    let child = support::spawn(&rig.args(&apply), &rig.envs());
    let killed = kill_at(child, rig.path("journal.jsonl"), keys / 2).await;
    printed.push_str(&text(&killed));
    let after_kill = rig.journalled();
    assert!((keys / 2..keys).contains(&after_kill), "{after_kill}");

    // The rerun finishes the job: what the journal missed is found at the target.
    let out = run(rig.args(&apply), rig.envs(), None).await;
    printed.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    let applied = &summary["applied"];
    let count = |name: &str| applied[name].as_u64().unwrap() as usize;
    assert_eq!(count("refused_count"), 0, "{summary}");
    assert_eq!(count("failed_count"), 0, "{summary}");
    assert_eq!(applied["drift"]["count"], 0, "{summary}");
    assert_eq!(
        count("created") + count("exists") + after_kill,
        keys,
        "{summary}"
    );
    println!(
        "migration of {keys} keys, Lemon Squeezy emulator → Dodo emulator, concurrency 16, \
         1 % 503s and 429s: the resumed run {:.0} keys/s",
        applied["keys_per_second"].as_f64().unwrap()
    );

    // Every key once at Dodo, with the mapped product, its limit and its expiry (read from the
    // emulator's state: 500 pages over HTTP would only slow the test).
    let state = rig.dodo.dump()["state"]["license_keys"].clone();
    let at_dodo = state.as_array().unwrap();
    assert_eq!(at_dodo.len(), keys);
    let texts: HashSet<&str> = at_dodo.iter().map(|l| l["key"].as_str().unwrap()).collect();
    assert_eq!(texts.len(), keys, "a key is at Dodo twice");
    assert!((0..keys).all(|i| texts.contains(support::migrate::key(i).as_str())));
    assert!(at_dodo.iter().all(|l| {
        l["product_id"] == TARGET_PRODUCT
            && l["customer_id"] == TARGET_CUSTOMER
            && l["activations_limit"] == 3
    }));
    assert_eq!(
        at_dodo
            .iter()
            .filter(|l| !l["expires_at"].is_null())
            .count(),
        keys.div_ceil(2)
    );

    // One header, bound to this migration; one line per key.
    let journal = rig.journal();
    assert_eq!(
        journal.iter().filter(|l| l["header"].is_object()).count(),
        1
    );
    let header = &journal[0]["header"];
    assert_eq!(header["source"]["base_url"], format!("{}/", rig.ls.uri()));
    assert_eq!(header["target"]["base_url"], format!("{}/", rig.dodo.uri()));
    assert_eq!(header["target"]["environment"], "live_mode");
    let ids: HashSet<&str> = journal[1..]
        .iter()
        .map(|l| l["source_id"].as_str().unwrap())
        .collect();
    assert_eq!((ids.len(), journal.len() - 1), (keys, keys));

    // A third run does nothing.
    let sent = rig.creates_sent().await;
    let out = run(rig.args(&apply), rig.envs(), None).await;
    printed.push_str(&text(&out));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["plan"]["create"], 0, "{summary}");
    assert_eq!(summary["applied"]["created"], 0, "{summary}");
    assert_eq!(rig.creates_sent().await, sent);
    assert!(!printed.contains("SECRET"), "a license key was printed");
}
