//! The guard against all four emulators: online, offline within and past grace, authoritative
//! answers during grace, which failures earn grace, refused state files, clock rollback.

use chrono::TimeDelta;
use keyward::guard::{DenyReason, GraceOn, Policy, Source, Standing, Unsealed};
use keyward::{InvalidReason, Patch, UpdateRequest};

use super::support::{ALL, Kind, MACHINE, Rig, TempDir, about, answering, files_in};

#[tokio::test]
async fn online_then_offline_within_grace_then_past_it_then_online_again() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let clock = &rig.clock;
        let (online, offline) = rig.guards();

        let v = online.check().await;
        assert_eq!(
            v.standing,
            Standing::Licensed { grace: None },
            "{kind:?}: {v}"
        );
        assert_eq!(v.source, Source::Online, "{kind:?}");
        let state = online.stored_state().unwrap();
        assert_eq!(state.provider, rig.online.provider().as_str());
        if rig.online.capabilities().activate {
            assert!(
                state.instance_id.is_some(),
                "{kind:?}: the activation is stored"
            );
        }

        clock.advance(TimeDelta::days(3));
        let v = offline.check().await;
        assert!(v.is_licensed(), "{kind:?}: {v}");
        assert!(matches!(v.source, Source::Unreachable { .. }), "{kind:?}");
        assert!(about(v.grace_left(), TimeDelta::days(4)), "{kind:?}: {v}");
        assert!(
            v.to_string().contains("It keeps working offline for"),
            "{v}"
        );

        clock.advance(TimeDelta::days(5));
        let v = offline.check().await;
        assert!(
            matches!(v.standing, Standing::GraceEnded { .. }),
            "{kind:?}: {v}"
        );

        let requests = rig.requests().await;
        let v = online.check().await;
        assert_eq!(
            v.standing,
            Standing::Licensed { grace: None },
            "{kind:?}: {v}"
        );
        if rig.online.capabilities().activate {
            // Back online, the stored activation is reused: validate only, no second slot.
            assert_eq!(rig.requests().await, requests + 1, "{kind:?}");
        }
    }
}

#[tokio::test]
async fn an_authoritative_refusal_during_grace_ends_the_license_and_wipes_the_state() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let clock = &rig.clock;
        let (online, offline) = rig.guards();
        assert!(online.check().await.is_licensed(), "{kind:?}");
        clock.advance(TimeDelta::days(1));
        assert!(offline.check().await.is_licensed(), "{kind:?}");

        rig.end_license().await;
        let v = online.check().await;
        assert!(
            matches!(v.standing, Standing::NotLicensed(DenyReason::Invalid(_))),
            "{kind:?}: {v}"
        );
        assert!(!online.state_path().exists(), "{kind:?}: state wiped");
        assert_eq!(online.stored_state(), Err(Unsealed::Missing));
        let v = offline.check().await;
        assert_eq!(
            v.standing,
            Standing::NotLicensed(DenyReason::NeverChecked),
            "{kind:?}: no grace after the license ended"
        );
    }
}

#[tokio::test]
async fn every_failure_earns_grace_by_default_and_only_outages_when_asked() {
    let outages = Policy::default().grace_on(GraceOn::Outages);
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let online = rig.guard(rig.online.clone());
        assert!(online.check().await.is_licensed(), "{kind:?}");
        rig.clock.advance(TimeDelta::hours(5));
        for status in [429, 500, 502, 503, 401, 403, 404] {
            if kind == Kind::Dodo && status == 404 {
                // Dodo answers an unknown key with 404: its adapter reads that as the
                // provider's own "not found", which ends a license.
                continue;
            }
            let server = answering(status).await;
            let v = rig.guard(rig.at(&server.uri())).check().await;
            assert!(v.is_licensed(), "{kind:?} {status}: {v}");
            // DevPayr's adapter reads its 4xx as a refusal without a name: no usable answer.
            assert!(
                matches!(v.source, Source::Unreachable { status: s, .. } if s == Some(status) || s.is_none()),
                "{kind:?} {status}: {:?}",
                v.source
            );
            let strict = rig.guard_on(rig.at(&server.uri()), MACHINE, outages);
            let v = strict.check().await;
            if matches!(status, 429 | 500..=599) {
                assert!(v.is_licensed(), "{kind:?} {status}: {v}");
            } else {
                assert!(!v.is_licensed(), "{kind:?} {status}: {v}");
                assert!(v.grace_left().is_none(), "{kind:?} {status}");
            }
            assert!(
                strict.stored_state().is_ok(),
                "{kind:?} {status}: state kept"
            );
        }
    }
}

