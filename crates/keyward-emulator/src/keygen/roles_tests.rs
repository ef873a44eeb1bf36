//! Table tests of the role cases and default permissions ([`roles`](super)).

use super::{Standing, UserRole};

/// The role cases of `license_policy.rb`, `machine_policy.rb` and `heartbeat_policy.rb`,
/// one row per rule and role: `(permission, role, owner, licensee, protected, allowed)`.
#[test]
fn roles_are_allowed_as_the_policies_say() {
    use UserRole::{Admin, Developer, ReadOnly, SalesAgent, SupportAgent, User};
    let table = [
        ("license.read", ReadOnly, false, false, false, true),
        ("license.read", User, false, true, false, true),
        ("license.read", User, false, false, false, false),
        ("license.create", SalesAgent, false, false, false, true),
        ("license.create", SupportAgent, false, false, false, false),
        ("license.create", User, true, true, false, true),
        ("license.create", User, true, true, true, false),
        ("license.update", SupportAgent, false, false, false, true),
        ("license.update", User, true, true, false, false),
        ("license.revoke", User, true, true, false, true),
        ("license.revoke", User, false, true, false, false),
        ("license.check-out", SupportAgent, false, false, false, true),
        ("license.check-out", ReadOnly, false, false, false, false),
        ("license.check-out", User, false, true, false, true),
        ("license.check-out", User, true, true, true, false),
        ("license.check-in", User, false, true, false, false),
        ("machine.create", User, false, true, false, false),
        ("machine.create", User, true, true, false, true),
        ("machine.delete", Developer, false, false, false, true),
        (
            "machine.heartbeat.ping",
            SalesAgent,
            false,
            false,
            false,
            false,
        ),
        ("machine.heartbeat.ping", User, true, true, false, true),
        (
            "machine.heartbeat.reset",
            SalesAgent,
            false,
            false,
            false,
            true,
        ),
        ("machine.heartbeat.reset", User, true, true, false, false),
        ("license.suspend", Admin, false, false, true, true),
    ];
    for (permission, role, owner, user, protected, allowed) in table {
        let standing = Standing {
            owner,
            user,
            protected,
        };
        assert_eq!(
            role.allows(permission, standing),
            allowed,
            "{permission} {role:?} {standing:?}"
        );
    }
}

#[test]
fn default_permissions_follow_the_role() {
    assert!(UserRole::SupportAgent.holds("license.create"));
    assert!(UserRole::ReadOnly.holds("license.validate"));
    assert!(!UserRole::ReadOnly.holds("license.check-out"));
    assert!(UserRole::User.holds("machine.create"));
    // `user.rb` leaves these out of a new user's defaults.
    assert!(!UserRole::User.holds("product.read"));
    assert!(!UserRole::User.holds("license.update"));
}
