//! The shapes Creem sends and receives for licenses, as its OpenAPI names them.
//!
//! Decoding is tolerant of what Creem's own documents disagree on: `instance` is one object in
//! the OpenAPI and an array in the licenses guide (both read; the last active instance of an
//! array is taken, the whole array stays in `raw`); `product_id`, required by the OpenAPI, is
//! missing from the guide's examples (an `Option`); counts the OpenAPI types as `number` are read
//! from any number the document allows (clamped into `0..=u64::MAX`, a fraction read down).

mod license;

pub(crate) use license::ListEnvelope;
pub use license::{
    EnvironmentMode, InstanceStatus, License, LicenseInstance, LicenseStatus, Pagination,
};
