//! A feature case's setup (its `given` steps), read as keygen-api's step definitions read them
//! (`features/step_definitions/resource_steps.rb`, `authentication_steps.rb`,
//! `placeholder_steps.rb`) with the factories' defaults (`spec/factories/{policy,license,
//! machine}.rb`): the products, policies, licenses and machines the case creates, in order, with
//! the attributes it gives, and the credential it sends. A step outside this vocabulary is an
//! `Err` naming why, and the case is skipped (never guessed).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

/// Why a case is not replayed.
pub(crate) type Skip = String;

/// The resources the emulator holds, parents first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Product = 0,
    Policy = 1,
    License = 2,
    Machine = 3,
    Component = 4,
    Process = 5,
    /// Users of every role (`role` among their attributes); the account's admin is the first.
    User = 6,
    /// A user of a license besides its owner (`license_users`; `user_id` among its attributes).
    LicenseUser = 7,
    /// A Keygen EE environment (its code the secret, `isolation_strategy` among its attributes).
    Environment = 8,
    /// A group (`max_licenses`, `max_machines`, `max_users` among its attributes).
    Group = 9,
    /// A release of a product (`version`, `status`, `backdated_to` among its attributes).
    Release = 10,
    /// A file of a release (`checksum`, `status` among its attributes).
    Artifact = 11,
    /// A key of a pooled policy's pool (its key the secret).
    Key = 12,
    /// A user's token (`permissions` among its attributes).
    Token = 13,
}

impl Kind {
    /// The resource a step or placeholder names (`"license"`, `"licenses"`, …).
    pub(crate) fn parse(name: &str) -> Option<Kind> {
        match name {
            "product" | "products" => Some(Kind::Product),
            "policy" | "policies" => Some(Kind::Policy),
            "license" | "licenses" => Some(Kind::License),
            "machine" | "machines" => Some(Kind::Machine),
            "component" | "components" => Some(Kind::Component),
            "process" | "processes" => Some(Kind::Process),
            "user" | "users" => Some(Kind::User),
            "license-user" | "license-users" => Some(Kind::LicenseUser),
            "environment" | "environments" => Some(Kind::Environment),
            "group" | "groups" => Some(Kind::Group),
            "release" | "releases" => Some(Kind::Release),
            "artifact" | "artifacts" => Some(Kind::Artifact),
            "key" | "keys" => Some(Kind::Key),
            "token" | "tokens" => Some(Kind::Token),
            _ => None,
        }
    }

    /// What a factory builds it for, and the attribute that names that one.
    pub(crate) fn parent(self) -> Option<(Kind, &'static str)> {
        match self {
            Kind::Product | Kind::User | Kind::Environment | Kind::Group => None,
            Kind::Policy => Some((Kind::Product, "product_id")),
            Kind::License => Some((Kind::Policy, "policy_id")),
            Kind::Machine | Kind::LicenseUser => Some((Kind::License, "license_id")),
            Kind::Component | Kind::Process => Some((Kind::Machine, "machine_id")),
            Kind::Release => Some((Kind::Product, "product_id")),
            Kind::Artifact => Some((Kind::Release, "release_id")),
            Kind::Key => Some((Kind::Policy, "policy_id")),
            Kind::Token => Some((Kind::User, "bearer_id")),
        }
    }
}

/// One created resource.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub(crate) id: String,
    /// The parent's index (none for a product).
    pub(crate) parent: usize,
    /// A license's key, a machine's fingerprint, a user's email.
    pub(crate) secret: String,
    /// The attributes the steps gave, snake_case as the step definitions store them.
    pub(crate) attrs: Map<String, Value>,
    /// Its environment's index (`None`: the global environment).
    pub(crate) environment: Option<usize>,
}

/// Who the case is (`I am an admin / a license of account …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bearer {
    /// An admin of this account (`true`) or of another one.
    Admin(bool),
    /// A product (its index).
    Product(usize),
    License(usize),
    /// A user of any role (its index), except the account's admin (`Admin(true)`).
    User(usize),
    /// An environment (its index).
    Environment(usize),
}

/// The credential the request carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Credential {
    /// `I use an authentication token`: the bearer's token.
    Token(Bearer),
    /// `I authenticate with my license key`.
    Key(usize),
    /// `I authenticate with an invalid key`.
    InvalidKey,
}

/// The account a case builds.
#[derive(Debug, Default)]
pub(crate) struct World {
    pub(crate) of: [Vec<Entity>; 14],
    pub(crate) bearer: Option<Bearer>,
    pub(crate) credential: Option<Credential>,
    /// The current account's slug (`test1`).
    pub(crate) account: String,
    pub(crate) now: DateTime<Utc>,
    /// The account of an admin of another account (`I am an admin of account "ent1"`).
    pub(crate) foreign_admin: Option<String>,
    /// `the account "test1" is canceled`.
    pub(crate) canceled: bool,
    /// `time is frozen at …`: the emulator's clock is pinned to `now`.
    pub(crate) frozen: bool,
    /// `the current environment is …` (Keygen's `Current.environment`): what new records and
    /// the credential's token are made in.
    pub(crate) environment: Option<usize>,
    /// The environment a factory trait (`isolated`, `shared`, `global`) gives the records being
    /// made (`None`: no trait).
    pub(crate) trait_environment: Option<Option<usize>>,
    /// The account's settings (`default_license_permissions`, …) and their permissions.
    pub(crate) settings: Vec<(String, Vec<String>)>,
    /// The account's plan and billing, once a step names them.
    pub(crate) plan: Option<super::billing::Plan>,
    /// Headers the case sends (`I send the following (raw) headers:`), placeholders resolved.
    pub(crate) headers: Vec<(String, String)>,
    /// The legacy encrypted licenses, in creation order (`@crypt`, `$crypt[i].raw`).
    pub(crate) crypt: Vec<usize>,
}

