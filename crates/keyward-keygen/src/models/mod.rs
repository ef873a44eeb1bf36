//! The resources Keygen sends and the requests the client builds.

mod checkout;
mod jsonapi;
mod license;
mod machine;
mod requests;
mod validation;

pub use checkout::{Checkout, CheckoutAttributes};
pub use jsonapi::{
    Document, ErrorSource, JsonApiError, ListLinks, ListPage, PageCounts, Relationship,
    Relationships,
};
pub use license::{License, LicenseAttributes, LicenseStatus};
pub use machine::{HeartbeatStatus, Machine, MachineAttributes};
pub(crate) use requests::validation_meta;
pub use requests::{CheckoutOptions, NewLicense, NewMachine, UpdateLicense, ValidationScope};
pub use validation::{Validation, ValidationCode, ValidationMeta};
