//! The `for …` part of a creation step (`for the last "license"`, `for each "policy"`, `for an
//! existing "product"`, `with the first "user" as "owner" and the last "group"`): the parents
//! to create under, and the user associations given to what is made.

use serde_json::Value;

use super::creation::user_role;
use super::steps::resource;
use super::world::{Kind, Skip, World, named_index};

/// What a step's `for …` part names: the parents to create under (`None`: a new chain), the
/// other associations, and whether a docstring follows.
pub(crate) struct Targets {
    pub(crate) parents: Vec<Option<usize>>,
    pub(crate) others: Vec<Association>,
    pub(crate) with: bool,
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
pub(crate) struct Association {
    pub(crate) kind: Kind,
    pub(crate) index: usize,
    pub(crate) name: Option<String>,
}

impl World {
    /// What the step's `for …` part names.
    pub(crate) fn associations(
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
    pub(crate) fn associate(
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
}
