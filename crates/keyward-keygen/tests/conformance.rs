//! Keygen's own Cucumber features, replayed against the client: every request/response pair of
//! the license, machine, validation and check-out features (`fixtures/keygen/features/`, each case
//! naming its `features/api/v1/….feature:line` in keygen-api).
//!
//! For each case the route is called through the client against a server that answers with the
//! feature's status and the parts of the body the feature asserts (its `meta`, first error,
//! resource type and attributes, array length). The client must come back with the same verdict:
//! the same `valid`/`code`/`detail`, the same error status and code, the same attributes, the same
//! count. Where the client can express the feature's request (the key, scope and nonce of a
//! validation, a machine's fingerprint and license, check-out options), the body it sends must
//! equal the feature's. Cases for older API versions (this client pins 1.7) and routes the client
//! does not offer are counted, not replayed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

#[path = "conformance/replay.rs"]
mod replay;
#[path = "conformance/requests.rs"]
mod requests;
#[path = "conformance/typed.rs"]
mod typed;
#[path = "conformance/verdict.rs"]
mod verdict;

use std::collections::BTreeMap;

use serde_json::Value;

const FEATURES: &[&str] = &[
    "licenses.checkouts.json",
    "licenses.validations.json",
    "licenses.create.json",
    "licenses.index.json",
    "licenses.show.json",
    "licenses.update.json",
    "machines.checkouts.json",
    "machines.heartbeats.json",
    "machines.create.json",
    "machines.destroy.json",
    "machines.index.json",
    "machines.show.json",
];

#[tokio::test]
async fn every_case_of_the_features_replays_against_the_client() {
    let server = common::server().await;
    let mut tally: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut requests_compared = 0;
    let mut clients = replay::Clients::new();
    for feature in FEATURES {
        let file: Value =
            serde_json::from_str(&common::fixture(&format!("features/{feature}"))).unwrap();
        for case in file["cases"].as_array().unwrap() {
            let outcome = replay::case(&server, &mut clients, case).await;
            if outcome.request_compared {
                requests_compared += 1;
            }
            *tally.entry(outcome.kind).or_default() += 1;
        }
    }
    println!("{tally:#?}\nrequests compared: {requests_compared}");
    // The fixtures are fixed: these numbers move only when the fixtures or the client do.
    let replayed: usize = tally
        .iter()
        .filter(|(k, _)| k.starts_with("replayed"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(replayed, 1259, "{tally:#?}");
    assert_eq!(requests_compared, 590);
}
