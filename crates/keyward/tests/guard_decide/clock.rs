//! The provider's clock as the authority, wrong local clocks, and signed leases: one named row
//! per scenario.

use chrono::{Duration, TimeDelta};
use keyward::Lease;
use keyward::guard::{DenyReason, Fresh, OnRollback, Policy, Standing, StoredState, decide};

use super::rows::{
    CHECKED, Change, DAY2, GRACE_END, LATER, from_store, grace, grace_from, grace_until, online,
    plus, row, run, stored, t, valid_at, written,
};

/// The state a year-ahead boot writes: the provider's `Date` says `DAY2`, the clock a year on.
fn year_ahead_check() -> StoredState {
    let d = decide(
        None,
        &valid_at(Some(DAY2)),
        plus(DAY2, Duration::days(365)),
        &Policy::default(),
    );
    written(d)
}

/// Checked at `CHECKED` with a lease signed then (ending at `valid_until` if given).
fn leased(seen: &str, valid_until: Option<&str>) -> StoredState {
    let mut s = stored(seen, None);
    s.license = None;
    let mut lease = Lease::new("{\"signed\":\"envelope\"}", t(CHECKED));
    if let Some(end) = valid_until {
        lease = lease.valid_until(t(end));
    }
    s.lease = Some(lease);
    s
}

fn valid_with_lease(signed: &str, date: Option<&str>) -> Fresh {
    let mut fresh = valid_at(date);
    if let Fresh::Valid { lease, .. } = &mut fresh {
        *lease = Some(Box::new(Lease::new("{}", t(signed))));
    }
    fresh
}

#[rustfmt::skip]
#[test]
fn the_providers_clock_wrong_local_clocks_and_leases() {
    let p = Policy::default();
    let deny = Policy::default().on_rollback(OnRollback::Deny);
    let day = TimeDelta::days(1);
    let online_now = Standing::Licensed { grace: None };
    let day2 = t(DAY2);
    let after_rollback = written(decide(Some(&stored(DAY2, None)), &Fresh::NotAsked, day2 - TimeDelta::hours(8), &p));
    let lease_end = GRACE_END;
    run(vec![
        // A forward clock jump no longer locks a paying user out.
        row("year-ahead boot, online: the provider's time is recorded, not the clock's", None, valid_at(Some(DAY2)), plus(DAY2, day * 365), p, online_now.clone(), online, false, Change::Write),
        row("year-ahead boot, offline later in that boot: grace on the provider's time", Some(year_ahead_check()), Fresh::NotAsked, plus(DAY2, day * 365 + TimeDelta::hours(2)), p, grace_from(day2, day2 + day * 7, day2 + TimeDelta::hours(2), None), from_store, false, Change::Write),
        row("year-ahead boot then corrected, offline: licensed, the grace counted from the check", Some(year_ahead_check()), Fresh::NotAsked, day2 + day, p, grace_from(day2, day2 + day * 7, day2 + day, None), from_store, false, Change::Write),
        row("year-ahead boot then corrected, online: no rollback flag", Some(year_ahead_check()), valid_at(Some("2026-03-04T12:00:00Z")), day2 + day, p, online_now.clone(), online, false, Change::Write),
        row("clock behind the provider's online: flagged, still licensed", Some(stored(CHECKED, None)), valid_at(Some(LATER)), day2, p, online_now.clone(), online, true, Change::Write),
        // Dual boot: another system keeps the clock in local time, hours behind.
        row("dual boot: clock 8 hours behind the latest time seen, flag: licensed, flagged", Some(stored(DAY2, None)), Fresh::NotAsked, day2 - TimeDelta::hours(8), p, grace(DAY2), from_store, true, Change::Write),
        row("dual boot: clock behind the last check itself, flag: licensed, flagged", Some(stored(CHECKED, None)), Fresh::NotAsked, t(CHECKED) - TimeDelta::hours(8), p, grace(CHECKED), from_store, true, Change::Write),
        row("dual boot: clock behind the last check itself, deny: denied", Some(stored(CHECKED, None)), Fresh::NotAsked, t(CHECKED) - TimeDelta::hours(8), deny, Standing::NotLicensed(DenyReason::ClockRolledBack), from_store, true, Change::Keep),
        row("after a flagged rollback the grace counts on from the latest time seen", Some(after_rollback), Fresh::NotAsked, day2 - TimeDelta::hours(8) + day, p, grace_from(t(CHECKED), t(GRACE_END), day2 + day, None), from_store, false, Change::Write),
        // Signed leases.
        row("valid with a lease: its signed time outranks the Date", None, valid_with_lease(DAY2, Some(LATER)), plus(DAY2, day * 365), p, online_now.clone(), online, false, Change::Write),
        row("lease without a signed end: grace ends a grace period after its signing", Some(leased(CHECKED, None)), Fresh::NotAsked, day2, p, grace_until(GRACE_END, DAY2, Some(lease_end)), from_store, false, Change::Write),
        row("lease with a signed end: grace ends at it", Some(leased(CHECKED, Some("2026-03-03T12:00:00Z"))), Fresh::NotAsked, day2, p, Standing::GraceEnded { last_online_check: t(CHECKED), ended_at: day2 }, from_store, false, Change::Write),
        row("restored copy under a faked clock inside the lease: granted until its signed end at most", Some(leased(CHECKED, None)), Fresh::NotAsked, plus(CHECKED, TimeDelta::hours(1)), p, grace_until(GRACE_END, "2026-03-01T13:00:00Z", Some(lease_end)), from_store, false, Change::Write),
        row("restored copy under a faked clock past the lease: grace ended", Some(leased(CHECKED, None)), Fresh::NotAsked, t(GRACE_END), p, Standing::GraceEnded { last_online_check: t(CHECKED), ended_at: t(GRACE_END) }, from_store, false, Change::Write),
        row("an edited state claiming a later check cannot outlast its lease", Some(edited_later_check()), Fresh::NotAsked, plus(GRACE_END, TimeDelta::hours(1)), p, Standing::GraceEnded { last_online_check: t(LATER), ended_at: t(GRACE_END) }, from_store, false, Change::Write),
    ]);
}

/// A state whose `checked_at` was moved to `LATER` (its lease still signed at `CHECKED`).
fn edited_later_check() -> StoredState {
    let mut s = leased(LATER, None);
    s.checked_at = t(LATER);
    s
}

#[test]
fn what_the_providers_clock_writes() {
    // A year-ahead boot records the provider's time, and the local reading beside it.
    let state = year_ahead_check();
    assert_eq!(state.checked_at, t(DAY2));
    assert_eq!(state.latest_seen_at, t(DAY2));
    assert_eq!(
        state.latest_seen_locally_at,
        Some(plus(DAY2, Duration::days(365)))
    );
    // A provider's time within the tolerance of the local clock: the local reading is kept.
    let close = plus(DAY2, TimeDelta::minutes(20));
    let state = written(decide(
        None,
        &valid_at(Some(DAY2)),
        close,
        &Policy::default(),
    ));
    assert_eq!(state.checked_at, close);
    // The lease is stored as it came, and its signed time rules.
    let fresh = valid_with_lease(DAY2, None);
    let later = plus(DAY2, TimeDelta::days(30));
    let state = written(decide(None, &fresh, later, &Policy::default()));
    assert_eq!(state.checked_at, t(DAY2));
    assert_eq!(state.lease.map(|l| l.signed_at), Some(t(DAY2)));
}
