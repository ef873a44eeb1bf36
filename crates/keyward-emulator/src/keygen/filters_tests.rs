//! Table tests of the list filters' time and count decisions ([`filters`](super)).

use chrono::TimeZone;

use super::*;

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2022, 6, day, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

fn hash(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn expiry_filters_follow_license_rb() {
    let now = at(10);
    // (expiry, filter, expires[…] matches, expired[…] matches)
    let table: &[(u32, (&str, &str), bool, bool)] = &[
        (12, ("within", "3d"), true, false),
        (20, ("within", "3d"), false, false),
        (8, ("within", "3d"), false, true),
        (12, ("in", "P2D"), true, false),
        (12, ("before", "2022-06-13T00:00:00Z"), true, false),
        (8, ("before", "2022-06-09T00:00:00Z"), false, true),
        (11, ("after", "1654992000"), false, false),
        (14, ("after", "1654992000"), true, false),
        (12, ("on", "2022-06-12"), true, false),
        (8, ("on", "2022-06-08"), true, true),
        (12, ("within", "invalid"), false, false),
        (12, ("before", "90d"), false, false),
        (8, ("unknown", "x"), false, true),
    ];
    for (day, (name, value), expires_wanted, expired_wanted) in table {
        let expiry = Some(at(*day));
        let filter = hash(&[(name, value)]);
        assert_eq!(
            expires(expiry, &filter, now),
            *expires_wanted,
            "{day} {name}"
        );
        let query = hash(&[(&format!("expired[{name}]"), value)]);
        assert_eq!(
            expired_scope(expiry, &query, now),
            *expired_wanted,
            "{day} {name}"
        );
    }
    assert!(!expires(None, &hash(&[("within", "3d")]), now));
    assert!(expired_scope(
        Some(at(8)),
        &hash(&[("expired", "true")]),
        now
    ));
    assert!(expired_scope(None, &hash(&[("expired", "false")]), now));
    assert!(!expired_scope(Some(at(8)), &hash(&[("expired", "0")]), now));
}

#[test]
fn activity_and_activations_follow_license_rb() {
    let now = at(30);
    let mut license = LicenseRecord::new("id".into(), "key".into(), at(1));
    license.last_validated = Some(at(25));
    let table: &[((&str, &str), bool)] = &[
        (("inside", "7d"), true),
        (("inside", "P3D"), false),
        (("outside", "P3D"), true),
        (("after", "2022-06-20T00:00:00Z"), true),
        (("before", "2022-06-20T00:00:00Z"), false),
        (("before", "invalid"), false),
        (("invalid", "1y"), false),
    ];
    for ((name, value), wanted) in table {
        assert_eq!(
            activity(&license, &hash(&[(name, value)]), now),
            *wanted,
            "{name}"
        );
    }
    for (op, n, wanted) in [("eq", "2", true), ("gt", "2", false), ("gte", "2", true)]
        .into_iter()
        .chain([("lt", "3", true), ("lte", "1", false), ("lt", "x", false)])
    {
        assert_eq!(activations(2, &hash(&[(op, n)])), wanted, "{op} {n}");
    }
    assert!(!activations(2, &hash(&[("other", "2")])));
}

#[test]
fn a_license_s_status_follows_license_rb() {
    let now = at(10);
    let old = Utc
        .with_ymd_and_hms(2022, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let license = |created: DateTime<Utc>| LicenseRecord::new("id".into(), "key".into(), created);
    let mut suspended = license(at(1));
    suspended.suspended = true;
    suspended.expiry = Some(at(1));
    let mut expired = license(at(1));
    expired.expiry = Some(at(9));
    let mut expiring = license(old);
    expiring.expiry = Some(at(12));
    let mut checked_out = license(old);
    checked_out.last_check_out = Some(at(5));
    let table = [
        (suspended, "SUSPENDED"),
        (expired, "EXPIRED"),
        (expiring, "EXPIRING"),
        (license(old), "INACTIVE"),
        (checked_out, "ACTIVE"),
        (license(at(1)), "ACTIVE"),
    ];
    for (record, want) in table {
        assert_eq!(license_status(&record, false, now), want);
        assert!(with_status(&record, false, want, now), "{want}");
    }
    // An owner's ban comes first, even before a suspension.
    let mut banned = license(at(1));
    banned.suspended = true;
    assert_eq!(license_status(&banned, true, now), "BANNED");
    assert!(with_status(&banned, true, "BANNED", now));
    assert!(!with_status(&banned, false, "BANNED", now));
}
