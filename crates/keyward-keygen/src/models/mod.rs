//! The resources Keygen sends and the requests the client builds.

mod checkout;
mod license;
mod machine;
mod requests;
mod scope;
mod validation;

pub use checkout::{Checkout, CheckoutAttributes};
pub use keyward_core::jsonapi::{
    Document, ErrorSource, JsonApiError, ListLinks, ListPage, PageCounts,
};
pub use license::{License, LicenseAttributes, LicenseStatus};
pub use machine::{HeartbeatStatus, Machine, MachineAttributes};
pub use requests::{CheckoutOptions, NewLicense, NewMachine, UpdateLicense};
pub use scope::ValidationScope;
pub(crate) use scope::validation_meta;
pub use validation::{Validation, ValidationCode, ValidationMeta};

/// A relationship as Keygen sends it: its `links` kept as sent (the JSON:API model lives in
/// [`keyward_core::jsonapi`]).
pub type Relationship = keyward_core::jsonapi::Relationship<serde_json::Value>;

/// Relationships by name (`policy`, `product`, `owner`, `machines`, …).
pub type Relationships = keyward_core::jsonapi::Relationships<serde_json::Value>;