fn snake(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl World {
    /// The account `test1`, made as `spec/factories/account.rb` makes it: with one admin.
    pub(crate) fn new(now: DateTime<Utc>) -> Self {
        let mut world = World {
            account: "test1".to_owned(),
            now,
            ..World::default()
        };
        let admin = world.create(Kind::User, None);
        world.of[Kind::User as usize][admin]
            .attrs
            .insert("role".to_owned(), Value::String("admin".to_owned()));
        world
    }

    /// The users with role `role` (`account.users.with_roles(role)`), in creation order.
    pub(crate) fn users_with_role(&self, role: &str) -> Vec<usize> {
        (0..self.all(Kind::User).len())
            .filter(|&i| self.all(Kind::User)[i].attrs.get("role") == Some(&Value::from(role)))
            .collect()
    }

    pub(crate) fn all(&self, kind: Kind) -> &[Entity] {
        &self.of[kind as usize]
    }

    /// Creates one `kind` for `parent` (a new parent chain when `None`, as the factories do).
    pub(crate) fn create(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        let parent = match (kind.parent(), parent) {
            (_, Some(parent)) => parent,
            (Some((parent_kind, _)), None) => self.create(parent_kind, None),
            (None, None) => 0,
        };
        // Ids, keys and fingerprints numbered in creation order: a case replays the same way
        // every time.
        let n = self.of.iter().map(Vec::len).sum::<usize>() + 1;
        let environment = self.new_environment(kind, parent);
        let secret = match kind {
            Kind::License => format!("FEATURE-{n:06}-KEY"),
            Kind::Key => format!("POOLED-{n:06}-KEY"),
            Kind::Machine => format!("FE:A7:{n:06X}"),
            Kind::Component => format!("C0:{n:06X}"),
            // `spec/factories/user.rb`: a unique email (`hex + safe_email`).
            Kind::User => format!("user-{n:06}@keygen.example"),
            _ => String::new(),
        };
        self.of[kind as usize].push(Entity {
            id: format!("00000000-0000-4000-8000-{n:012}"),
            parent,
            secret,
            attrs: Map::new(),
            environment,
        });
        self.of[kind as usize].len() - 1
    }

    /// Gives entity `index` these attributes (the parent's id moves it to that parent).
    pub(crate) fn assign(
        &mut self,
        kind: Kind,
        index: usize,
        attrs: &Map<String, Value>,
    ) -> Result<(), Skip> {
        for (name, value) in attrs {
            let name = snake(name);
            match (kind.parent(), name.as_str(), value) {
                (Some((parent_kind, attr)), n, Value::String(id)) if n == attr => {
                    let parent = self.all(parent_kind).iter().position(|e| e.id == *id);
                    self.of[kind as usize][index].parent =
                        parent.ok_or_else(|| format!("`{attr}` of an unknown resource"))?;
                }
                (_, "key", Value::String(key)) if matches!(kind, Kind::License | Kind::Key) => {
                    self.of[kind as usize][index].secret.clone_from(key);
                }
                (_, "email", Value::String(email)) if kind == Kind::User => {
                    self.of[kind as usize][index].secret.clone_from(email);
                }
                (_, "fingerprint", Value::String(f)) if kind == Kind::Machine => {
                    self.of[kind as usize][index].secret.clone_from(f);
                }
                // `the first "license" has the following attributes: {"id": …}`: its id.
                (_, "id", Value::String(id))
                    if matches!(kind, Kind::User | Kind::License | Kind::Machine) =>
                {
                    self.of[kind as usize][index].id.clone_from(id);
                }
                // `user_id` is `license.rb`'s column behind `owner_id`.
                (_, "user_id", _) if kind == Kind::License => {
                    self.of[kind as usize][index]
                        .attrs
                        .insert("owner_id".to_owned(), value.clone());
                }
                _ => {
                    self.of[kind as usize][index]
                        .attrs
                        .insert(name, value.clone());
                }
            }
        }
        Ok(())
    }
}

/// `first` … `ninth`, `last` as ActiveRecord reads them (creation order).
pub(crate) fn named_index(word: &str, len: usize) -> Result<usize, Skip> {
    let index = match word {
        "first" => 0,
        "second" => 1,
        "third" => 2,
        "fourth" => 3,
        "fifth" => 4,
        "last" => len.checked_sub(1).ok_or("`last` of none")?,
        other => return Err(format!("index `{other}`")),
    };
    if index < len {
        Ok(index)
    } else {
        Err(format!("index `{word}` of {len}"))
    }
}
