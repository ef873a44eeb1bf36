//! `the current account has N [trait ]"resource"[ for the last "parent" | with the following:]`
//! (`resource_steps.rb`): resources made as the factories make them, parents first.

use serde_json::{Map, Value};

use super::steps::{ignored, resource};
use super::world::{Kind, Skip, World, named_index};

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
            ["\"_\"", rest @ ..] => (None, rest),
            [t, "\"_\"", rest @ ..] => (Some(*t), rest),
            _ => return Err(format!("step `{shape}`")),
        };
        if let Some(t) = trait_ {
            return Err(format!("factory trait `{t}`"));
        }
        if ignored(quoted[0]) {
            return Ok(());
        }
        let kind = resource(quoted[0])?;
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
        let (parents, with): (Vec<usize>, bool) = match rest {
            [] => (vec![usize::MAX], false),
            ["with", "the", "following:" | "following", ..] => (vec![usize::MAX], true),
            ["for" | "with" | "in", "the", which, "\"_\"", tail @ ..] => {
                let parent_kind = resource(quoted[1])?;
                if Some(parent_kind) != kind.parent().map(|(k, _)| k) {
                    return Err(format!("{} for a {}", quoted[0], quoted[1]));
                }
                let index = named_index(which, self.all(parent_kind).len())?;
                match tail {
                    [] => (vec![index], false),
                    ["with", "the", ..] => (vec![index], true),
                    _ => return Err(format!("step `{shape}`")),
                }
            }
            ["for" | "with" | "in", "an", "existing", "\"_\""] => {
                // `all.sample`: only one answer when there is one.
                let parent_kind = resource(quoted[1])?;
                match self.all(parent_kind).len() {
                    1 => (vec![0], false),
                    n => return Err(format!("a random existing {} of {n}", quoted[1])),
                }
            }
            ["for" | "with" | "in", "each" | "all", "\"_\""] => {
                let parent_kind = resource(quoted[1])?;
                if Some(parent_kind) != kind.parent().map(|(k, _)| k) {
                    return Err(format!("{} for each {}", quoted[0], quoted[1]));
                }
                ((0..self.all(parent_kind).len()).collect(), false)
            }
            _ => return Err(format!("step `{shape}`")),
        };
        let attrs = if with {
            self.attributes(step)?
        } else {
            Map::new()
        };
        for parent in parents {
            for _ in 0..count {
                let index = self.create(kind, (parent != usize::MAX).then_some(parent));
                self.assign(kind, index, &attrs)?;
                if kind == Kind::Machine {
                    self.first_heartbeat(index);
                }
            }
        }
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
