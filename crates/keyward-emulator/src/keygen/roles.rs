//! What a caller may do, by role: the default permissions of a license and of a user
//! (`Permission::LICENSE_PERMISSIONS`; `user.rb`'s `has_permissions`:
//! `READ_ONLY_PERMISSIONS`, `USER_PERMISSIONS`) and the role cases of
//! `app/policies/license_policy.rb`, `machine_policy.rb` and `machines/heartbeat_policy.rb`.

/// A user's role (`Role::USER_ROLES`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserRole {
    /// Every permission, every record.
    Admin,
    /// An admin, except for billing (the emulator has none).
    Developer,
    /// Manages licenses and machines, not heartbeats.
    SalesAgent,
    /// Reads, updates, suspends and checks out, creates and deletes nothing.
    SupportAgent,
    /// Reads and validates.
    ReadOnly,
    /// A customer: acts on the licenses it owns or is a user of.
    User,
}

/// `Permission::LICENSE_PERMISSIONS`: what a license may do unless its own permissions say
/// otherwise.
pub(crate) const LICENSE_PERMISSIONS: &[&str] = &[
    "account.read",
    "arch.read",
    "artifact.read",
    "component.create",
    "component.delete",
    "component.read",
    "component.update",
    "channel.read",
    "constraint.read",
    "engine.read",
    "entitlement.read",
    "group.owners.read",
    "group.read",
    "license.check-in",
    "license.check-out",
    "license.read",
    "license.usage.increment",
    "license.validate",
    "machine.check-out",
    "machine.create",
    "machine.delete",
    "machine.heartbeat.ping",
    "machine.proofs.generate",
    "machine.read",
    "machine.update",
    "package.read",
    "platform.read",
    "policy.read",
    "process.create",
    "process.delete",
    "process.heartbeat.ping",
    "process.read",
    "process.update",
    "product.read",
    "release.download",
    "release.read",
    "release.upgrade",
    "token.read",
    "token.regenerate",
    "token.revoke",
    "user.read",
];

/// What `LicensePolicy`, `MachinePolicy` and `HeartbeatPolicy` let a license do to itself and
/// its machines (their `Role(:license)` cases).
pub(crate) const LICENSE_ROLE_RULES: &[&str] = &[
    "license.read",
    "license.validate",
    "license.check-out",
    "license.check-in",
    "machine.read",
    "machine.create",
    "machine.delete",
    "machine.update",
    "machine.check-out",
    "machine.heartbeat.ping",
];

/// `Permission::READ_ONLY_PERMISSIONS`, the parts the emulator serves.
const READ_ONLY_PERMISSIONS: &[&str] = &[
    "account.read",
    "arch.read",
    "artifact.read",
    "channel.read",
    "component.read",
    "constraint.read",
    "engine.read",
    "entitlement.read",
    "environment.read",
    "group.read",
    "license.read",
    "license.validate",
    "machine.read",
    "package.read",
    "platform.read",
    "policy.read",
    "process.read",
    "product.read",
    "release.download",
    "release.read",
    "release.upgrade",
    "token.generate",
    "token.read",
    "user.read",
];

/// `Permission::USER_PERMISSIONS` without those `user.rb` leaves out of a new user's defaults
/// (`account.read`, `license.users.attach|detach`, `policy.read`, `product.read`).
const USER_PERMISSIONS: &[&str] = &[
    "arch.read",
    "artifact.read",
    "channel.read",
    "component.create",
    "component.delete",
    "component.read",
    "component.update",
    "constraint.read",
    "engine.read",
    "entitlement.read",
    "group.licenses.read",
    "group.machines.read",
    "group.owners.read",
    "group.read",
    "group.users.read",
    "license.check-in",
    "license.check-out",
    "license.create",
    "license.delete",
    "license.policy.update",
    "license.read",
    "license.renew",
    "license.revoke",
    "license.usage.increment",
    "license.validate",
    "machine.check-out",
    "machine.create",
    "machine.delete",
    "machine.heartbeat.ping",
    "machine.proofs.generate",
    "machine.read",
    "machine.update",
    "package.read",
    "platform.read",
    "process.create",
    "process.delete",
    "process.heartbeat.ping",
    "process.read",
    "process.update",
    "release.download",
    "release.read",
    "release.upgrade",
    "token.generate",
    "token.read",
    "token.regenerate",
    "token.revoke",
    "user.read",
    "user.update",
];

/// How a user (role [`UserRole::User`]) stands to the license of a record.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Standing {
    /// It owns the license (or, for a machine, the machine).
    pub(crate) owner: bool,
    /// It is one of the license's users (`license_users`), or its owner.
    pub(crate) user: bool,
    /// The license (for `license.create`, `license.delete`, `license.renew`,
    /// `license.revoke`: its policy) is protected.
    pub(crate) protected: bool,
}

impl UserRole {
    /// Whether the role holds `permission` by default (`user.rb`'s `has_permissions`).
    pub(crate) fn holds(self, permission: &str) -> bool {
        match self {
            UserRole::ReadOnly => READ_ONLY_PERMISSIONS.contains(&permission),
            UserRole::User => USER_PERMISSIONS.contains(&permission),
            _ => true,
        }
    }

    /// Whether the role sees every record (`ApplicationPolicy`'s `scope_for`): all but `user`.
    pub(crate) fn sees_all(self) -> bool {
        self != UserRole::User
    }

    /// Whether the role's case of the policy rule behind `permission` allows it, the user's
    /// `standing` to the record given (a missing case denies).
    pub(crate) fn allows(self, permission: &str, standing: Standing) -> bool {
        use UserRole::{Admin, Developer, ReadOnly, SalesAgent, User};
        let unprotected = !standing.protected;
        match (permission, self) {
            ("license.read" | "license.validate" | "machine.read", User) => standing.user,
            ("license.read" | "license.validate" | "machine.read", _) => true,
            (
                "license.create" | "license.delete" | "license.revoke" | "license.renew"
                | "machine.create" | "machine.delete",
                User,
            ) => standing.owner && unprotected,
            (
                "license.create"
                | "license.delete"
                | "license.revoke"
                | "license.renew"
                | "machine.create"
                | "machine.delete"
                | "machine.heartbeat.reset",
                role,
            ) => matches!(role, Admin | Developer | SalesAgent),
            ("license.check-out" | "machine.check-out", User) => standing.user && unprotected,
            ("license.check-in" | "machine.update", User) => standing.owner && unprotected,
            (
                "license.update" | "license.suspend" | "license.reinstate" | "license.check-out"
                | "license.check-in" | "machine.check-out" | "machine.update",
                role,
            ) => role != ReadOnly && role != User,
            ("machine.heartbeat.ping", User) => standing.owner && unprotected,
            ("machine.heartbeat.ping", role) => matches!(role, Admin | Developer),
            (_, role) => matches!(role, Admin | Developer),
        }
    }
}

#[cfg(test)]
#[path = "roles_tests.rs"]
mod tests;
