//! A license token's activation and deactivation counts (`token.rb`: an activation token is a
//! license's; `machines_controller.rb` counts each machine it creates or deletes and refuses one
//! past `maxActivations` / `maxDeactivations` with 422 `ACTIVATIONS_LIMIT_EXCEEDED` /
//! `DEACTIVATIONS_LIMIT_EXCEEDED`).

use super::answer::{Answer, unprocessable};
use super::seed::LicenseSeed;
use super::state::State;

/// How many machines a license's token has activated and deactivated, and the most it may.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenActivations {
    /// Machines it created.
    pub activations: u64,
    /// The most it may create (`None`: any number).
    pub max_activations: Option<u64>,
    /// Machines it deleted.
    pub deactivations: u64,
    /// The most it may delete.
    pub max_deactivations: Option<u64>,
}

impl TokenActivations {
    /// None used, no limits.
    pub fn new() -> Self {
        TokenActivations::default()
    }

    /// `used` activations so far, at most `max`.
    #[must_use]
    pub fn activations(mut self, used: u64, max: Option<u64>) -> Self {
        self.activations = used;
        self.max_activations = max;
        self
    }

    /// `used` deactivations so far, at most `max`.
    #[must_use]
    pub fn deactivations(mut self, used: u64, max: Option<u64>) -> Self {
        self.deactivations = used;
        self.max_deactivations = max;
        self
    }
}

impl LicenseSeed {
    /// Sets its token's activation and deactivation counts and limits.
    #[must_use]
    pub fn token_activations(mut self, activations: TokenActivations) -> Self {
        self.record.token_activations = activations;
        self
    }
}

/// What a license's token does to a machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Use {
    Activation,
    Deactivation,
}

impl State {
    /// Counts one more `kind` by license `license_id`'s token when the request carries it, or
    /// the 422 for one past its limit (nothing counted).
    pub(crate) fn count_token_use(&mut self, license_id: &str, kind: Use) -> Option<Answer> {
        let token = self.current_token.clone()?;
        let license = self
            .licenses
            .iter_mut()
            .find(|l| l.id == license_id && l.token.as_deref() == Some(token.as_str()))?;
        let uses = &mut license.token_activations;
        let (used, max, code, name) = match kind {
            Use::Activation => (
                &mut uses.activations,
                uses.max_activations,
                "ACTIVATIONS_LIMIT_EXCEEDED",
                "activations",
            ),
            Use::Deactivation => (
                &mut uses.deactivations,
                uses.max_deactivations,
                "DEACTIVATIONS_LIMIT_EXCEEDED",
                "deactivations",
            ),
        };
        if let Some(max) = max.filter(|max| *used + 1 > *max) {
            let detail = format!("exceeds maximum allowed ({max})");
            return Some(unprocessable(
                &detail,
                Some(code),
                &format!("/data/attributes/{name}"),
            ));
        }
        *used += 1;
        None
    }
}
