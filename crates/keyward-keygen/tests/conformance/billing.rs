//! The account's plan and billing as the steps set them (`billing_steps.rb`: `the account "…"
//! is trialing`, `does (not) have a card on file`; `resource_steps.rb`: `is on a free tier`,
//! `has a max license limit of N`), on the factories' defaults (`spec/factories/{plan,
//! billing}.rb`: a paid plan with random limits, subscribed, a card on file).

use keyward_emulator::keygen::AccountPlan;

use super::world::{Skip, World};

/// What the steps said of the account's plan.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    max_licenses: Option<u64>,
    max_users: Option<u64>,
    free: bool,
    trialing: bool,
    card: bool,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            max_licenses: None,
            max_users: None,
            free: false,
            trialing: false,
            card: true,
        }
    }
}

impl World {
    /// A step about the current account's plan or billing (`words` after `the account "…"`).
    pub(crate) fn billing_step(&mut self, words: &[&str]) -> Result<(), Skip> {
        let plan = self.plan.get_or_insert_with(Plan::default);
        match words {
            ["has", "a", "max", resource, "limit", "of", n] => {
                let limit = n.parse().map_err(|_| format!("a limit of {n}"))?;
                match *resource {
                    "license" => plan.max_licenses = Some(limit),
                    "user" => plan.max_users = Some(limit),
                    other => return Err(format!("a max {other} limit")),
                }
            }
            ["is", "on", "a", "free", "tier"] => plan.free = true,
            ["is", "trialing"] => plan.trialing = true,
            ["is", "subscribed" | "active"] => plan.trialing = false,
            ["does", "have", "a", "card", "on", "file"] => plan.card = true,
            ["does", "not", "have", "a", "card", "on", "file"] => plan.card = false,
            _ => return Err(format!("account step `{}`", words.join(" "))),
        }
        Ok(())
    }
}

/// The plan the steps gave (none: the emulator applies no plan limits, as the factories'
/// paid, subscribed account with a card never meets them).
pub(crate) fn plan(world: &World) -> Result<Option<AccountPlan>, Skip> {
    let Some(plan) = &world.plan else {
        return Ok(None);
    };
    let limited = (plan.trialing && !plan.card) || plan.free;
    if limited && plan.max_licenses.is_none() && plan.max_users.is_none() {
        return Err("a plan limit the factory draws at random".to_owned());
    }
    Ok(Some(
        AccountPlan::new()
            .limits(plan.max_licenses, plan.max_users)
            .free(plan.free)
            .trialing(plan.trialing)
            .card_on_file(plan.card),
    ))
}
