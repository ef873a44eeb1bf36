//! What the calls return: a [`Reply`] holding the verified payload and its typed outcome, and the
//! typed data of each endpoint.

mod admin;
mod license;
mod limits;
mod requests;

pub use admin::{
    AssignedLicenseKey, Contract, CreatedLicenseKeys, Generator, LicenseKeyRecord, Product,
    TelemetryRecord,
};
pub use license::{
    Activation, Deactivation, Downloadable, LicenseDetails, LicenseKeyInfo, MetaEntry, ProductInfo,
    TelemetrySaved,
};
pub use limits::ActivationLimit;
pub use requests::{
    ContractSpec, LicenseKeySpec, LicenseKeyStatus, NewProduct, ProductSource, ProductStatus,
    RandomAssign, Telemetry, TelemetryData,
};

use crate::code::ResponseCode;
use crate::payload::{Payload, Verified};

/// The server's "no": a refusal code with its message. An answer, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Refusal {
    /// The refusal code (invalid, expired, not assigned, limit reached, …).
    pub code: ResponseCode,
    /// The server's message for it.
    pub message: String,
}

/// What a call achieved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Answer<T> {
    /// The operation was done (or the data found).
    Done(T),
    /// The server said no.
    Refused(Refusal),
}

impl<T> Answer<T> {
    /// The data when done.
    pub fn done(&self) -> Option<&T> {
        match self {
            Self::Done(t) => Some(t),
            Self::Refused(_) => None,
        }
    }

    /// The refusal, if refused.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            Self::Done(_) => None,
            Self::Refused(r) => Some(r),
        }
    }

    /// Whether the operation was done.
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done(_))
    }
}

/// A verified answer: the typed outcome plus the verified payload it came from (for its code,
/// timestamp, extra fields, and saving it for offline use).
#[derive(Debug, Clone)]
pub struct Reply<T> {
    pub(crate) answer: Answer<T>,
    pub(crate) verified: Verified<Payload>,
    pub(crate) http_status: u16,
}

impl<T> Reply<T> {
    /// The typed outcome.
    pub fn answer(&self) -> &Answer<T> {
        &self.answer
    }

    /// The typed outcome, owned.
    pub fn into_answer(self) -> Answer<T> {
        self.answer
    }

    /// The data when done.
    pub fn done(&self) -> Option<&T> {
        self.answer.done()
    }

    /// Whether the operation was done.
    pub fn is_done(&self) -> bool {
        self.answer.is_done()
    }

    /// The refusal, if the server said no.
    pub fn refusal(&self) -> Option<&Refusal> {
        self.answer.refusal()
    }

    /// The signed response code.
    pub fn code(&self) -> ResponseCode {
        self.verified.value().code()
    }

    /// The verified payload and the facts of its verification.
    pub fn verified(&self) -> &Verified<Payload> {
        &self.verified
    }

    /// The HTTP status the answer came with.
    pub fn http_status(&self) -> u16 {
        self.http_status
    }
}
