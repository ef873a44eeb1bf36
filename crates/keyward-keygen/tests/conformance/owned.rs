//! Machines made with `spec/factories/machine.rb`'s `owned` trait (`with_owner`: a new user as
//! owner, also the owner of the license made for it when none is given), and
//! `"machines" 0...5 have the following attributes:` (`resource_steps.rb`: the records
//! `start...end` (exclusive) or `start..end` of the account, in creation order, saved without
//! validation).
//!
//! The new owner is not a user of a given license: `machine.rb`'s "owner is a license user"
//! check reads `owner_id_changed?`, and the factory's owner is built unsaved (no id yet) when
//! the machine is validated, so Keygen keeps the machine (its PER_USER machine count, by
//! owner, is 0 for that owner as well).

use serde_json::{Map, Value};

use super::world::{Kind, Skip, World};

impl World {
    /// Gives each machine from index `first` on a new user (role `user`) as owner, and the
    /// license made for it (`new_chain`) the same owner.
    pub(crate) fn own_machines(&mut self, first: usize, new_chain: bool) {
        for machine in first..self.all(Kind::Machine).len() {
            let user = self.create(Kind::User, None);
            self.of[Kind::User as usize][user]
                .attrs
                .insert("role".to_owned(), Value::from("user"));
            let owner = Value::String(self.all(Kind::User)[user].id.clone());
            self.of[Kind::Machine as usize][machine]
                .attrs
                .insert("owner_id".to_owned(), owner.clone());
            if new_chain {
                let license = self.all(Kind::Machine)[machine].parent;
                self.of[Kind::License as usize][license]
                    .attrs
                    .insert("owner_id".to_owned(), owner);
            }
        }
    }

    /// `"<kind>" <start>...<end>` (or `..`, inclusive) `have the following attributes`: Ruby's
    /// `records[start...end]`, clamped to the records there are.
    pub(crate) fn assign_range(
        &mut self,
        kind: Kind,
        range: &str,
        attrs: &Map<String, Value>,
    ) -> Result<(), Skip> {
        let bounds = |sep: &str| {
            let (start, end) = range.split_once(sep)?;
            Some((start.parse::<usize>().ok()?, end.parse::<usize>().ok()?))
        };
        let (start, end) = match (bounds("..."), bounds("..")) {
            (Some((start, end)), _) => (start, end),
            (None, Some((start, end))) => (start, end + 1),
            _ => return Err(format!("a range {range}")),
        };
        let end = end.min(self.all(kind).len());
        (start..end).try_for_each(|i| self.assign(kind, i, attrs))
    }
}
