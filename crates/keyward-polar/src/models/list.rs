//! The list envelope (`ListResource`): `{"items": [...], "pagination": {...}}`.

use serde::Deserialize;

/// Where a listing stands (`Pagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Pagination {
    /// Items matching the filters, over every page.
    #[serde(default)]
    pub total_count: i64,
    /// The last page number (1-based; 0 or 1 when there is a single page or none).
    #[serde(default)]
    pub max_page: i64,
}

/// Polar's list response body.
#[derive(Debug, Deserialize)]
pub(crate) struct ListEnvelope<T> {
    pub(crate) items: Vec<T>,
    pub(crate) pagination: Pagination,
}

impl<T: keyward_core::AttachRaw> keyward_core::AttachRaw for ListEnvelope<T> {
    fn attach_raw(&mut self, raw: keyward_core::RawJson) {
        self.items.attach_raw(raw.at("/items"));
    }
}
