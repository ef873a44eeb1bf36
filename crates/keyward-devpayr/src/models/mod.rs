//! The records DevPayr sends and the request bodies it takes. Every record keeps unknown fields in
//! `extra`, and fields DevPayr's documentation leaves unsure are decoded leniently (`0`/`1` booleans, numeric strings, comma lists or arrays).

mod domain;
mod envelope;
mod has_paid;
mod injectable;
mod license;

pub use domain::{Domain, DomainFlags, DomainUpdate, Environment, NewDomain};
pub use envelope::{ActionOutcome, CursorPage, Envelope};
pub use has_paid::{Denial, DenialReason, LicenseCheck, PaymentStatus};
pub use injectable::{Injectable, InjectableMode, InjectableType};
pub use license::{License, LicenseState, NewLicense};
