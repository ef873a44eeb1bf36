//! `the current account has 1 "setting" with the following: {"key": …, "value": […]}`
//! (`spec/factories/account_setting.rb`): the account's default license or user permissions,
//! which the licenses and users made afterwards get (`license.rb`, `user.rb`).

use keyward_emulator::keygen::KeygenEmulator;
use serde_json::Value;

use super::world::{Kind, Skip, World};

impl World {
    /// One setting, made now.
    pub(crate) fn setting(&mut self, attrs: &serde_json::Map<String, Value>) -> Result<(), Skip> {
        let key = attrs.get("key").and_then(Value::as_str).unwrap_or_default();
        let kind = match key {
            "default_license_permissions" => Kind::License,
            "default_user_permissions" => Kind::User,
            other => return Err(format!("setting {other}")),
        };
        // The records made before it keep Keygen's defaults, which the seeding cannot tell
        // apart from the setting's (the account's admin is no user of role `user`).
        let before = self.all(kind).len() - usize::from(kind == Kind::User);
        if before > 0 {
            return Err(format!("{key} set after {before} {kind:?} were made"));
        }
        let permissions = attrs
            .get("value")
            .and_then(Value::as_array)
            .ok_or("setting value that is not a list")?
            .iter()
            .map(|p| {
                p.as_str()
                    .map(str::to_owned)
                    .ok_or("a permission that is not text")
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.settings.push((key.to_owned(), permissions));
        Ok(())
    }
}

/// Puts the settings into `emulator` (before the licenses and users are added).
pub(crate) fn seed(world: &World, emulator: &KeygenEmulator) {
    for (key, permissions) in &world.settings {
        match key.as_str() {
            "default_license_permissions" => {
                emulator.set_default_license_permissions(Some(permissions.clone()));
            }
            _ => emulator.set_default_user_permissions(Some(permissions.clone())),
        }
    }
}
