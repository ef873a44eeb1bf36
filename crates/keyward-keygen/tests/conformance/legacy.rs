//! `the current account has N legacy encrypted "licenses"` (`resource_steps.rb`: the license
//! factory's `legacy_encrypt` trait, a policy of its own with `encrypted: true` and the
//! `LEGACY_ENCRYPT` scheme) and `$crypt[i].raw`, the raw key of the i-th of them.

use serde_json::Value;

use super::world::{Kind, Skip, World};

impl World {
    /// Makes `count` legacy encrypted licenses, each under a new legacy encrypted policy, with
    /// a key as `license.rb`'s `generate_legacy_encrypted_key!` makes one (its id without
    /// dashes, then 32-character groups ending in `v1`), kept for `$crypt`.
    pub(crate) fn legacy_encrypted(&mut self, count: usize) {
        for _ in 0..count {
            let license = self.create(Kind::License, None);
            let policy = self.all(Kind::License)[license].parent;
            let attrs = &mut self.of[Kind::Policy as usize][policy].attrs;
            attrs.insert("encrypted".to_owned(), Value::Bool(true));
            attrs.insert("scheme".to_owned(), Value::from("LEGACY_ENCRYPT"));
            let entity = &mut self.of[Kind::License as usize][license];
            // Its key stays hashed if its policy changes (`save!(validate: false)`).
            entity
                .attrs
                .insert("legacy_encrypted".to_owned(), Value::Bool(true));
            let id = entity.id.replace('-', "");
            entity.secret = format!("{id}-{:032x}-{:032x}-{:030x}v1", license, license, license);
            self.crypt.push(license);
        }
    }

    /// `$crypt[index].raw`: the raw key of a legacy encrypted license.
    pub(crate) fn crypt(&self, index: Option<&str>, attr: Option<&str>) -> Result<String, Skip> {
        let at = index.and_then(|i| i.parse::<usize>().ok());
        match (at.and_then(|i| self.crypt.get(i)), attr) {
            (Some(&license), Some("raw")) => Ok(self.all(Kind::License)[license].secret.clone()),
            _ => Err(format!("placeholder $crypt[{index:?}].{attr:?}")),
        }
    }
}
