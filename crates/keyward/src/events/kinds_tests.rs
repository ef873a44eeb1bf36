use super::*;

fn snap(status: &str, expires: Option<i64>, limit: Option<u32>) -> Snapshot {
    Snapshot {
        status: LicenseStatus::parse(status),
        expires_at: expires.and_then(|s| DateTime::from_timestamp(s, 0)),
        activation_limit: limit,
    }
}

#[test]
fn dodo_kinds_by_event_type() {
    let table = [
        ("license_key.created", Some(EventKind::Created)),
        ("entitlement_grant.created", Some(EventKind::Created)),
        ("entitlement_grant.delivered", Some(EventKind::Delivered)),
        ("entitlement_grant.failed", Some(EventKind::Failed)),
        ("entitlement_grant.revoked", Some(EventKind::Revoked)),
        ("payment.succeeded", None),
        ("", None),
    ];
    for (event_type, kind) in table {
        assert_eq!(dodo(event_type), kind, "{event_type}");
    }
}

/// (case, event name, state kept before, state now, kind).
type Case = (
    &'static str,
    &'static str,
    Option<Snapshot>,
    Snapshot,
    Option<EventKind>,
);

#[test]
fn lemonsqueezy_kinds_from_what_changed() {
    let active = snap("active", Some(2_000), Some(5));
    let inactive = snap("inactive", Some(2_000), Some(5));
    #[rustfmt::skip]
    let table: &[Case] = &[
        ("created", "license_key_created", None, active.clone(), Some(EventKind::Created)),
        ("disabled", "license_key_updated", Some(active.clone()), snap("disabled", Some(2_000), Some(5)), Some(EventKind::Suspended)),
        ("disabled, first sight", "license_key_updated", None, snap("disabled", None, None), Some(EventKind::Suspended)),
        ("still disabled, limit changed", "license_key_updated", Some(snap("disabled", None, Some(1))), snap("disabled", None, Some(2)), Some(EventKind::Updated)),
        ("re-enabled", "license_key_updated", Some(snap("disabled", Some(2_000), Some(5))), active.clone(), Some(EventKind::Reinstated)),
        ("re-enabled, never activated", "license_key_updated", Some(snap("disabled", None, None)), snap("inactive", None, None), Some(EventKind::Reinstated)),
        ("expired", "license_key_updated", Some(active.clone()), snap("expired", Some(2_000), Some(5)), Some(EventKind::Expired)),
        ("expired, first sight", "license_key_updated", None, snap("expired", Some(2_000), None), Some(EventKind::Expired)),
        ("still expired", "license_key_updated", Some(snap("expired", Some(1), None)), snap("expired", Some(1), Some(9)), Some(EventKind::Updated)),
        ("expired key renewed", "license_key_updated", Some(snap("expired", Some(2_000), Some(5))), snap("active", Some(9_000), Some(5)), Some(EventKind::Renewed)),
        ("expiry moved later", "license_key_updated", Some(active.clone()), snap("active", Some(9_000), Some(5)), Some(EventKind::Renewed)),
        ("expiry removed", "license_key_updated", Some(active.clone()), snap("active", None, Some(5)), Some(EventKind::Renewed)),
        ("expiry moved earlier", "license_key_updated", Some(active.clone()), snap("active", Some(1_000), Some(5)), Some(EventKind::Updated)),
        ("limit changed", "license_key_updated", Some(active.clone()), snap("active", Some(2_000), Some(9)), Some(EventKind::Updated)),
        ("activated", "license_key_updated", Some(inactive.clone()), active.clone(), Some(EventKind::Updated)),
        ("first sight, active", "license_key_updated", None, active.clone(), Some(EventKind::Updated)),
        ("disabled and expired at once", "license_key_updated", Some(active.clone()), snap("disabled", Some(1), Some(5)), Some(EventKind::Suspended)),
        ("another event", "order_created", None, active.clone(), None),
    ];
    for (case, name, previous, now, kind) in table {
        assert_eq!(lemonsqueezy(name, previous.as_ref(), now), *kind, "{case}");
    }
}

/// (case, event type, state kept before, state now, kind).
type KeygenCase = (
    &'static str,
    &'static str,
    Option<Snapshot>,
    Option<Snapshot>,
    Option<EventKind>,
);

