//! The list envelope: `{"items": [...]}`, nothing else.

use serde::Deserialize;

/// Dodo's list response body.
#[derive(Debug, Deserialize)]
pub(crate) struct ListEnvelope<T> {
    pub(crate) items: Vec<T>,
}

impl<T: license_core::AttachRaw> license_core::AttachRaw for ListEnvelope<T> {
    fn attach_raw(&mut self, raw: license_core::RawJson) {
        self.items.attach_raw(raw.at("/items"));
    }
}
