//! The provider's clock and signed leases against the emulators: a year-ahead boot records the
//! provider's time (its `Date`, or GetKeyManager's signed timestamp) and a corrected clock stays
//! licensed; a lease is verified again before every use.

use chrono::{TimeDelta, Utc};
use keyward::guard::{DenyReason, Policy, Standing, Unsealed};

use super::support::{ALL, Kind, MACHINE, Rig, about, provider};

#[tokio::test]
async fn a_year_ahead_boot_records_the_providers_time_and_a_corrected_clock_stays_licensed() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let (online, offline) = rig.guards();
        rig.clock.set(rig.t0 + TimeDelta::days(365));
        let v = online.check().await;
        assert_eq!(v.standing, Standing::Licensed { grace: None }, "{kind:?}");
        assert!(!v.flags.clock_rolled_back, "{kind:?}");
        let state = online.stored_state().unwrap();
        let off = (state.checked_at - Utc::now()).abs();
        assert!(
            off < TimeDelta::minutes(1),
            "{kind:?}: the provider's time, off by {off}"
        );
        assert_eq!(
            state.lease.is_some(),
            kind == Kind::SignedLicense,
            "{kind:?}"
        );

        // Later in the same boot, offline: grace counted on the provider's time.
        rig.clock.advance(TimeDelta::hours(2));
        let v = offline.check().await;
        assert!(
            about(v.grace_left(), TimeDelta::days(7) - TimeDelta::hours(2)),
            "{kind:?}: {v}"
        );

        // The clock corrected: still licensed, nothing flagged, the grace counted from the check.
        rig.clock.set(rig.t0 + TimeDelta::days(1));
        let v = offline.check().await;
        assert!(v.is_licensed(), "{kind:?}: {v}");
        assert!(!v.flags.clock_rolled_back, "{kind:?}: {v}");
        // (The provider's time is the real one, a little after the rig's start.)
        let left = v.grace_left().unwrap();
        assert!(
            (left - TimeDelta::days(6)).abs() < TimeDelta::minutes(1),
            "{kind:?}: {left}"
        );
        // And online again, no rollback flag either.
        let v = online.check().await;
        assert!(
            v.is_licensed() && !v.flags.clock_rolled_back,
            "{kind:?}: {v}"
        );
    }
}

#[tokio::test]
async fn a_getkeymanager_lease_is_verified_again_before_every_use() {
    let rig = Rig::start(Kind::SignedLicense).await;
    let (online, offline) = rig.guards();
    assert!(online.check().await.is_licensed());
    let lease = online
        .stored_state()
        .unwrap()
        .lease
        .expect("a lease is stored");
    assert!((lease.signed_at - Utc::now()).abs() < TimeDelta::minutes(1));

    rig.clock.advance(TimeDelta::days(1));
    let v = offline.check().await;
    let Standing::Licensed { grace: Some(grace) } = v.standing else {
        panic!("{v}")
    };
    assert_eq!(
        grace.lease_ends_at,
        Some(lease.signed_at + TimeDelta::days(7))
    );
    assert!(v.to_string().contains("signed lease runs until"), "{v}");

    // A provider pinning another key cannot verify the lease: no state to decide from.
    let other_pem =
        include_str!("../../../keyward-signed-license/docs/docs-demo-signing-key.pub.pem");
    let refused = keyward_test_support::refused_url().unwrap();
    let strangers = provider(
        Kind::SignedLicense,
        &refused,
        "00000000-0000-0000-0000-000000000000",
        Some(other_pem),
    );
    let elsewhere = rig.guard_on(strangers, MACHINE, Policy::default());
    assert_eq!(elsewhere.stored_state(), Err(Unsealed::BadLease));
    assert_eq!(
        elsewhere.verdict().standing,
        Standing::NotLicensed(DenyReason::NeverChecked)
    );
    assert!(
        online.state_path().exists(),
        "the state is kept for its own provider"
    );
    assert!(offline.verdict().is_licensed());
}
