//! One adapter per provider: a `LicenseProvider` implementation and the mapping of the provider's
//! models into the neutral ones.

mod common;
#[cfg(feature = "devpayr")]
mod devpayr;
#[cfg(feature = "dodo")]
mod dodo;
#[cfg(feature = "lemonsqueezy")]
mod lemonsqueezy;
#[cfg(feature = "signed-license")]
mod signed_license;

#[cfg(feature = "devpayr")]
pub use self::devpayr::*;
#[cfg(feature = "dodo")]
pub use self::dodo::*;
#[cfg(feature = "lemonsqueezy")]
pub use self::lemonsqueezy::*;
#[cfg(feature = "signed-license")]
pub use self::signed_license::*;
