//! The account's users put into the emulator (`spec/factories/user.rb`: a role, the role's
//! permissions unless given), each with the token `I use an authentication token` makes, and
//! the users of each license (`license_users`).

use keyward_emulator::keygen::{UserRole, UserSeed};
use serde_json::Value;

use super::attributes::{is_default, user_token};
use super::world::{Entity, Kind, Skip, World};

/// `Role::USER_ROLES` as the factories name them.
fn role(name: &str) -> Result<UserRole, Skip> {
    Ok(match name {
        "admin" => UserRole::Admin,
        "developer" => UserRole::Developer,
        "sales_agent" => UserRole::SalesAgent,
        "support_agent" => UserRole::SupportAgent,
        "read_only" => UserRole::ReadOnly,
        "user" => UserRole::User,
        other => return Err(format!("user role {other}")),
    })
}

/// The user seeds of `world`, the account's admin first.
pub(crate) fn user_seeds(world: &World) -> Result<Vec<UserSeed>, Skip> {
    world
        .all(Kind::User)
        .iter()
        .enumerate()
        .map(|(index, user)| {
            let role = role(
                user.attrs
                    .get("role")
                    .and_then(Value::as_str)
                    .unwrap_or("user"),
            )?;
            let mut seed = UserSeed::new(role)
                .id(&user.id)
                .email(&user.secret)
                .token(user_token(user));
            if let Some(environment) = world.environment_id(user.environment) {
                seed = seed.environment(environment);
            }
            if let Some(permissions) = token_permissions(world, index)? {
                seed = seed.token_permissions(permissions);
            }
            for (name, value) in &user.attrs {
                seed = match (name.as_str(), value) {
                    ("role", _) => seed,
                    ("permissions", Value::Array(list)) => {
                        seed.permissions(list.iter().filter_map(Value::as_str))
                    }
                    ("banned_at", banned) => seed.banned(!banned.is_null()),
                    ("first_name" | "last_name", _) => seed,
                    ("group_id", Value::String(group)) => seed.group(group),
                    _ if is_default(name, value) => seed,
                    _ => return Err(format!("user attribute {name} = {value}")),
                };
            }
            Ok(seed)
        })
        .collect()
}

/// The permissions of user `index`'s first token, the one `I use an authentication token`
/// takes (`authentication_steps.rb`: `@bearer.tokens.first_or_create!`), when it has its own.
fn token_permissions(world: &World, index: usize) -> Result<Option<Vec<String>>, Skip> {
    let Some(token) = world.all(Kind::Token).iter().find(|t| t.parent == index) else {
        return Ok(None);
    };
    let mut permissions = None;
    for (name, value) in &token.attrs {
        match (name.as_str(), value) {
            ("permissions", Value::Array(list)) => {
                permissions = Some(
                    list.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                );
            }
            _ => return Err(format!("token attribute {name} = {value}")),
        }
    }
    Ok(permissions)
}

/// The ids of `license`'s users besides its owner (its `license_users`).
pub(crate) fn license_users(world: &World, license: &Entity) -> Vec<String> {
    let Some(index) = world
        .all(Kind::License)
        .iter()
        .position(|l| l.id == license.id)
    else {
        return Vec::new();
    };
    world
        .all(Kind::LicenseUser)
        .iter()
        .filter(|lu| lu.parent == index)
        .filter_map(|lu| lu.attrs.get("user_id").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// `I am [the <which>] <role> of account "test1"`: `account.users.with_roles(role)`'s one; the
/// account's own admin is the emulator's admin token.
pub(crate) fn bearer(world: &World, which: &str, role: &str) -> Result<super::world::Bearer, Skip> {
    let role = role.replace(' ', "_");
    let users = world.users_with_role(&role);
    let index = users[super::world::named_index(which, users.len())?];
    Ok(if index == 0 {
        super::world::Bearer::Admin(true)
    } else {
        super::world::Bearer::User(index)
    })
}
