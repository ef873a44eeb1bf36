//! The account's settings (`account_setting.rb`): `default_license_permissions` and
//! `default_user_permissions`, the permissions a license, or a user of role `user`, gets when
//! it is created without its own (`license.rb` and `user.rb`'s `has_permissions default:`;
//! admins, developers, sales and support agents and read-only users keep their role's).

use super::roles::UserRole;
use super::state::State;
use crate::shell::Emulator;

impl State {
    /// The permissions a license created now without its own gets (`None`: Keygen's default).
    pub(crate) fn new_license_permissions(&self) -> Option<Vec<String>> {
        self.default_license_permissions
            .clone()
            .filter(|p| !p.is_empty())
    }

    /// The permissions a user of `role` created now without its own gets.
    pub(crate) fn new_user_permissions(&self, role: UserRole) -> Option<Vec<String>> {
        let default = self.default_user_permissions.clone();
        default.filter(|p| role == UserRole::User && !p.is_empty())
    }
}

impl Emulator<State> {
    /// Sets the account's `default_license_permissions` (`None`: Keygen's): licenses created
    /// afterwards without permissions of their own get these.
    pub fn set_default_license_permissions(&self, permissions: Option<Vec<String>>) {
        self.write(|state| state.default_license_permissions = permissions);
    }

    /// Sets the account's `default_user_permissions` (`None`: Keygen's): users of role `user`
    /// added afterwards without permissions of their own get these.
    pub fn set_default_user_permissions(&self, permissions: Option<Vec<String>>) {
        self.write(|state| state.default_user_permissions = permissions);
    }
}
