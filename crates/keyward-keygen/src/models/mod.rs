//! The resources Keygen sends and the requests the client builds.

mod checkout;
mod jsonapi;
mod license;
mod machine;
mod requests;
mod scope;
mod validation;

pub use checkout::{Checkout, CheckoutAttributes};
pub use jsonapi::{
    Document, ErrorSource, JsonApiError, ListLinks, ListPage, PageCounts, Relationship,
    Relationships,
};
pub use license::{License, LicenseAttributes, LicenseStatus};
pub use machine::{HeartbeatStatus, Machine, MachineAttributes};
pub use requests::{CheckoutOptions, NewLicense, NewMachine, UpdateLicense};
pub use scope::ValidationScope;
pub(crate) use scope::validation_meta;
pub use validation::{Validation, ValidationCode, ValidationMeta};
