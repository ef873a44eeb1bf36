#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The guard's pure decision, one named row per case: this file's table for answers, errors and
//! the stored state; `guard_decide/clock.rs` for the provider's clock, wrong local clocks and
//! signed leases.
#![cfg(feature = "guard")]

#[path = "guard_decide/clock.rs"]
mod clock;
#[path = "guard_decide/rows.rs"]
#[allow(dead_code, unreachable_pub)]
mod rows;

use chrono::TimeDelta;
use keyward::guard::{
    DenyReason, Fresh, GraceOn, OnRollback, Policy, Standing, StateChange, StoredState, decide,
};
use keyward_core::{ErrorKind, InvalidReason, LicenseError};

use self::rows::{
    CHECKED, Change, DAY2, GRACE_END, LATER, MAR2, from_store, grace, grace_until, http, online,
    row, run, stored, t, unreachable, valid_at,
};

#[rustfmt::skip]
#[test]
fn every_branch_of_the_decision() {
    let p = Policy::default();
    let deny = Policy::default().on_rollback(OnRollback::Deny);
    let outages = Policy::default().grace_on(GraceOn::Outages);
    let valid = || valid_at(None);
    let failed = rows::failed;
    let refused = |kind, status| Standing::NotLicensed(DenyReason::RequestRefused { kind, status });
    let day2 = t(DAY2);
    let online_now = Standing::Licensed { grace: None };
    let never = Standing::NotLicensed(DenyReason::NeverChecked);
    let invalid = |reason| Standing::NotLicensed(DenyReason::Invalid(reason));
    let expired = |at| Standing::NotLicensed(DenyReason::Expired { at: t(at) });
    let ended = Standing::GraceEnded { last_online_check: t(CHECKED), ended_at: t(GRACE_END) };
    let daily_cap = || InvalidReason::Other("Daily usage limit reached for this license.".into());
    run(vec![
        row("valid, first check", None, valid(), day2, p, online_now.clone(), online, false, Change::Write),
        row("valid over state", Some(stored(CHECKED, None)), valid(), day2, p, online_now.clone(), online, false, Change::Write),
        row("valid, no provider time, clock behind the latest time seen", Some(stored(LATER, None)), valid(), day2, p, online_now.clone(), online, true, Change::Write),
        row("valid, no provider time, clock behind, deny", Some(stored(LATER, None)), valid(), day2, deny, online_now, online, true, Change::Write),
        row("invalid ends the license", Some(stored(CHECKED, None)), Fresh::Invalid(InvalidReason::Revoked), day2, p, invalid(InvalidReason::Revoked), online, false, Change::Wipe),
        row("invalid without state", None, Fresh::Invalid(InvalidReason::Disabled), day2, p, invalid(InvalidReason::Disabled), online, false, Change::Wipe),
        row("unknown refusal (DevPayr's daily cap) keeps the state, grace", Some(stored(CHECKED, None)), Fresh::Invalid(daily_cap()), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("unknown refusal, outages only: not licensed, state kept", Some(stored(CHECKED, None)), Fresh::Invalid(daily_cap()), day2, outages, invalid(daily_cap()), unreachable, false, Change::Keep),
        row("answer not understood keeps the state, grace", Some(stored(CHECKED, None)), Fresh::Failed(LicenseError::decode("the provider's validation answer was not understood")), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("network error, grace", Some(stored(CHECKED, None)), failed(ErrorKind::Network), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("timeout, grace", Some(stored(CHECKED, None)), failed(ErrorKind::Timeout), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("500, grace", Some(stored(CHECKED, None)), http(500), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("503, grace", Some(stored(CHECKED, None)), http(503), day2, outages, grace(DAY2), unreachable, false, Change::Write),
        row("429, grace", Some(stored(CHECKED, None)), http(429), day2, outages, grace(DAY2), unreachable, false, Change::Write),
        row("a proxy's 403 page, grace", Some(stored(CHECKED, None)), http(403), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("a captive portal's 200 HTML (undecodable), grace", Some(stored(CHECKED, None)), failed(ErrorKind::Decode), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("bad signature, grace (cutting the network earns the same)", Some(stored(CHECKED, None)), failed(ErrorKind::Signature), day2, p, grace(DAY2), unreachable, false, Change::Write),
        row("401, outages only: no grace, state kept", Some(stored(CHECKED, None)), http(401), day2, outages, refused(ErrorKind::Unauthorized, Some(401)), unreachable, false, Change::Keep),
        row("403, outages only: no grace", Some(stored(CHECKED, None)), http(403), day2, outages, refused(ErrorKind::Unauthorized, Some(403)), unreachable, false, Change::Keep),
        row("404, outages only: no grace", Some(stored(CHECKED, None)), http(404), day2, outages, refused(ErrorKind::NotFound, Some(404)), unreachable, false, Change::Keep),
        row("undecodable, outages only: no grace", Some(stored(CHECKED, None)), failed(ErrorKind::Decode), day2, outages, refused(ErrorKind::Decode, None), unreachable, false, Change::Keep),
        row("bad signature, outages only: no grace", Some(stored(CHECKED, None)), failed(ErrorKind::Signature), day2, outages, refused(ErrorKind::Signature, None), unreachable, false, Change::Keep),
        row("not asked, grace", Some(stored(CHECKED, None)), Fresh::NotAsked, day2, p, grace(DAY2), from_store, false, Change::Write),
        row("not asked, time already seen", Some(stored(DAY2, None)), Fresh::NotAsked, day2, p, grace(DAY2), from_store, false, Change::Keep),
        row("offline, no state", None, failed(ErrorKind::Network), day2, p, never, unreachable, false, Change::Keep),
        row("offline, clock before the last check, deny", Some(stored(CHECKED, None)), failed(ErrorKind::Network), t("2026-02-20T00:00:00Z"), deny, Standing::NotLicensed(DenyReason::ClockRolledBack), unreachable, true, Change::Keep),
        row("offline, rolled back, deny", Some(stored(LATER, None)), failed(ErrorKind::Network), day2, deny, Standing::NotLicensed(DenyReason::ClockRolledBack), unreachable, true, Change::Keep),
        row("offline, rolled back, flag: latest time counts", Some(stored(LATER, None)), failed(ErrorKind::Network), day2, p, grace(LATER), unreachable, true, Change::Write),
        row("offline, back within tolerance: no time elapsed", Some(stored("2026-03-03T12:30:00Z", None)), Fresh::NotAsked, day2, deny, grace("2026-03-03T12:30:00Z"), from_store, false, Change::Write),
        row("offline, expired", Some(stored(CHECKED, Some(MAR2))), failed(ErrorKind::Network), day2, p, expired(MAR2), unreachable, false, Change::Write),
        row("offline, expiry on the latest time seen", Some(stored("2026-03-04T00:00:00Z", Some("2026-03-03T00:00:00Z"))), Fresh::NotAsked, t(MAR2), p, expired("2026-03-03T00:00:00Z"), from_store, true, Change::Write),
        row("offline, one second left", Some(stored(CHECKED, None)), failed(ErrorKind::Network), t("2026-03-08T11:59:59Z"), p, grace("2026-03-08T11:59:59Z"), unreachable, false, Change::Write),
        row("offline, grace ends now", Some(stored(CHECKED, None)), failed(ErrorKind::Network), t(GRACE_END), p, ended.clone(), unreachable, false, Change::Write),
        row("offline, past grace", Some(stored(CHECKED, None)), http(503), t("2026-03-20T00:00:00Z"), p, ended, unreachable, false, Change::Write),
        row("a longer grace", Some(stored(CHECKED, None)), Fresh::NotAsked, t("2026-03-20T00:00:00Z"), Policy::default().grace(TimeDelta::days(30)), grace_until("2026-03-31T12:00:00Z", "2026-03-20T00:00:00Z", None), from_store, false, Change::Write),
    ]);
}

#[test]
fn what_a_write_records() {
    // A valid answer records now, the new activation and license, and resets the latest time
    // seen to the check (what a wrong clock wrote does not outlive an online answer).
    let old = stored("2026-03-05T00:00:00Z", None);
    let fresh = Fresh::valid(None, None);
    let d = decide(
        Some(&old),
        &fresh,
        t("2026-03-04T00:00:00Z"),
        &Policy::default(),
    );
    let StateChange::Write(state) = d.state else {
        panic!("{:?}", d.state)
    };
    assert_eq!(state.checked_at, t("2026-03-04T00:00:00Z"));
    assert_eq!(state.latest_seen_at, t("2026-03-04T00:00:00Z"));
    assert_eq!(
        state.latest_seen_locally_at,
        Some(t("2026-03-04T00:00:00Z"))
    );
    assert_eq!(state.lease, None);
    assert_eq!(
        state.instance_id.as_deref(),
        Some("lki_1"),
        "stored activation kept"
    );
    assert_eq!(
        state.license, old.license,
        "stored facts kept when none came"
    );
    // Offline, only the latest time seen (and the local reading it was judged at) moves.
    let d = decide(
        Some(&old),
        &Fresh::NotAsked,
        t("2026-03-06T00:00:00Z"),
        &Policy::default(),
    );
    let StateChange::Write(state) = d.state else {
        panic!("{:?}", d.state)
    };
    assert_eq!(state.checked_at, old.checked_at);
    assert_eq!(state.latest_seen_at, t("2026-03-06T00:00:00Z"));
    assert_eq!(
        state.latest_seen_locally_at,
        Some(t("2026-03-06T00:00:00Z"))
    );
}

#[test]
fn every_failure_earns_grace_by_default_and_outages_only_when_asked() {
    let outages = [
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Server,
        ErrorKind::RateLimited,
    ];
    for kind in outages {
        assert!(
            GraceOn::Outages.earns_grace(&LicenseError::new(kind, "x")),
            "{kind:?}"
        );
    }
    let others = [
        ErrorKind::Config,
        ErrorKind::InvalidInput,
        ErrorKind::Unauthorized,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::Rejected,
        ErrorKind::Http,
        ErrorKind::BodyTooLarge,
        ErrorKind::Decode,
        ErrorKind::Signature,
        ErrorKind::Unsupported,
    ];
    for kind in others {
        assert!(
            !GraceOn::Outages.earns_grace(&LicenseError::new(kind, "x")),
            "{kind:?}"
        );
    }
    for kind in outages.into_iter().chain(others) {
        let error = LicenseError::new(kind, "x");
        assert!(GraceOn::AnyFailure.earns_grace(&error), "{kind:?}");
        assert_eq!(Policy::default().grace_on, GraceOn::AnyFailure);
    }
    // Only the named reasons are authoritative; a reason without a name keeps the state.
    assert!(keyward::guard::is_authoritative(&InvalidReason::Revoked));
    assert!(!keyward::guard::is_authoritative(&InvalidReason::Other(
        "cap".into()
    )));
}

#[test]
fn verdicts_read_as_sentences() {
    let p = Policy::default().grace_on(GraceOn::Outages);
    let say = |stored: Option<StoredState>, fresh: Fresh, now: &str| {
        decide(stored.as_ref(), &fresh, t(now), &p)
            .verdict
            .to_string()
    };
    let valid = valid_at(None);
    assert_eq!(say(None, valid, CHECKED), "Licensed until 2027-01-01.");
    assert_eq!(
        say(
            Some(stored(CHECKED, None)),
            http(503),
            "2026-03-02T11:00:00Z"
        ),
        "Licensed, offline: the license server could not be reached or gave no usable answer. It keeps \
         working offline for 6 days 1 hour more (until 2026-03-08 12:00 UTC)."
    );
    assert_eq!(
        say(None, Fresh::Invalid(InvalidReason::Revoked), CHECKED),
        "Not licensed: license has been revoked."
    );
    let ended = say(
        Some(stored(CHECKED, None)),
        rows::failed(ErrorKind::Network),
        "2026-04-01T00:00:00Z",
    );
    assert!(
        ended.starts_with("Not licensed: the offline period ended on 2026-03-08 12:00 UTC."),
        "{ended}"
    );
    let back = say(
        Some(stored("2026-03-05T00:00:00Z", None)),
        Fresh::NotAsked,
        "2026-03-02T00:00:00Z",
    );
    assert!(
        back.ends_with("The system clock appears to have been set back; please correct it."),
        "{back}"
    );
    let refused = say(Some(stored(CHECKED, None)), http(401), CHECKED);
    assert!(
        refused.contains("refused the request (HTTP 401)"),
        "{refused}"
    );
}
