//! What every row of the decision tables has, the times they share, and the one runner.

use chrono::{DateTime, TimeDelta, Utc};
use keyward::guard::{
    Decision, Fresh, Grace, LicenseFacts, Policy, Source, Standing, StateChange, StoredState,
    decide,
};
use keyward_core::{ErrorKind, HttpDetails, LicenseError};

pub fn t(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

pub const CHECKED: &str = "2026-03-01T12:00:00Z";
pub const GRACE_END: &str = "2026-03-08T12:00:00Z";
pub const LATER: &str = "2026-03-05T00:00:00Z";
pub const MAR2: &str = "2026-03-02T00:00:00Z";
pub const DAY2: &str = "2026-03-03T12:00:00Z";

pub fn facts(expires: Option<&str>) -> LicenseFacts {
    let mut f = LicenseFacts::default();
    f.license_id = Some("lic_1".into());
    f.status = Some("active".into());
    f.expires_at = expires.map(t);
    f
}

/// Checked online at `CHECKED`, last seen at `seen`.
pub fn stored(seen: &str, expires: Option<&str>) -> StoredState {
    let mut s = StoredState::new("dodo", "ab12", t(CHECKED));
    s.instance_id = Some("lki_1".into());
    s.license = Some(facts(expires));
    s.latest_seen_at = t(seen);
    s
}

pub fn http(status: u16) -> Fresh {
    Fresh::Failed(LicenseError::from_http(HttpDetails::new(status), "answer"))
}

pub fn failed(kind: ErrorKind) -> Fresh {
    Fresh::Failed(LicenseError::new(kind, "failed"))
}

/// A valid answer, the provider's clock reading `answered_at` (by its `Date`).
pub fn valid_at(answered_at: Option<&str>) -> Fresh {
    let mut fresh = Fresh::valid(
        Some(facts(Some("2027-01-01T00:00:00Z"))),
        Some("lki_2".into()),
    );
    if let Fresh::Valid {
        answered_at: at, ..
    } = &mut fresh
    {
        *at = answered_at.map(t);
    }
    fresh
}

/// Licensed offline with the grace ending at `ends`, judged at `at`, bounded by `lease`.
pub fn grace_until(ends: &str, at: &str, lease: Option<&str>) -> Standing {
    grace_from(t(CHECKED), t(ends), t(at), lease.map(t))
}

/// Licensed offline, last checked at `checked`, the grace ending at `ends`, judged at `at`.
pub fn grace_from(
    checked: DateTime<Utc>,
    ends: DateTime<Utc>,
    at: DateTime<Utc>,
    lease: Option<DateTime<Utc>>,
) -> Standing {
    let mut g = grace_template();
    g.last_online_check = checked;
    g.ends_at = ends;
    g.left = ends - at;
    g.lease_ends_at = lease;
    Standing::Licensed { grace: Some(g) }
}

/// Licensed offline with the default grace, judged at `at`.
pub fn grace(at: &str) -> Standing {
    grace_until(GRACE_END, at, None)
}

/// A `Grace` to fill in (it is `#[non_exhaustive]`): one the decision made.
fn grace_template() -> Grace {
    let d = decide(
        Some(&stored(CHECKED, None)),
        &Fresh::NotAsked,
        t(CHECKED),
        &Policy::default(),
    );
    match d.verdict.standing {
        Standing::Licensed { grace: Some(g) } => g,
        other => panic!("{other:?}"),
    }
}

/// The state a decision wrote.
pub fn written(d: Decision) -> StoredState {
    match d.state {
        StateChange::Write(state) => *state,
        other => panic!("{other:?}"),
    }
}

#[derive(Debug, PartialEq, Clone, Copy)]
pub enum Change {
    Keep,
    Write,
    Wipe,
}

pub fn online(s: &Source) -> bool {
    *s == Source::Online
}
pub fn unreachable(s: &Source) -> bool {
    matches!(s, Source::Unreachable { .. })
}
pub fn from_store(s: &Source) -> bool {
    *s == Source::Stored
}

pub struct Row {
    pub name: &'static str,
    pub stored: Option<StoredState>,
    pub fresh: Fresh,
    pub now: DateTime<Utc>,
    pub policy: Policy,
    pub standing: Standing,
    pub source: fn(&Source) -> bool,
    pub rolled_back: bool,
    pub change: Change,
}

/// A row; `now` is a time or a time plus a span (`at(…)`).
#[allow(clippy::too_many_arguments)]
pub fn row(
    name: &'static str,
    stored: Option<StoredState>,
    fresh: Fresh,
    now: DateTime<Utc>,
    policy: Policy,
    standing: Standing,
    source: fn(&Source) -> bool,
    rolled_back: bool,
    change: Change,
) -> Row {
    Row {
        name,
        stored,
        fresh,
        now,
        policy,
        standing,
        source,
        rolled_back,
        change,
    }
}

/// `text` plus `delta`.
pub fn plus(text: &str, delta: TimeDelta) -> DateTime<Utc> {
    t(text) + delta
}

pub fn run(rows: Vec<Row>) {
    for row in rows {
        let d = decide(row.stored.as_ref(), &row.fresh, row.now, &row.policy);
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
