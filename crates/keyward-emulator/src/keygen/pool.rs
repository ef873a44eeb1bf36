//! Pooled policies (`policy.rb`'s `use_pool`, `pool`, `pop!`): a license created under one
//! without a key of its own takes the next key of the policy's pool
//! (`license.rb`'s `generate_pooled_key!`), or is refused, 422 `POLICY_POOL_EMPTY`, when none
//! is left.

use super::answer::{Answer, unprocessable};
use super::seed::LicenseSeed;
use super::state::State;
use crate::shell::Emulator;

impl LicenseSeed {
    /// Makes its policy pooled (`usePool`): licenses created under it take their keys from its
    /// pool ([`add_pooled_key`](Emulator::add_pooled_key)).
    #[must_use]
    pub fn use_pool(mut self, pooled: bool) -> Self {
        self.record.use_pool = pooled;
        self
    }
}

impl State {
    /// The next key of policy `policy_id`'s pool, taken out of it, or the 422 of an empty pool.
    pub(crate) fn pop_pooled_key(&mut self, policy_id: &str) -> Result<String, Answer> {
        match self.pool.iter().position(|(policy, _)| policy == policy_id) {
            Some(index) => Ok(self.pool.remove(index).1),
            None => Err(unprocessable(
                "pool is empty",
                Some("POLICY_POOL_EMPTY"),
                "/data/relationships/policy",
            )),
        }
    }
}

impl Emulator<State> {
    /// Adds `key` to the pool of policy `policy_id` (Keygen's `keys`): the next license created
    /// under that pooled policy without a key of its own gets it.
    pub fn add_pooled_key(&self, policy_id: &str, key: &str) {
        let entry = (policy_id.to_owned(), key.to_owned());
        self.write(|state| state.pool.push(entry));
    }
}
