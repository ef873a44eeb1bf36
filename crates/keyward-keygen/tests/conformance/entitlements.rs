//! Entitlements attached to a policy or license (`resource_steps.rb`'s `the first "license" has
//! the following license entitlements:`; `spec/factories/{policy,license}_entitlement.rb`): their
//! codes among the entity's `entitlements` attribute.

use serde_json::Value;

use super::world::{Kind, World};

impl World {
    /// Attaches entitlements with these codes to `kind` `index`.
    pub(crate) fn entitle(&mut self, kind: Kind, index: usize, codes: Vec<Value>) {
        let attrs = &mut self.of[kind as usize][index].attrs;
        let held = attrs
            .entry("entitlements")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(held) = held {
            held.extend(codes);
        }
    }

    /// Attaches `count` new entitlements (codes unique across the account, as the factory's).
    pub(crate) fn entitle_new(&mut self, kind: Kind, index: usize, count: usize) {
        let made: usize = self
            .of
            .iter()
            .flatten()
            .filter_map(|e| e.attrs.get("entitlements").and_then(Value::as_array))
            .map(Vec::len)
            .sum();
        let codes = (made + 1..=made + count)
            .map(|n| Value::String(format!("ENTITLEMENT-{n:06}")))
            .collect();
        self.entitle(kind, index, codes);
    }
}
