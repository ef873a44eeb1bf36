//! The environment of a license or machine `POST /licenses` or `POST /machines` creates
//! (Keygen EE, `concerns/environmental.rb`): `relationships.environment` when given, else the
//! request's, else its parent's (`has_environment default:`); a record the request may not
//! write is 403 (`verify_environment!`), one incompatible with its policy, license or owner 422
//! `ENVIRONMENT_NOT_ALLOWED`.

use serde_json::Value;

use super::answer::{Answer, forbidden, unprocessable};
use super::environments::{Isolation, visible};
use super::roles::UserRole;
use super::state::State;

/// The environment a created record is in.
pub(crate) type Created = Option<String>;

impl State {
    /// The environment of the record `data` creates (`default`: its parent's), or the 403 for
    /// one the request may not write, or the 422 for an environment the account does not have.
    pub(crate) fn created_environment(
        &self,
        data: &Value,
        default: Option<&str>,
    ) -> Result<Created, Answer> {
        let given = &data["relationships"]["environment"];
        let environment = match given.get("data") {
            Some(Value::Null) => None,
            Some(linkage) => {
                let id = linkage["id"].as_str().unwrap_or_default();
                let found = self.environments.iter().find(|e| e.id == id);
                Some(found.map(|e| e.id.clone()).ok_or_else(|| {
                    unprocessable(
                        "must exist",
                        Some("ENVIRONMENT_NOT_FOUND"),
                        "/data/relationships/environment",
                    )
                })?)
            }
            None => self
                .current_environment
                .clone()
                .or_else(|| default.map(str::to_owned)),
        };
        if self.writable(environment.as_deref()) {
            Ok(environment)
        } else {
            Err(forbidden())
        }
    }

    /// The 422 for a record in `environment` whose `name` association (`policy`, `license`,
    /// `owner`) is in `association`: a global record's must be global, an isolated one's in
    /// it (or a global admin), a shared one's in it or global.
    pub(crate) fn incompatible_environment(
        &self,
        environment: Option<&str>,
        association: Option<&str>,
        global_admin: bool,
        name: &str,
    ) -> Option<Answer> {
        let record = environment.and_then(|id| self.environments.iter().find(|e| e.id == id));
        let compatible = match record {
            None => association.is_none(),
            Some(env) => {
                visible(Some(env), association, false)
                    || (env.isolation == Isolation::Isolated
                        && global_admin
                        && association.is_none())
            }
        };
        (!compatible).then(|| {
            unprocessable(
                &format!("must be compatible with {name} environment"),
                Some("ENVIRONMENT_NOT_ALLOWED"),
                "/data/relationships/environment",
            )
        })
    }

    /// [`State::incompatible_environment`] for owner `owner` (a user) of the record.
    pub(crate) fn incompatible_owner(
        &self,
        environment: Option<&str>,
        owner: Option<&str>,
    ) -> Option<Answer> {
        let user = self.user(owner?)?;
        let admin = user.role == UserRole::Admin;
        self.incompatible_environment(environment, user.environment_id.as_deref(), admin, "owner")
    }

    /// The 422 for a record created in `environment` under a parent (`name`: `policy`,
    /// `license`) in `parent` (`None` for an unknown parent: not checked) owned by `owner`.
    pub(crate) fn incompatible_creation(
        &self,
        environment: Option<&str>,
        parent: Option<Option<&str>>,
        name: &str,
        owner: Option<&str>,
    ) -> Option<Answer> {
        parent
            .and_then(|parent| self.incompatible_environment(environment, parent, false, name))
            .or_else(|| self.incompatible_owner(environment, owner))
    }
}