#[tokio::test]
async fn tampered_copied_and_truncated_state_files_are_no_state() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let (online, offline) = rig.guards();
        assert!(online.check().await.is_licensed(), "{kind:?}");
        let path = online.state_path().to_path_buf();
        let good = std::fs::read(&path).unwrap();
        let never = Standing::NotLicensed(DenyReason::NeverChecked);

        // Edited: push the last online check a year ahead.
        let text = String::from_utf8(good.clone()).unwrap();
        let year = rig.t0.format("%Y").to_string();
        let next = (year.parse::<i32>().unwrap() + 1).to_string();
        std::fs::write(
            &path,
            text.replacen(
                &format!("\"checked_at\":\"{year}"),
                &format!("\"checked_at\":\"{next}"),
                1,
            ),
        )
        .unwrap();
        assert_ne!(
            std::fs::read(&path).unwrap(),
            good,
            "{kind:?}: the edit took"
        );
        assert_eq!(offline.stored_state(), Err(Unsealed::BadSeal), "{kind:?}");
        assert_eq!(offline.check().await.standing, never, "{kind:?}");

        // Truncated.
        std::fs::write(&path, &good[..good.len() / 2]).unwrap();
        assert!(offline.stored_state().is_err(), "{kind:?}");
        assert_eq!(offline.check().await.standing, never, "{kind:?}");
        std::fs::write(&path, b"").unwrap();
        assert_eq!(offline.stored_state(), Err(Unsealed::Malformed), "{kind:?}");

        // Copied to another machine (same app, same key, another fingerprint), under the name
        // that machine looks for.
        let other_dir = TempDir::new().unwrap();
        let elsewhere = rig.guard_in(
            rig.offline(),
            other_dir.path(),
            "ANOTHER-MACHINE-0001",
            Policy::default(),
        );
        assert_ne!(
            elsewhere.state_path().file_name(),
            path.file_name(),
            "{kind:?}"
        );
        std::fs::write(elsewhere.state_path(), &good).unwrap();
        assert_eq!(elsewhere.stored_state(), Err(Unsealed::BadSeal), "{kind:?}");
        assert_eq!(elsewhere.check().await.standing, never, "{kind:?}");

        // The intact file still works on its own machine.
        std::fs::write(&path, &good).unwrap();
        assert!(offline.check().await.is_licensed(), "{kind:?}");
    }
}

#[tokio::test]
async fn a_rolled_back_clock_is_flagged_and_gains_nothing() {
    for kind in ALL {
        let rig = Rig::start(kind).await;
        let (t0, clock) = (rig.t0, &rig.clock);
        let (online, offline) = rig.guards();
        assert!(online.check().await.is_licensed(), "{kind:?}");
        clock.set(t0 + TimeDelta::days(5));
        let v = offline.check().await;
        assert!(about(v.grace_left(), TimeDelta::days(2)), "{kind:?}: {v}");

        clock.set(t0 + TimeDelta::days(1));
        let deny = Policy::default().on_rollback(keyward::guard::OnRollback::Deny);
        let strict = rig.guard_on(rig.offline(), MACHINE, deny);
        let v = strict.check().await;
        assert_eq!(
            v.standing,
            Standing::NotLicensed(DenyReason::ClockRolledBack),
            "{kind:?}"
        );

        let v = offline.check().await;
        assert!(v.flags.clock_rolled_back, "{kind:?}: {v}");
        assert!(
            about(v.grace_left(), TimeDelta::days(2)),
            "{kind:?}: counted on the latest time seen: {v}"
        );
        assert!(v.to_string().contains("set back"), "{v}");
        // Flagged, the rolled-back reading becomes the anchor: the grace counts on from there.
        clock.advance(TimeDelta::days(1));
        let v = offline.check().await;
        assert!(!v.flags.clock_rolled_back, "{kind:?}: {v}");
        assert!(
            v.grace_left().unwrap() <= TimeDelta::days(1),
            "{kind:?}: {v}"
        );
    }
}

#[tokio::test]
async fn an_activation_refused_at_the_limit_is_not_licensed() {
    // Two other machines take both slots; a third is refused (for providers with activations).
    for kind in [Kind::Dodo, Kind::LemonSqueezy, Kind::SignedLicense] {
        let rig = Rig::start(kind).await;
        for machine in ["machine-one", "machine-two"] {
            let guard = rig.guard_on(rig.online.clone(), machine, Policy::default());
            assert!(guard.check().await.is_licensed(), "{kind:?} {machine}");
            // Checking again on the same machine reuses its slot.
            assert!(guard.check().await.is_licensed(), "{kind:?} {machine}");
        }
        let third = rig.guard_on(rig.online.clone(), "machine-three", Policy::default());
        let v = third.check().await;
        assert_eq!(
            v.standing,
            Standing::NotLicensed(DenyReason::Invalid(InvalidReason::LimitReached)),
            "{kind:?}: {v}"
        );
        assert_eq!(
            files_in(rig.dir.path()).len(),
            2,
            "{kind:?}: one file per machine's fingerprint"
        );
    }
}

#[tokio::test]
async fn an_expiry_date_passes_offline_too() {
    // Lemon Squeezy's validate answer carries the expiry date; Dodo's validate and activate
    // answers and GetKeyManager's verify do not, and DevPayr sets none here, so for them the
    // guard knows no expiry offline (grace still ends).
    let kind = Kind::LemonSqueezy;
    let rig = Rig::start(kind).await;
    let expires = rig.t0 + TimeDelta::days(3);
    let mut update = UpdateRequest::new(rig.license_id.clone());
    update.expires_at = Patch::Set(expires);
    rig.admin.update(update).await.unwrap();
    let (online, offline) = rig.guards();
    let v = online.check().await;
    assert!(v.is_licensed(), "{kind:?}: {v}");
    let known = v.license.as_ref().and_then(|l| l.expires_at);
    assert_eq!(
        known.map(|at| at.timestamp()),
        Some(expires.timestamp()),
        "{kind:?}"
    );

    rig.clock.advance(TimeDelta::days(2));
    assert!(offline.check().await.is_licensed(), "{kind:?}");
    rig.clock.advance(TimeDelta::days(2));
    let v = offline.check().await;
    assert!(
        matches!(
            v.standing,
            Standing::NotLicensed(DenyReason::Expired { .. })
        ),
        "{kind:?}: {v}"
    );
    assert!(
        v.to_string()
            .starts_with("Not licensed: the license expired on"),
        "{v}"
    );
}
