//! `the current account has N [trait ]"resource"[ for the last "parent"[ as "name"][ and the
//! first "other"[ as "name"]] | with the following:]` (`resource_steps.rb`): resources made as
//! the factories make them, parents first; a license's or machine's user association is its
//! owner, a license user's the user it adds.

use serde_json::{Map, Value};

use super::steps::{ignored, resource};
use super::world::{Kind, Skip, World, named_index};

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

/// What a step's `for …` part names: the parents to create under (`None`: a new chain), the
/// other associations, and whether a docstring follows.
struct Targets {
    parents: Vec<Option<usize>>,
    others: Vec<Association>,
    with: bool,
}

impl Targets {
    fn new(parents: Vec<Option<usize>>, with: bool) -> Self {
        Targets {
            parents,
            others: Vec::new(),
            with,
        }
    }
}

/// One `the <which> "<resource>"[ as "<name>"]` of a step.
struct Association {
    kind: Kind,
    index: usize,
    name: Option<String>,
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

    /// What the step's `for …` part names.
    fn associations(
        &self,
        kind: Kind,
        rest: &[&str],
        quoted: &[&str],
        shape: &str,
    ) -> Result<Targets, Skip> {
        let parent_kind = kind.parent().map(|(k, _)| k);
        match rest {
            [] => return Ok(Targets::new(vec![None], false)),
            ["with", "the", "following:" | "following", ..] => {
                return Ok(Targets::new(vec![None], true));
            }
            ["for" | "with" | "in", "an", "existing", "\"_\""] => {
                // `all.sample`: only one answer when there is one.
                return match self.all(resource(quoted[1])?).len() {
                    1 if Some(resource(quoted[1])?) == parent_kind => {
                        Ok(Targets::new(vec![Some(0)], false))
                    }
                    n => Err(format!("a random existing {} of {n}", quoted[1])),
                };
            }
            ["for" | "with" | "in", "each" | "all", "\"_\"", tail @ ..]
                if matches!(tail, [] | ["with", "the", "following:" | "following"]) =>
            {
                if Some(resource(quoted[1])?) != parent_kind {
                    return Err(format!("{} for each {}", quoted[0], quoted[1]));
                }
                let parents = (0..self.all(resource(quoted[1])?).len()).map(Some);
                return Ok(Targets::new(parents.collect(), !tail.is_empty()));
            }
            ["for" | "with" | "in", "the", ..] => {}
            _ => return Err(format!("step `{shape}`")),
        }
        // `the <which> "<resource>"[ as "<name>"]`, once or twice (`and`).
        let mut words = &rest[1..];
        let mut next_quote = 1;
        let mut associations = Vec::new();
        let mut with = false;
        loop {
            let ["the", which, "\"_\"", tail @ ..] = words else {
                return Err(format!("step `{shape}`"));
            };
            let name = quoted[next_quote];
            let target = user_role(name)
                .map(|_| Kind::User)
                .map_or_else(|| resource(name), Ok)?;
            let index = named_index(which, self.all(target).len())?;
            next_quote += 1;
            let (alias, tail) = match tail {
                ["as", "\"_\"", tail @ ..] => {
                    next_quote += 1;
                    (Some(quoted[next_quote - 1].to_owned()), tail)
                }
                tail => (None, tail),
            };
            associations.push(Association {
                kind: target,
                index,
                name: alias,
            });
            match tail {
                [] => break,
                ["and", tail @ ..] => words = tail,
                ["with", "the", ..] => {
                    with = true;
                    break;
                }
                _ => return Err(format!("step `{shape}`")),
            }
        }
        let is_parent = |a: &Association| {
            Some(a.kind) == parent_kind
                && a.name
                    .as_deref()
                    .is_none_or(|n| Kind::parse(n) == Some(a.kind))
        };
        let parent = associations.iter().find(|a| is_parent(a)).map(|a| a.index);
        associations.retain(|a| !is_parent(a));
        Ok(Targets {
            parents: vec![parent],
            others: associations,
            with,
        })
    }

    /// Gives entity `index` of `kind` a user association: a license's or machine's owner
    /// (`as "owner"`, or the user's own name), a license user's user.
    fn associate(
        &mut self,
        kind: Kind,
        index: usize,
        association: &Association,
    ) -> Result<(), Skip> {
        let name = association.name.as_deref();
        let attr = match (kind, association.kind, name) {
            // `license.rb`'s `denormalizes :product_id, from: :policy`: the product of the
            // policy the factory builds replaces the one given.
            (Kind::License, Kind::Product, None) => return Ok(()),
            (Kind::License | Kind::Machine, Kind::User, None | Some("owner" | "user")) => {
                "owner_id"
            }
            (Kind::LicenseUser, Kind::User, None | Some("user")) => "user_id",
            _ => {
                return Err(format!(
                    "{kind:?} associated with a {:?}{}",
                    association.kind,
                    name.map(|n| format!(" as {n}")).unwrap_or_default()
                ));
            }
        };
        let id = self.all(association.kind)[association.index].id.clone();
        self.of[kind as usize][index]
            .attrs
            .insert(attr.to_owned(), Value::String(id));
        Ok(())
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
