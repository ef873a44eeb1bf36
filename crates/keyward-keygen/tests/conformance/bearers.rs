//! The steps that say who calls (`authentication_steps.rb`): `I am an admin of account
//! "test1"`, `I am the first license of account "test1"`, … and how the request carries that
//! bearer's credential (`I use an authentication token`, `I authenticate with my license key`).

use super::people;
use super::world::{Bearer, Credential, Kind, Skip, World, named_index};

impl World {
    /// `I am [the <which>] <role> of account "<account>"`: the bearer.
    pub(crate) fn be(&mut self, role: &[&str], account: &str) -> Result<(), Skip> {
        let (which, role) = match role {
            [
                which @ ("first" | "second" | "third" | "fourth" | "fifth" | "last"),
                role @ ..,
            ] => (*which, role.join(" ")),
            role => ("first", role.join(" ")),
        };
        let here = account == self.account;
        self.bearer = Some(match role.as_str() {
            "admin" if !here => {
                self.foreign_admin = Some(account.to_owned());
                Bearer::Admin(false)
            }
            _ if !here => return Err(format!("a {role} of another account")),
            "product" => Bearer::Product(named_index(which, self.all(Kind::Product).len())?),
            "license" => Bearer::License(named_index(which, self.all(Kind::License).len())?),
            "environment" => {
                Bearer::Environment(named_index(which, self.all(Kind::Environment).len())?)
            }
            "admin" | "developer" | "sales agent" | "support agent" | "read only" | "user" => {
                people::bearer(self, which, &role)?
            }
            other => return Err(format!("bearer: {other} (not modeled)")),
        });
        Ok(())
    }

    /// `I use an authentication token`, `I authenticate with my license key`, …: the
    /// credential the request carries.
    pub(crate) fn authenticate(&mut self, shape: &str) -> Result<(), Skip> {
        if self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        {
            return Err("a hand-made credential besides the steps' own".to_owned());
        }
        let bearer = self.bearer;
        self.credential = Some(match shape {
            "I use an authentication token"
            | "I use my authentication token"
            | "I authenticate with a token"
            | "I authenticate with my token" => {
                Credential::Token(bearer.ok_or("a token of no one")?)
            }
            "I authenticate with my license key"
            | "I authenticate with my key"
            | "I authenticate with a license key"
            | "I authenticate with a key" => match bearer {
                Some(Bearer::License(i)) => Credential::Key(i),
                _ => return Err("a license key of no license".to_owned()),
            },
            "I authenticate with an invalid key" => Credential::InvalidKey,
            other => return Err(format!("credential `{other}`")),
        });
        Ok(())
    }
}
