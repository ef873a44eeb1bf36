//! Who a seeded license is for: its owner, its other users, their limit, and whether it is
//! protected from them (`license.rb`'s `owner`, `license_users`, `max_users`, `protected`).

use super::seed::LicenseSeed;

impl LicenseSeed {
    /// Makes user `user_id` its owner.
    #[must_use]
    pub fn owner(mut self, user_id: impl Into<String>) -> Self {
        self.record.owner_id = Some(user_id.into());
        self
    }

    /// Adds users to it besides its owner (Keygen's `license_users`).
    #[must_use]
    pub fn users<I: IntoIterator<Item = S>, S: Into<String>>(mut self, user_ids: I) -> Self {
        self.record
            .user_ids
            .extend(user_ids.into_iter().map(Into::into));
        self
    }

    /// Limits its users, the owner counted (the policy's `maxUsers`).
    #[must_use]
    pub fn max_users(mut self, limit: u64) -> Self {
        self.record.max_users = Some(limit);
        self
    }

    /// Protects it (or, for a policy's settings, the licenses created under it): then only
    /// admins, products and the license itself act on it, not its users (`protected`).
    #[must_use]
    pub fn protected(mut self, protected: bool) -> Self {
        self.record.protected = protected;
        self
    }

    /// Puts it (or, for a policy's settings, the policy) in environment `environment_id`
    /// (Keygen EE; by default the global environment).
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
}