#[test]
fn keygen_kinds_by_event_type_and_what_changed() {
    let active = snap("active", Some(2_000), Some(2));
    #[rustfmt::skip]
    let table: &[KeygenCase] = &[
        ("created", "license.created", None, Some(active.clone()), Some(EventKind::Created)),
        ("suspended", "license.suspended", Some(active.clone()), Some(snap("suspended", Some(2_000), Some(2))), Some(EventKind::Suspended)),
        ("reinstated", "license.reinstated", None, Some(active.clone()), Some(EventKind::Reinstated)),
        ("expired", "license.expired", None, Some(snap("expired", Some(1), None)), Some(EventKind::Expired)),
        ("renewed", "license.renewed", None, Some(active.clone()), Some(EventKind::Renewed)),
        ("revoked", "license.revoked", None, Some(active.clone()), Some(EventKind::Revoked)),
        ("deleted", "license.deleted", None, Some(active.clone()), Some(EventKind::Revoked)),
        ("updated: suspended by a patch", "license.updated", Some(active.clone()), Some(snap("suspended", Some(2_000), Some(2))), Some(EventKind::Suspended)),
        ("updated: expiry moved later", "license.updated", Some(active.clone()), Some(snap("active", Some(9_000), Some(2))), Some(EventKind::Renewed)),
        ("updated: limit changed", "license.updated", Some(active.clone()), Some(snap("active", Some(2_000), Some(5))), Some(EventKind::Updated)),
        ("updated: no license in the payload", "license.updated", Some(active.clone()), None, Some(EventKind::Updated)),
        ("usage incremented", "license.usage.incremented", None, Some(active.clone()), Some(EventKind::Updated)),
        ("validation succeeded", "license.validation.succeeded", None, Some(active.clone()), Some(EventKind::Updated)),
        ("activation", "machine.created", None, None, Some(EventKind::Updated)),
        ("deactivation", "machine.deleted", None, None, Some(EventKind::Updated)),
        ("heartbeat dead", "machine.heartbeat.dead", None, None, Some(EventKind::Updated)),
        ("another resource", "user.created", None, None, None),
        ("a prefix only", "licenses.created", None, None, None),
        ("empty", "", None, None, None),
    ];
    for (case, event_type, previous, now, kind) in table {
        assert_eq!(
            keygen(event_type, previous.as_ref(), now.as_ref()),
            *kind,
            "{case}"
        );
    }
}

#[test]
fn snapshots_survive_the_store() {
    for snapshot in [
        snap("active", Some(1_781_172_030), Some(5)),
        snap("disabled", None, None),
        snap("on|hold", None, Some(0)),
    ] {
        assert_eq!(Snapshot::decode(&snapshot.encode()), Some(snapshot));
    }
    for garbage in [
        "",
        "x",
        "1|2",
        "x|1|active",
        "1|x|active",
        "99999999999999999|1|a",
    ] {
        assert_eq!(Snapshot::decode(garbage), None, "{garbage}");
    }
}

#[test]
fn polar_kinds_from_the_event_and_what_changed() {
    let active = snap("active", None, None);
    let revoked = snap("revoked", None, None);
    #[rustfmt::skip]
    let table: &[Case] = &[
        ("created", "benefit_grant.created", None, active.clone(), Some(EventKind::Created)),
        ("revoked", "benefit_grant.revoked", Some(active.clone()), revoked.clone(), Some(EventKind::Revoked)),
        ("revoked, first sight", "benefit_grant.revoked", None, revoked.clone(), Some(EventKind::Revoked)),
        ("cycled", "benefit_grant.cycled", Some(active.clone()), active.clone(), Some(EventKind::Renewed)),
        ("updated, nothing about access", "benefit_grant.updated", Some(active.clone()), active.clone(), Some(EventKind::Updated)),
        ("updated, first sight, active", "benefit_grant.updated", None, active.clone(), Some(EventKind::Updated)),
        ("updated to revoked", "benefit_grant.updated", Some(active.clone()), revoked.clone(), Some(EventKind::Revoked)),
        ("updated, first sight, revoked", "benefit_grant.updated", None, revoked.clone(), Some(EventKind::Revoked)),
        ("updated, still revoked", "benefit_grant.updated", Some(revoked.clone()), revoked.clone(), Some(EventKind::Updated)),
        ("updated, granted again", "benefit_grant.updated", Some(revoked.clone()), active.clone(), Some(EventKind::Reinstated)),
        ("another event", "order.created", None, active.clone(), None),
        ("another grant event", "benefit_grant.deleted", None, active.clone(), None),
    ];
    for (case, event_type, previous, now, kind) in table {
        assert_eq!(polar(event_type, previous.as_ref(), now), *kind, "{case}");
    }
}
