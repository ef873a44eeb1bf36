//! The account's groups put into the emulator (`spec/factories/group.rb`: no limits unless
//! given; `maxLicenses`, `maxMachines`, `maxUsers`).

use keyward_emulator::keygen::GroupSeed;

use super::attributes::{is_default, limit};
use super::world::{Kind, Skip, World};

/// The group seeds of `world`.
pub(crate) fn seeds(world: &World) -> Result<Vec<GroupSeed>, Skip> {
    world
        .all(Kind::Group)
        .iter()
        .map(|group| {
            let (mut licenses, mut machines, mut users) = (None, None, None);
            for (name, value) in &group.attrs {
                match name.as_str() {
                    "max_licenses" => licenses = limit(name, value)?,
                    "max_machines" => machines = limit(name, value)?,
                    "max_users" => users = limit(name, value)?,
                    "name" => {}
                    _ if is_default(name, value) => {}
                    _ => return Err(format!("group attribute {name} = {value}")),
                }
            }
            Ok(GroupSeed::new()
                .id(&group.id)
                .limits(licenses, machines, users))
        })
        .collect()
}
