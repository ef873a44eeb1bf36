//! `the current account has N [trait ]"resource"[ for the last "parent"[ as "name"][ and the
//! first "other"[ as "name"]] | with the following:]` (`resource_steps.rb`): resources made as
//! the factories make them (and as their models' `before_create` callbacks leave them), parents
//! first; the `for …` part is read in `associations.rs`.

use serde_json::{Map, Value};

use super::associations::{Association, Targets};
use super::steps::{ignored, resource};
use super::world::{Kind, Skip, World};

/// The role `the current account has N "<name>"` gives its users (`spec/factories/user.rb`'s
/// `admin`, `developer`, … factories; `user` is the default role).
pub(crate) fn user_role(name: &str) -> Option<&'static str> {
    Some(match name.trim_end_matches('s') {
        "user" => "user",
        "admin" => "admin",
        "developer" => "developer",
        "sales-agent" => "sales_agent",
        "support-agent" => "support_agent",
        "read-only" | "read-onlie" => "read_only",
        _ => return None,
    })
}

impl World {
    /// `the current account has N [trait ]"resource"[ …]`.
    pub(crate) fn has(
        &mut self,
        count: usize,
        rest: &[&str],
        quoted: &[&str],
        step: &Value,
        shape: &str,
    ) -> Result<(), Skip> {
        let (trait_, rest) = match rest {
            ["legacy", "encrypted", "\"_\""] if resource(quoted[0])? == Kind::License => {
                self.legacy_encrypted(count);
                return Ok(());
            }
            ["\"_\"", rest @ ..] => (None, rest),
            [t, "\"_\"", rest @ ..] => (Some(*t), rest),
            _ => return Err(format!("step `{shape}`")),
        };
        if ignored(quoted[0]) {
            return Ok(());
        }
        if let (None, ["with", "the", "following:" | "following"], "setting" | "settings", 1) =
            (trait_, rest, quoted[0], count)
        {
            return self.setting(&self.attributes(step)?);
        }
        let (kind, role) = match user_role(quoted[0]) {
            Some(role) => (Kind::User, Some(role)),
            None => (resource(quoted[0])?, None),
        };
        if kind == Kind::Environment {
            // `spec/factories/environment.rb`: `find_by(code:) || new`, one per code.
            return match (trait_, rest) {
                (Some(code @ ("isolated" | "shared")), []) => {
                    self.environment_coded(code);
                    Ok(())
                }
                _ => Err(format!("step `{shape}`")),
            };
        }
        let environment = trait_.and_then(|t| self.trait_environment_of(t));
        let trait_ = trait_.filter(|_| environment.is_none());
        // `spec/factories/{license,policy}.rb`'s `protected` and `unprotected` traits; those
        // of releases, artifacts and products.
        let owned = matches!(
            (trait_, kind),
            (Some("owned" | "with_owner"), Kind::Machine)
        );
        let (protected, traited) = match (trait_, kind) {
            (None, _) => (None, None),
            _ if owned => (None, None),
            (Some(t @ ("protected" | "unprotected")), Kind::License | Kind::Policy) => {
                (Some(t == "protected"), None)
            }
            (Some(t), _) => (None, Some(super::releases::factory_trait(t, kind)?)),
        };
        if let (["using", "\"_\""], Kind::License) = (rest, kind) {
            // `… 1 "license" using "ED25519_SIGN"`: a license of a policy with that scheme.
            for _ in 0..count {
                let license = self.create(Kind::License, None);
                let policy = self.all(Kind::License)[license].parent;
                let scheme = Value::String(quoted[1].to_owned());
                self.of[Kind::Policy as usize][policy]
                    .attrs
                    .insert("scheme".to_owned(), scheme);
            }
            return Ok(());
        }
        let Targets {
            parents,
            others: mut associations,
            with,
        } = self.associations(kind, rest, quoted, shape)?;
        // `for the last "environment"`: made in it, as a trait would (parents too).
        let mut environment = environment;
        associations.retain(|a| {
            let named = a.kind == Kind::Environment;
            if named {
                environment = Some(Some(a.index));
            }
            !named
        });
        let mut attrs = if with {
            self.attributes(step)?
        } else {
            Map::new()
        };
        if let Some(role) = role {
            attrs.insert("role".to_owned(), Value::from(role));
        }
        if let Some(protected) = protected {
            attrs.insert("protected".to_owned(), Value::Bool(protected));
        }
        if let Some((name, value)) = traited {
            attrs.insert(name.to_owned(), Value::String(value));
        }
        self.trait_environment = environment;
        let (first, new_chain) = (self.all(Kind::Machine).len(), parents.contains(&None));
        let made = self.make(kind, count, parents, &associations, &attrs);
        self.trait_environment = None;
        if owned && made.is_ok() {
            self.own_machines(first, new_chain);
        }
        made
    }

    /// `count` of `kind` for each of `parents`, with these associations and attributes.
    fn make(
        &mut self,
        kind: Kind,
        count: usize,
        parents: Vec<Option<usize>>,
        associations: &[Association],
        attrs: &Map<String, Value>,
    ) -> Result<(), Skip> {
        for parent in parents {
            for _ in 0..count {
                let index = self.create(kind, parent);
                for association in associations {
                    self.associate(kind, index, association)?;
                }
                self.assign(kind, index, attrs)?;
                if kind == Kind::Policy {
                    self.created_policy(index);
                }
                if kind == Kind::Machine {
                    self.first_heartbeat(index);
                }
                if kind == Kind::LicenseUser && !self.all(kind)[index].attrs.contains_key("user_id")
                {
                    // `spec/factories/license_user.rb`: `user { build(:user) }`.
                    let user = self.create(Kind::User, None);
                    let user_id = self.all(Kind::User)[user].id.clone();
                    self.of[kind as usize][index]
                        .attrs
                        .insert("user_id".to_owned(), Value::String(user_id));
                    self.of[Kind::User as usize][user]
                        .attrs
                        .insert("role".to_owned(), Value::from("user"));
                }
            }
        }
        Ok(())
    }

    /// `policy.rb`'s `before_create`: a policy created node-locked gets a machine limit of 1,
    /// whatever was given (one made node-locked later keeps the factory's none).
    fn created_policy(&mut self, index: usize) {
        let policy = &mut self.of[Kind::Policy as usize][index];
        if policy.attrs.get("floating") == Some(&Value::Bool(false)) {
            policy
                .attrs
                .insert("max_machines".to_owned(), Value::from(1));
        }
    }

    /// A machine created under a policy that requires heartbeats starts with one (`machine.rb`:
    /// `last_heartbeat_at ||= Time.current` when the policy's `heartbeat_basis` is
    /// `FROM_CREATION`, its default when heartbeats are required).
    fn first_heartbeat(&mut self, machine: usize) {
        let license = self.all(Kind::Machine)[machine].parent;
        let policy = &self.all(Kind::Policy)[self.all(Kind::License)[license].parent];
        let required = policy.attrs.get("require_heartbeat") == Some(&Value::Bool(true));
        let basis = policy.attrs.get("heartbeat_basis").and_then(Value::as_str);
        if required && basis.is_none_or(|b| b == "FROM_CREATION") {
            let now = self
                .now
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            self.of[Kind::Machine as usize][machine]
                .attrs
                .entry("last_heartbeat_at")
                .or_insert(Value::String(now));
        }
    }
}
