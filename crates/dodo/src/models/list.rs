//! The list envelope: `{"items": [...]}`, nothing else.

use serde::Deserialize;

/// Dodo's list response body.
#[derive(Debug, Deserialize)]
pub(crate) struct ListEnvelope<T> {
    pub(crate) items: Vec<T>,
}
