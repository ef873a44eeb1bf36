//! The shapes Dodo sends and receives for license keys, exactly as its API names them.
//!
//! Every model decodes leniently: unknown fields are ignored, enums are open (`Other(String)`),
//! fields that newer API versions added (`brand_id`, `source`) or made optional (`payment_id`)
//! are `Option`s, and counts are `i64` so that any int32 the API sends (negative included) decodes.

/// The `page_size` and `page_number` setters every listing's parameters share.
macro_rules! paging_methods {
    () => {
        /// Items per page, 1 to 100 (clamped).
        pub fn page_size(mut self, size: u32) -> Self {
            self.paging.size = crate::pagination::clamp_page_size(size);
            self
        }

        /// The page to fetch (0-based); where a walk starts.
        pub fn page_number(mut self, number: u32) -> Self {
            self.paging.number = number;
            self
        }
    };
}

mod activation;
mod catalogue;
mod entitlement;
mod enums;
mod grant;
mod grant_requests;
mod instance;
mod license_key;
mod list;
mod requests;

pub use activation::{Activation, ActivationCustomer, ActivationProduct, Validation};
pub use catalogue::{Customer, Product};
pub use entitlement::{
    Entitlement, FulfillmentMode, IntegrationType, LicenseKeyConfig, TimeInterval,
};
pub use enums::{LicenseKeySource, LicenseKeyStatus};
pub use grant::{EntitlementGrant, GrantStatus, LicenseKeyGrant};
pub use grant_requests::{DeliverLicenseKey, ListCustomerGrants, ListEntitlements, ListGrants};
pub use instance::LicenseKeyInstance;
pub use license_key::LicenseKey;
pub(crate) use list::ListEnvelope;
pub(crate) use requests::Paging;
pub use requests::{CreateLicenseKey, ListInstances, ListLicenseKeys, UpdateLicenseKey};
