//! Groups (`group.rb`): licenses, machines and users gathered under limits (`maxLicenses`,
//! `maxMachines`, `maxUsers`). A license or machine `POST /licenses` or `POST /machines` creates
//! joins `relationships.group` (admins, developers, sales and support agents, products and
//! environments may name one: `licenses_controller.rb`, `machines_controller.rb`), else its
//! owner's (a machine first its license's); 422 `GROUP_NOT_FOUND` for one the account does not
//! have, `GROUP_LICENSE_LIMIT_EXCEEDED` / `GROUP_MACHINE_LIMIT_EXCEEDED` for a full one.

use serde_json::Value;

use super::answer::{Answer, error, unprocessable};
use super::auth::Caller;
use super::roles::UserRole;
use super::state::State;
use crate::shell::Emulator;

/// A group of the account and its limits.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GroupSeed {
    /// The id (a UUID).
    pub id: String,
    /// The most licenses it may hold (`None`: any number).
    pub max_licenses: Option<u64>,
    /// The most machines it may hold.
    pub max_machines: Option<u64>,
    /// The most users it may hold.
    pub max_users: Option<u64>,
}

impl GroupSeed {
    /// A group without limits (and a new id).
    pub fn new() -> Self {
        GroupSeed {
            id: uuid::Uuid::new_v4().to_string(),
            max_licenses: None,
            max_machines: None,
            max_users: None,
        }
    }

    /// Uses this id.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Limits its licenses, machines and users (`None`: no limit).
    #[must_use]
    pub fn limits(
        mut self,
        licenses: Option<u64>,
        machines: Option<u64>,
        users: Option<u64>,
    ) -> Self {
        self.max_licenses = licenses;
        self.max_machines = machines;
        self.max_users = users;
        self
    }
}

impl Default for GroupSeed {
    fn default() -> Self {
        GroupSeed::new()
    }
}

/// What a group holds that a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    License,
    Machine,
}

impl State {
    /// The group `data` names (`Some(None)`: none, `None`: not given), or the 400 for a caller
    /// that may not name one.
    pub(crate) fn requested_group(
        caller: &Caller,
        data: &Value,
    ) -> Result<Option<Option<String>>, Answer> {
        let Some(given) = data["relationships"].get("group") else {
            return Ok(None);
        };
        let permitted = match caller {
            Caller::Admin | Caller::Product(..) | Caller::Environment(_) => true,
            Caller::User(user) => !matches!(user.role, UserRole::User | UserRole::ReadOnly),
            Caller::License(_) | Caller::Anonymous => false,
        };
        if !permitted {
            let pointer = "/data/relationships/group";
            return Err(error(
                400,
                "Bad request",
                "unpermitted parameter",
                None,
                Some(pointer),
            ));
        }
        Ok(Some(given["data"]["id"].as_str().map(str::to_owned)))
    }

    /// The 422 for a new `member` of group `group`: one the account does not have, or one
    /// that holds its limit already (counted in every environment).
    pub(crate) fn refused_group(&self, group: Option<&str>, member: Member) -> Option<Answer> {
        let group = group?;
        let pointer = "/data/relationships/group";
        let Some(found) = self.groups.iter().find(|g| g.id == group) else {
            return Some(unprocessable(
                "must exist",
                Some("GROUP_NOT_FOUND"),
                pointer,
            ));
        };
        let in_group = |id: &Option<String>| id.as_deref() == Some(group);
        let licenses = self.licenses.iter().chain(&self.elsewhere_licenses);
        let licenses = licenses.filter(|l| in_group(&l.group_id)).count();
        let machines = self.machines.iter().chain(&self.elsewhere_machines);
        let machines = machines.filter(|m| in_group(&m.group_id)).count();
        let (limit, held, code, what) = match member {
            Member::License => (
                found.max_licenses,
                licenses,
                "GROUP_LICENSE_LIMIT_EXCEEDED",
                "license",
            ),
            Member::Machine => (
                found.max_machines,
                machines,
                "GROUP_MACHINE_LIMIT_EXCEEDED",
                "machine",
            ),
        };
        let limit = limit?;
        (held as u64 >= limit).then(|| {
            let detail =
                format!("{what} count has exceeded maximum allowed by current group ({limit})");
            unprocessable(&detail, Some(code), pointer)
        })
    }

    /// The group of user `owner`, which a license or machine it owns joins by default.
    pub(crate) fn group_of_owner(&self, owner: Option<&str>) -> Option<String> {
        self.user(owner?)?.group_id.clone()
    }
}

impl Emulator<State> {
    /// Adds a group: licenses, machines and users join it (`LicenseSeed::group`, …, or
    /// `relationships.group`) up to its limits.
    pub fn add_group(&self, seed: GroupSeed) {
        self.write(|state| {
            state.groups.retain(|g| g.id != seed.id);
            state.groups.push(seed);
        });
    }
}
