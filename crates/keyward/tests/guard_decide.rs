#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The guard's pure decision, one row per branch.
#![cfg(feature = "guard")]

use chrono::{DateTime, TimeDelta, Utc};
use keyward::guard::{
    DenyReason, Fresh, Grace, LicenseFacts, OnRollback, Policy, Source, Standing, StateChange,
    StoredState, decide, earns_grace,
};
use keyward_core::{ErrorKind, HttpDetails, InvalidReason, LicenseError};

fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

const CHECKED: &str = "2026-03-01T12:00:00Z";
const GRACE_END: &str = "2026-03-08T12:00:00Z";
const LATER: &str = "2026-03-05T00:00:00Z";
const MAR2: &str = "2026-03-02T00:00:00Z";

fn facts(expires: Option<&str>) -> LicenseFacts {
    let mut f = LicenseFacts::default();
    f.license_id = Some("lic_1".into());
    f.status = Some("active".into());
    f.expires_at = expires.map(t);
    f
}

/// Checked online at `CHECKED`, last seen at `seen`.
fn stored(seen: &str, expires: Option<&str>) -> StoredState {
    let mut s = StoredState::new("dodo", "ab12", t(CHECKED));
    s.instance_id = Some("lki_1".into());
    s.license = Some(facts(expires));
    s.latest_seen_at = t(seen);
    s
}

fn http(status: u16) -> Fresh {
    Fresh::Failed(LicenseError::from_http(HttpDetails::new(status), "answer"))
}

fn failed(kind: ErrorKind) -> Fresh {
    Fresh::Failed(LicenseError::new(kind, "failed"))
}

fn grace(now: &str) -> Standing {
    let ends = t(CHECKED) + TimeDelta::days(7);
    let seen = t(now);
    let mut g = grace_template();
    g.ends_at = ends;
    g.left = ends - seen;
    Standing::Licensed { grace: Some(g) }
}

fn grace_template() -> Grace {
    match keyward::guard::decide(
        Some(&stored(CHECKED, None)),
        &Fresh::NotAsked,
        t(CHECKED),
        &Policy::default(),
    )
    .verdict
    .standing
    {
        Standing::Licensed { grace: Some(g) } => g,
        other => panic!("{other:?}"),
    }
}

#[derive(Debug, PartialEq)]
enum Change {
    Keep,
    Write,
    Wipe,
}

struct Row {
    name: &'static str,
    stored: Option<StoredState>,
    fresh: Fresh,
    now: &'static str,
    policy: Policy,
    standing: Standing,
    source: fn(&Source) -> bool,
    rolled_back: bool,
    change: Change,
}

fn online(s: &Source) -> bool {
    *s == Source::Online
}
fn unreachable(s: &Source) -> bool {
    matches!(s, Source::Unreachable { .. })
}
fn from_store(s: &Source) -> bool {
    *s == Source::Stored
}

