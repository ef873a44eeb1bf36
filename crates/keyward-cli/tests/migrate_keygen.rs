//! `licensectl migrate` to and from Keygen, as a user runs it: keys move from the Lemon Squeezy
//! emulator to the Keygen emulator (a Keygen license is made from a policy: the mapping names
//! it) and from the Keygen emulator to the Dodo one, keep their key text, limit and expiry, and a
//! rerun moves nothing twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use keyward::KeygenProvider;
use keyward_core::{LicenseAdmin, LicenseProvider, ValidateRequest};
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
use support::migrate::{PRODUCT, Rig, TARGET_CUSTOMER, TARGET_PRODUCT, key};
use support::{json, run, text};

/// The rig's `migrate --apply --json` arguments with `replaced` (a provider name and its base
/// URL, the rig's source or target) swapped for the Keygen emulator, and the environment with
/// Keygen's account, public key and token.
fn with_keygen(
    rig: &Rig,
    keygen: &KeygenEmulator,
    replaced: (&str, &str),
) -> (Vec<String>, Vec<(String, String)>) {
    let mut a = rig.args(&["--apply", "--json"]);
    for (old, new) in [
        (replaced.0.to_owned(), "keygen".to_owned()),
        (replaced.1.to_owned(), keygen.uri()),
    ] {
        let at = a.iter().position(|s| *s == old).unwrap();
        a[at] = new;
    }
    let mut envs = rig.envs();
    envs.push(("KEYGEN_ACCOUNT".into(), keygen.account_id()));
    envs.push(("KEYGEN_PUBLIC_KEY".into(), keygen.public_key_hex()));
    envs.push(("KEYGEN_TOKEN".into(), keygen.api_key()));
    (a, envs)
}

/// The Keygen policy the source product maps to.
const POLICY: &str = "9a3e2c1d-0000-4000-8000-00000000a11c";

#[tokio::test(flavor = "multi_thread")]
async fn keys_move_from_lemon_squeezy_to_keygen_once() {
    let rig = Rig::start(3).await;
    let keygen = KeygenEmulator::start().await;
    // Keygen creates licenses only under a policy the account holds.
    keygen.add_policy(POLICY, LicenseSeed::new("policy").floating(true));
    std::fs::write(
        rig.path("mapping.json"),
        format!(r#"{{"products": {{"{PRODUCT}": "{POLICY}"}}}}"#),
    )
    .unwrap();
    let (a, envs) = with_keygen(&rig, &keygen, ("dodo", &rig.dodo.uri()));

    let out = run(a.clone(), envs.clone(), None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let applied = json(&out)["applied"].clone();
    assert_eq!(applied["created"], 3, "{applied}");
    assert!(!text(&out).contains("SECRET"));

    // At Keygen: the same key texts, from the mapped policy, with their limit and expiry, and
    // each validates for the app.
    let client = keyward::keygen::Client::builder()
        .base_url(keygen.uri())
        .account(keygen.account_id())
        .public_key(&keygen.public_key_hex())
        .token(keygen.api_key())
        .build()
        .unwrap();
    let app = KeygenProvider::new(client.clone());
    let admin = KeygenProvider::new(client).admin().unwrap();
    for i in 0..3 {
        let moved = admin.get(&key(i)).await.unwrap();
        assert_eq!(moved.key.as_ref().unwrap().expose(), key(i));
        assert_eq!(moved.activation_limit, Some(3), "{i}");
        let expiry = chrono::DateTime::from_timestamp(1_900_000_000, 0);
        assert_eq!(moved.expires_at, if i % 2 == 0 { expiry } else { None });
        let policy = moved.raw.to_value()["relationships"]["policy"]["data"]["id"].clone();
        assert_eq!(policy, POLICY, "{i}");
        let outcome = app.validate(ValidateRequest::new(key(i))).await.unwrap();
        assert!(outcome.is_valid(), "{i}: {outcome:?}");
    }
    // The disabled key stayed behind.
    assert!(admin.get("MIGRATE-DISABLED-SECRET").await.is_err());

    // The rerun creates nothing.
    let out = run(a, envs, None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["plan"]["create"], 0, "{summary}");
    assert_eq!(json(&out)["applied"]["created"], 0, "{summary}");
}

/// The Keygen product the moved keys are of.
const KEYGEN_PRODUCT: &str = "5b8f3a2e-0000-4000-8000-0000000050c1";

#[tokio::test(flavor = "multi_thread")]
async fn keys_move_from_keygen_to_dodo_once() {
    let rig = Rig::start(0).await;
    let keygen = KeygenEmulator::start().await;
    let expiry = chrono::DateTime::from_timestamp(1_900_000_000, 0).unwrap();
    for i in 0..3 {
        let mut seed = LicenseSeed::new(key(i))
            .product(KEYGEN_PRODUCT, POLICY)
            .max_machines(3);
        if i % 2 == 0 {
            seed = seed.expiry(expiry);
        }
        keygen.add_license(seed);
    }
    // A suspended key stays behind.
    keygen.add_license(
        LicenseSeed::new("MIGRATE-SUSPENDED-SECRET")
            .product(KEYGEN_PRODUCT, POLICY)
            .suspended(true),
    );
    std::fs::write(
        rig.path("mapping.json"),
        format!(
            r#"{{"products": {{"{KEYGEN_PRODUCT}": "{TARGET_PRODUCT}"}}, "default_customer": "{TARGET_CUSTOMER}"}}"#
        ),
    )
    .unwrap();
    let (a, envs) = with_keygen(&rig, &keygen, ("lemonsqueezy", &rig.ls.uri()));

    let out = run(a.clone(), envs.clone(), None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["applied"]["created"], 3, "{summary}");
    assert!(!text(&out).contains("SECRET"));

    // At Dodo: the same key texts, of the mapped product and customer, with limit and expiry.
    let mut moved = rig.at_dodo().await;
    moved.sort_by_key(|l| l.key.as_ref().unwrap().expose().to_owned());
    assert_eq!(moved.len(), 3, "{moved:?}");
    for (i, license) in moved.iter().enumerate() {
        assert_eq!(license.key.as_ref().unwrap().expose(), key(i));
        assert_eq!(license.product.id.as_deref(), Some(TARGET_PRODUCT), "{i}");
        assert_eq!(license.customer.id.as_deref(), Some(TARGET_CUSTOMER), "{i}");
        assert_eq!(license.activation_limit, Some(3), "{i}");
        assert_eq!(license.expires_at, (i % 2 == 0).then_some(expiry), "{i}");
    }

    // The rerun creates nothing.
    let out = run(a, envs, None).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let summary = json(&out);
    assert_eq!(summary["plan"]["create"], 0, "{summary}");
    assert_eq!(summary["applied"]["created"], 0, "{summary}");
    assert_eq!(rig.at_dodo().await.len(), 3);
}
