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
//! equal the feature's (not for a body written as text, which the client cannot send as
//! written: its answer alone is replayed). Cases for older API versions (this client pins 1.7)
//! are counted, not replayed.
//!
//! The second test sends the same requests to the Keygen emulator, each case's setup (its Given
//! steps) seeded first, and asserts the emulator answers with the feature's status and codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

#[path = "conformance/associations.rs"]
mod associations;
#[path = "conformance/attributes.rs"]
mod attributes;
#[path = "conformance/bearers.rs"]
mod bearers;
#[path = "conformance/billing.rs"]
mod billing;
#[path = "conformance/creation.rs"]
mod creation;
#[path = "conformance/emulated.rs"]
mod emulated;
#[path = "conformance/entitlements.rs"]
mod entitlements;
#[path = "conformance/environments.rs"]
mod environments;
#[path = "conformance/groups.rs"]
mod groups;
#[path = "conformance/headers.rs"]
mod headers;
#[path = "conformance/legacy.rs"]
mod legacy;
#[path = "conformance/owned.rs"]
mod owned;
#[path = "conformance/people.rs"]
mod people;
#[path = "conformance/placeholders.rs"]
mod placeholders;
#[path = "conformance/policies.rs"]
mod policies;
#[path = "conformance/releases.rs"]
mod releases;
#[path = "conformance/replay.rs"]
mod replay;
#[path = "conformance/requests.rs"]
mod requests;
#[path = "conformance/seeding.rs"]
mod seeding;
#[path = "conformance/settings.rs"]
mod settings;
#[path = "conformance/steps.rs"]
mod steps;
#[path = "conformance/typed.rs"]
mod typed;
#[path = "conformance/verdict.rs"]
mod verdict;
#[path = "conformance/world.rs"]
mod world;

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
    assert_eq!(replayed, 1273, "{tally:#?}");
    assert_eq!(requests_compared, 590);
}

/// Cases the emulator must answer as the feature asserts, at least, per feature file: the counts
/// reached, so a regression (a case newly skipped or wrong) fails.
const EMULATED_FLOORS: &[(&str, usize)] = &[
    ("licenses.checkouts.json", 94),
    ("licenses.validations.json", 423),
    ("licenses.create.json", 171),
    ("licenses.index.json", 117),
    ("licenses.show.json", 53),
    ("licenses.update.json", 45),
    ("machines.checkouts.json", 98),
    ("machines.heartbeats.json", 34),
    ("machines.create.json", 159),
    ("machines.destroy.json", 30),
    ("machines.index.json", 45),
    ("machines.show.json", 38),
];

/// The emulator answers the features' requests (their setup seeded through its public API) with
/// the status, `meta.valid`/`meta.code`, first error code and list length each feature asserts,
/// at the API version each case asks for.
#[tokio::test]
async fn the_emulator_answers_the_features_requests_as_keygen_does() {
    let emulator = keyward_emulator::keygen::KeygenEmulator::start().await;
    let http = reqwest::Client::new();
    let mut mismatches = Vec::new();
    for (feature, floor) in EMULATED_FLOORS {
        let file: Value =
            serde_json::from_str(&common::fixture(&format!("features/{feature}"))).unwrap();
        let tally = emulated::feature(&emulator, &http, &file).await;
        let skipped: usize = tally.skipped.values().sum();
        println!("{feature}: {} replayed, {skipped} skipped", tally.replayed);
        let mut reasons: Vec<_> = tally.skipped.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        for (reason, n) in reasons {
            println!("    {n:4}  {reason}");
        }
        assert!(
            tally.replayed >= *floor,
            "{feature}: {} replayed, the floor is {floor}",
            tally.replayed
        );
        mismatches.extend(tally.mismatches);
    }
    assert!(
        mismatches.is_empty(),
        "{} cases answered otherwise than the feature:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
