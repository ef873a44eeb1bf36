//! The account's plan and billing, as far as they limit it: a trialing account without a card
//! on file, or one on a free tier, may not create a license once its active licensed users
//! reach its plan's limit (`license.rb`'s `enforce_active_licensed_user_limit_on_account!`,
//! `account.rb`'s `trialing_or_free?` and `active_licensed_user_count`): 402
//! `ACCOUNT_ALU_LIMIT_EXCEEDED` (`application_controller.rb`). Keygen's self-hosted editions
//! have no such plan: the emulator applies none until one is set.

use std::collections::BTreeSet;

use chrono::Duration;

use super::answer::{Answer, error};
use super::state::State;
use crate::shell::Emulator;

/// The account's plan (`plan.rb`) and billing (`billing.rb`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AccountPlan {
    /// The plan's licensed user limit (`max_licenses`; `None`: its `max_users`).
    pub max_licenses: Option<u64>,
    /// The plan's user limit (`max_users`).
    pub max_users: Option<u64>,
    /// Whether the plan is free (its price is zero).
    pub free: bool,
    /// Whether the subscription is trialing.
    pub trialing: bool,
    /// Whether a card is on file.
    pub card_on_file: bool,
}

impl AccountPlan {
    /// A paid, subscribed plan with a card on file and no limits (no limit applies to it).
    pub fn new() -> Self {
        AccountPlan {
            max_licenses: None,
            max_users: None,
            free: false,
            trialing: false,
            card_on_file: true,
        }
    }

    /// Sets the plan's licensed user and user limits.
    #[must_use]
    pub fn limits(mut self, max_licenses: Option<u64>, max_users: Option<u64>) -> Self {
        self.max_licenses = max_licenses;
        self.max_users = max_users;
        self
    }

    /// Makes the plan free (or paid).
    #[must_use]
    pub fn free(mut self, free: bool) -> Self {
        self.free = free;
        self
    }

    /// Makes the subscription trialing (or not).
    #[must_use]
    pub fn trialing(mut self, trialing: bool) -> Self {
        self.trialing = trialing;
        self
    }

    /// Puts a card on file (or removes it).
    #[must_use]
    pub fn card_on_file(mut self, card: bool) -> Self {
        self.card_on_file = card;
        self
    }

    /// `account.rb`'s `trialing_or_free?`.
    fn trialing_or_free(&self) -> bool {
        (self.trialing && !self.card_on_file) || self.free
    }
}

impl Default for AccountPlan {
    fn default() -> Self {
        AccountPlan::new()
    }
}

impl State {
    /// `account.rb`'s `active_licensed_user_count`: each active license without users counts
    /// one, each user (owner or licensee) of any active license one; every environment's
    /// (`account.licenses` is not scoped to the request's).
    fn active_licensed_users(&self) -> u64 {
        let since = self.now() - Duration::days(90);
        let mut unassigned = 0;
        let mut users = BTreeSet::new();
        for license in self.licenses.iter().chain(&self.elsewhere_licenses) {
            if !super::filters::active(license, since) || self.banned(license) {
                continue;
            }
            let mut of_license = license.user_ids.iter().chain(license.owner_id.as_ref());
            match of_license.next() {
                None => unassigned += 1,
                Some(first) => {
                    users.insert(first);
                    users.extend(of_license);
                }
            }
        }
        unassigned + users.len() as u64
    }

    /// The 402 of a license's creation past the account's active licensed user limit.
    pub(crate) fn licensed_user_limit_reached(&self) -> Option<Answer> {
        let plan = self.plan.as_ref().filter(|p| p.trialing_or_free())?;
        let limit = plan.max_licenses.or(plan.max_users)?;
        if self.active_licensed_users() < limit {
            return None;
        }
        let detail = format!(
            "Your tier's active licensed user limit of {} has been reached for your account. \
             Please upgrade to a paid tier and add a payment method at https://app.keygen.sh/billing.",
            delimited(limit)
        );
        Some(error(
            402,
            "Unprocessable resource",
            &detail,
            Some("ACCOUNT_ALU_LIMIT_EXCEEDED"),
            Some("/data/relationships/account"),
        ))
    }
}

/// Rails' `to_fs(:delimited)`: thousands separated by commas.
fn delimited(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl Emulator<State> {
    /// Sets the account's plan and billing (Keygen Cloud's: a trialing account without a card,
    /// or a free one, may not create licenses past its plan's licensed user limit).
    pub fn set_account_plan(&self, plan: AccountPlan) {
        self.write(|state| state.plan = Some(plan));
    }
}

#[cfg(test)]
mod tests {
    use super::delimited;

    #[test]
    fn limits_are_written_with_thousands_separators() {
        assert_eq!(delimited(50), "50");
        assert_eq!(delimited(5000), "5,000");
        assert_eq!(delimited(1_234_567), "1,234,567");
    }
}
