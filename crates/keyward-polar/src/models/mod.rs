//! The shapes Polar sends and receives for license keys, exactly as its OpenAPI names them.
//!
//! Every model decodes leniently: unknown fields are ignored, enums are open (`Other(String)`),
//! and the fields Polar's own documentation examples omit (they predate `customer`,
//! `customer_id` and `created_at` on keys) are `Option`s, so both the current server's bodies
//! and the documented examples decode.

mod activation;
mod admin_requests;
mod license_key;
mod list;
mod requests;

pub use activation::{
    ActivatedLicenseKey, Activation, LicenseKeyWithActivations, ValidatedLicenseKey,
};
pub use admin_requests::{ListLicenseKeys, UpdateLicenseKey};
pub use license_key::{CustomerType, LicenseKey, LicenseKeyCustomer, LicenseKeyStatus};
pub(crate) use list::ListEnvelope;
pub use list::Pagination;
pub(crate) use requests::DeactivateBody;
pub use requests::{ActivateLicenseKey, ValidateLicenseKey};
