//! The account's users (`user.rb`): a role, a token, the permissions the role gives unless
//! their own say otherwise; seeded in code as licenses and machines are.

pub use super::roles::UserRole;
use super::state::{LicenseRecord, State};

/// A user of the account.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserRecord {
    /// The id (a UUID).
    pub id: String,
    /// Its role.
    pub role: UserRole,
    /// A token of the user (`Authorization: Bearer <token>` then acts as the user).
    pub token: Option<String>,
    /// What it may do (`None`: its role's default permissions).
    pub permissions: Option<Vec<String>>,
    /// Its token's own permissions (`None`: the wildcard `*`): the token may do what both it
    /// and the user may (`token.rb`'s `permissions`).
    pub token_permissions: Option<Vec<String>>,
    /// Its email (filters and scopes name a user by id or email).
    pub email: Option<String>,
    /// Whether it is banned: its token and the licenses it owns stop working.
    pub banned: bool,
    /// Its environment's id (`None`: the global environment).
    pub environment_id: Option<String>,
    /// Its group's id: the licenses and machines it comes to own join it.
    pub group_id: Option<String>,
}

/// A user to add to the emulator: a role (Keygen's default: `user`), optionally a token and
/// its own permissions.
#[derive(Debug, Clone)]
pub struct UserSeed {
    record: UserRecord,
}

impl UserSeed {
    /// A user with this role (and a new id).
    pub fn new(role: UserRole) -> Self {
        Self {
            record: UserRecord {
                id: uuid::Uuid::new_v4().to_string(),
                role,
                token: None,
                permissions: None,
                token_permissions: None,
                email: None,
                banned: false,
                environment_id: None,
                group_id: None,
            },
        }
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.record.id = id.into();
        self
    }

    /// Sets its email.
    #[must_use]
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.record.email = Some(email.into());
        self
    }

    /// Bans it (`bannedAt`): its token is refused (`USER_BANNED`), the licenses it owns are
    /// `BANNED`.
    #[must_use]
    pub fn banned(mut self, banned: bool) -> Self {
        self.record.banned = banned;
        self
    }

    /// Puts it in environment `environment_id` (Keygen EE; by default the global one).
    #[must_use]
    pub fn environment(mut self, environment_id: impl Into<String>) -> Self {
        self.record.environment_id = Some(environment_id.into());
        self
    }

    /// Puts it in group `group_id`.
    #[must_use]
    pub fn group(mut self, group_id: impl Into<String>) -> Self {
        self.record.group_id = Some(group_id.into());
        self
    }

    /// Gives it a token: `Authorization: Bearer <token>` then acts as the user.
    #[must_use]
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.record.token = Some(token.into());
        self
    }

    /// Limits what it may do to `permissions` (`license.read`, `machine.create`, …; by default
    /// its role's).
    #[must_use]
    pub fn permissions<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        permissions: I,
    ) -> Self {
        self.record.permissions = Some(permissions.into_iter().map(Into::into).collect());
        self
    }

    /// Limits what its token may do to `permissions` besides the user's own (Keygen EE).
    #[must_use]
    pub fn token_permissions<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        permissions: I,
    ) -> Self {
        self.record.token_permissions = Some(permissions.into_iter().map(Into::into).collect());
        self
    }
}

impl UserRecord {
    /// Whether the user holds `permission`: its own permissions, or its role's.
    pub(crate) fn holds(&self, permission: &str) -> bool {
        match &self.permissions {
            Some(own) => own.iter().any(|p| p == permission),
            None => self.role.holds(permission),
        }
    }

    /// Whether its token may use `permission` (the user's, intersected with the token's own
    /// unless those hold the wildcard).
    pub(crate) fn token_holds(&self, permission: &str) -> bool {
        let token = self.token_permissions.as_deref().unwrap_or_default();
        self.holds(permission)
            && (self.token_permissions.is_none()
                || token.iter().any(|p| p == "*" || p == permission))
    }
}

/// Adds `seed` (replacing a user with its id); returns its id.
pub(crate) fn insert_user(state: &mut State, seed: UserSeed) -> String {
    let mut record = seed.record;
    if record.permissions.is_none() {
        record.permissions = state.new_user_permissions(record.role);
    }
    let id = record.id.clone();
    state.users.retain(|u| u.id != id);
    state.users.push(record);
    id
}

impl State {
    /// A user by id.
    pub(crate) fn user(&self, id: &str) -> Option<&UserRecord> {
        self.users.iter().find(|u| u.id == id)
    }

    /// Whether `license`'s owner is banned (`license.rb`'s `banned?`).
    pub(crate) fn banned(&self, license: &LicenseRecord) -> bool {
        license
            .owner_id
            .as_deref()
            .and_then(|id| self.user(id))
            .is_some_and(|u| u.banned)
    }

    /// Whether user `id` is the one `who` names: its id, or its email.
    pub(crate) fn user_is(&self, id: &str, who: &str) -> bool {
        id == who
            || self
                .user(id)
                .is_some_and(|u| u.email.as_deref() == Some(who))
    }

    /// The ids of the licenses user `id` owns or is a user of (`License.for_user`).
    pub(crate) fn licenses_of_user(&self, id: &str) -> Vec<String> {
        self.licenses
            .iter()
            .filter(|l| l.owner_id.as_deref() == Some(id) || l.user_ids.iter().any(|u| u == id))
            .map(|l| l.id.clone())
            .collect()
    }
}