#[rustfmt::skip]
fn rows() -> Vec<Row> {
    let p = Policy::default();
    let deny = Policy::default().on_rollback(OnRollback::Deny);
    let valid = || Fresh::Valid {
        license: Some(facts(Some("2027-01-01T00:00:00Z"))),
        instance_id: Some("lki_2".into()),
    };
    let refused = |kind, status| Standing::NotLicensed(DenyReason::RequestRefused { kind, status });
    let row = |name, stored, fresh, now, policy, standing, source, rolled_back, change| Row {
        name, stored, fresh, now, policy, standing, source, rolled_back, change,
    };
    let day2 = "2026-03-03T12:00:00Z";
    let online_now = Standing::Licensed { grace: None };
    let never = Standing::NotLicensed(DenyReason::NeverChecked);
    let invalid = |reason| Standing::NotLicensed(DenyReason::Invalid(reason));
    let expired = |at| Standing::NotLicensed(DenyReason::Expired { at: t(at) });
    let ended = Standing::GraceEnded { last_online_check: t(CHECKED), ended_at: t(GRACE_END) };
    vec![
        row("valid, first check", None, valid(), day2, p, online_now.clone(), online, false, Change::Write),
        row("valid over state", Some(stored(CHECKED, None)), valid(), day2, p, online_now.clone(), online, false, Change::Write),
        row("valid, clock rolled back", Some(stored(LATER, None)), valid(), day2, p, online_now.clone(), online, true, Change::Write),
        row("valid, clock rolled back, deny", Some(stored(LATER, None)), valid(), day2, deny, online_now, online, true, Change::Write),
        row("invalid ends the license", Some(stored(CHECKED, None)), Fresh::Invalid(InvalidReason::Revoked), day2, p, invalid(InvalidReason::Revoked), online, false, Change::Wipe),
        row("invalid without state", None, Fresh::Invalid(InvalidReason::Disabled), day2, p, invalid(InvalidReason::Disabled), online, false, Change::Wipe),
        row("network error, grace", Some(stored(CHECKED, None)), failed(ErrorKind::Network), day2, p, grace(day2), unreachable, false, Change::Write),
        row("timeout, grace", Some(stored(CHECKED, None)), failed(ErrorKind::Timeout), day2, p, grace(day2), unreachable, false, Change::Write),
        row("500, grace", Some(stored(CHECKED, None)), http(500), day2, p, grace(day2), unreachable, false, Change::Write),
        row("503, grace", Some(stored(CHECKED, None)), http(503), day2, p, grace(day2), unreachable, false, Change::Write),
        row("429, grace", Some(stored(CHECKED, None)), http(429), day2, p, grace(day2), unreachable, false, Change::Write),
        row("401, no grace", Some(stored(CHECKED, None)), http(401), day2, p, refused(ErrorKind::Unauthorized, Some(401)), online, false, Change::Keep),
        row("403, no grace", Some(stored(CHECKED, None)), http(403), day2, p, refused(ErrorKind::Unauthorized, Some(403)), online, false, Change::Keep),
        row("404, no grace", Some(stored(CHECKED, None)), http(404), day2, p, refused(ErrorKind::NotFound, Some(404)), online, false, Change::Keep),
        row("undecodable, no grace", Some(stored(CHECKED, None)), failed(ErrorKind::Decode), day2, p, refused(ErrorKind::Decode, None), online, false, Change::Keep),
        row("bad signature, no grace", Some(stored(CHECKED, None)), failed(ErrorKind::Signature), day2, p, refused(ErrorKind::Signature, None), online, false, Change::Keep),
        row("not asked, grace", Some(stored(CHECKED, None)), Fresh::NotAsked, day2, p, grace(day2), from_store, false, Change::Write),
        row("not asked, time already seen", Some(stored(day2, None)), Fresh::NotAsked, day2, p, grace(day2), from_store, false, Change::Keep),
        row("offline, no state", None, failed(ErrorKind::Network), day2, p, never.clone(), unreachable, false, Change::Keep),
        row("offline, state from the future", Some(stored(CHECKED, None)), failed(ErrorKind::Network), "2026-02-20T00:00:00Z", p, never, unreachable, true, Change::Keep),
        row("offline, rolled back, deny", Some(stored(LATER, None)), failed(ErrorKind::Network), day2, deny, Standing::NotLicensed(DenyReason::ClockRolledBack), unreachable, true, Change::Keep),
        row("offline, rolled back, flag: latest time counts", Some(stored(LATER, None)), failed(ErrorKind::Network), day2, p, grace(LATER), unreachable, true, Change::Keep),
        row("offline, back within tolerance", Some(stored("2026-03-03T12:30:00Z", None)), Fresh::NotAsked, day2, deny, grace("2026-03-03T12:30:00Z"), from_store, false, Change::Keep),
        row("offline, expired", Some(stored(CHECKED, Some(MAR2))), failed(ErrorKind::Network), day2, p, expired(MAR2), unreachable, false, Change::Write),
        row("offline, expiry on the latest time seen", Some(stored("2026-03-04T00:00:00Z", Some("2026-03-03T00:00:00Z"))), Fresh::NotAsked, MAR2, p, expired("2026-03-03T00:00:00Z"), from_store, true, Change::Keep),
        row("offline, one second left", Some(stored(CHECKED, None)), failed(ErrorKind::Network), "2026-03-08T11:59:59Z", p, grace("2026-03-08T11:59:59Z"), unreachable, false, Change::Write),
        row("offline, grace ends now", Some(stored(CHECKED, None)), failed(ErrorKind::Network), GRACE_END, p, ended.clone(), unreachable, false, Change::Write),
        row("offline, past grace", Some(stored(CHECKED, None)), http(503), "2026-03-20T00:00:00Z", p, ended, unreachable, false, Change::Write),
        row("a longer grace", Some(stored(CHECKED, None)), Fresh::NotAsked, "2026-03-20T00:00:00Z", Policy::default().grace(TimeDelta::days(30)), Standing::Licensed { grace: Some(long_grace()) }, from_store, false, Change::Write),
    ]
}

