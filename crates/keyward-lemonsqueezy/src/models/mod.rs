//! The shapes Lemon Squeezy sends and takes, tolerant of what the live API really does.

mod instance;
mod jsonapi;
pub(crate) mod license_api;
mod license_key;

pub use instance::{LicenseKeyInstance, LicenseKeyInstanceAttributes};
pub use jsonapi::{ListPage, PageMeta};
pub use keyward_core::jsonapi::{
    Document, ErrorSource, JsonApiError, ListLinks, Relationship, RelationshipLinks,
    ResourceIdentifier, ResourceLinks,
};
pub use license_api::{
    LicenseAnswer, LicenseApiErrorBody, LicenseApiInstance, LicenseApiKey, LicenseApiMeta,
    LicenseVerb, ProductMismatch, Refusal,
};
pub use license_key::{KeyStatus, LicenseKey, LicenseKeyAttributes, UpdateLicenseKey};
