//! Hook for the fuzz targets in the repository's `fuzz/` folder. Not part of the API: hidden
//! from the docs and exempt from semver.

use keyward_http::fuzzing::Answer;

use crate::GumroadErrorExt;
use crate::client::PROFILE;
use crate::error::{check, op};
use crate::models::License;

/// Feeds one answer through every decode path (status check, typed error, model); returns the
/// `Display` and `Debug` of every error built, for the caller to search for the secret.
pub fn decode_answer(received: &Answer<'_>) -> Vec<String> {
    [op::VERIFY, op::ENABLE, op::DISABLE, op::DECREMENT]
        .into_iter()
        .filter_map(|operation| {
            check(received.response(&PROFILE, operation))
                .and_then(|r| r.model::<License>())
                .err()
        })
        .flat_map(|e| [format!("{e}"), format!("{e:?} {:?}", e.gumroad_refusal())])
        .collect()
}