fn long_grace() -> Grace {
    let mut g = grace_template();
    g.ends_at = t("2026-03-31T12:00:00Z");
    g.left = t("2026-03-31T12:00:00Z") - t("2026-03-20T00:00:00Z");
    g
}

#[test]
fn every_branch_of_the_decision() {
    for row in rows() {
        let d = decide(row.stored.as_ref(), &row.fresh, t(row.now), &row.policy);
        let v = &d.verdict;
        assert_eq!(v.standing, row.standing, "{}", row.name);
        assert!((row.source)(&v.source), "{}: {:?}", row.name, v.source);
        assert_eq!(v.flags.clock_rolled_back, row.rolled_back, "{}", row.name);
        assert!(!v.flags.state_not_saved, "{}", row.name);
        let change = match &d.state {
            StateChange::Keep => Change::Keep,
            StateChange::Write(_) => Change::Write,
            StateChange::Wipe => Change::Wipe,
            other => panic!("{other:?}"),
        };
        assert_eq!(change, row.change, "{}", row.name);
        assert!(!v.to_string().is_empty());
    }
}

#[test]
fn what_a_write_records() {
    // A valid answer records now, the new activation and license, and keeps the latest time seen.
    let old = stored("2026-03-05T00:00:00Z", None);
    let fresh = Fresh::Valid {
        license: None,
        instance_id: None,
    };
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
    assert_eq!(state.latest_seen_at, t("2026-03-05T00:00:00Z"));
    assert_eq!(
        state.instance_id.as_deref(),
        Some("lki_1"),
        "stored activation kept"
    );
    assert_eq!(
        state.license, old.license,
        "stored facts kept when none came"
    );
    // Offline, only the latest time seen moves.
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
}

#[test]
fn only_could_not_find_out_errors_earn_grace() {
    for kind in [
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Server,
        ErrorKind::RateLimited,
    ] {
        assert!(earns_grace(&LicenseError::new(kind, "x")), "{kind:?}");
    }
    for kind in [
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
    ] {
        assert!(!earns_grace(&LicenseError::new(kind, "x")), "{kind:?}");
    }
}

#[test]
fn verdicts_read_as_sentences() {
    let p = Policy::default();
    let say = |stored: Option<StoredState>, fresh: Fresh, now: &str| {
        decide(stored.as_ref(), &fresh, t(now), &p)
            .verdict
            .to_string()
    };
    let valid = Fresh::Valid {
        license: Some(facts(Some("2027-01-01T00:00:00Z"))),
        instance_id: None,
    };
    assert_eq!(say(None, valid, CHECKED), "Licensed until 2027-01-01.");
    assert_eq!(
        say(
            Some(stored(CHECKED, None)),
            http(503),
            "2026-03-02T11:00:00Z"
        ),
        "Licensed, offline: the license server could not be reached or did not answer. It keeps working offline \
         for 6 days 1 hour more (until 2026-03-08 12:00 UTC)."
    );
    assert_eq!(
        say(None, Fresh::Invalid(InvalidReason::Revoked), CHECKED),
        "Not licensed: license has been revoked."
    );
    let ended = say(
        Some(stored(CHECKED, None)),
        failed(ErrorKind::Network),
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
