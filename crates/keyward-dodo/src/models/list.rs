//! The list envelope: `{"items": [...]}`, nothing else.

use serde::Deserialize;

/// Dodo's list response body.
#[derive(Debug, Deserialize)]
pub(crate) struct ListEnvelope<T> {
    pub(crate) items: Vec<T>,
}

impl<T: keyward_core::AttachRaw> keyward_core::AttachRaw for ListEnvelope<T> {
    fn attach_raw(&mut self, raw: keyward_core::RawJson) {
        self.items.attach_raw(raw.at("/items"));
    }
}
