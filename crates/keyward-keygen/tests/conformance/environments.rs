//! Keygen EE's environments in a [`World`] (`spec/factories/environment.rb`; the `isolated`,
//! `shared` and `global` traits of the other factories; `the current environment is …`;
//! `concerns/environmental.rb`'s defaults) and put into the emulator.

use keyward_emulator::keygen::{EnvironmentSeed, Isolation};
use serde_json::Value;

use super::world::{Bearer, Credential, Kind, Skip, World};

/// The token `I use an authentication token` makes for an environment bearer.
pub(crate) fn environment_token(environment: &super::world::Entity) -> String {
    format!("environment-token-{}", environment.id)
}

impl World {
    /// The environment a new `kind` under `parent` is made in: its factory trait's, else the
    /// current one (`after_initialize`), else its parent's (`has_environment default:`, a
    /// license its policy's, a machine its license's).
    pub(crate) fn new_environment(&self, kind: Kind, parent: usize) -> Option<usize> {
        if let Some(environment) = self.trait_environment {
            return environment;
        }
        if kind == Kind::Environment {
            return None;
        }
        self.environment.or_else(|| {
            let (parent_kind, _) = kind.parent()?;
            self.all(parent_kind).get(parent)?.environment
        })
    }

    /// The environment with this code (`find_by_code!`), made with it (`isolated`: isolated,
    /// `shared`: shared) when there is none yet, as the factories' `build(:environment, :code)`.
    pub(crate) fn environment_coded(&mut self, code: &str) -> usize {
        if let Some(index) = self
            .all(Kind::Environment)
            .iter()
            .position(|e| e.secret == code)
        {
            return index;
        }
        let saved = self.trait_environment.replace(None);
        let index = self.create(Kind::Environment, None);
        self.trait_environment = saved;
        let environment = &mut self.of[Kind::Environment as usize][index];
        environment.secret = code.to_owned();
        let strategy = if code == "shared" {
            "SHARED"
        } else {
            "ISOLATED"
        };
        environment
            .attrs
            .insert("isolation_strategy".to_owned(), Value::from(strategy));
        index
    }

    /// What a factory trait says of the environment (`Some(None)`: `global`).
    pub(crate) fn trait_environment_of(&mut self, trait_: &str) -> Option<Option<usize>> {
        match trait_ {
            "isolated" | "shared" => Some(Some(self.environment_coded(trait_))),
            "global" => Some(None),
            _ => None,
        }
    }

    /// The id of the environment of `entity`.
    pub(crate) fn environment_id(&self, environment: Option<usize>) -> Option<&str> {
        environment.map(|i| self.all(Kind::Environment)[i].id.as_str())
    }

    /// `the current environment is "<id or code>"`.
    pub(crate) fn set_current_environment(&mut self, named: &str) -> Result<(), Skip> {
        let index = self
            .all(Kind::Environment)
            .iter()
            .position(|e| e.secret == named || e.id == named)
            .ok_or_else(|| format!("environment {named:?} of none"))?;
        self.environment = Some(index);
        Ok(())
    }

    /// The environment of the bearer's token (`authentication_steps.rb`: the current
    /// environment, else the bearer's own), when that is not simply its bearer's.
    pub(crate) fn token_environment(&self) -> Option<Option<usize>> {
        match self.credential? {
            Credential::Token(Bearer::Environment(_)) => None,
            Credential::Token(_) => self.environment.map(Some),
            _ => None,
        }
    }
}

/// The environments of `world` as the emulator takes them.
pub(crate) fn seeds(world: &World) -> Vec<EnvironmentSeed> {
    world
        .all(Kind::Environment)
        .iter()
        .map(|e| {
            let isolation = match e.attrs.get("isolation_strategy").and_then(Value::as_str) {
                Some("SHARED") => Isolation::Shared,
                _ => Isolation::Isolated,
            };
            EnvironmentSeed::new(&e.secret, isolation)
                .id(&e.id)
                .token(environment_token(e))
        })
        .collect()
}
