//! One adapter per provider: a `LicenseProvider` implementation and the mapping of the provider's
//! models into the neutral ones.

mod common;
#[cfg(feature = "devpayr")]
pub(crate) mod devpayr;
#[cfg(feature = "dodo")]
pub(crate) mod dodo;
#[cfg(feature = "keygen")]
pub(crate) mod keygen;
#[cfg(feature = "lemonsqueezy")]
pub(crate) mod lemonsqueezy;
#[cfg(feature = "signed-license")]
pub(crate) mod signed_license;

#[cfg(feature = "devpayr")]
#[cfg_attr(docsrs, doc(cfg(feature = "devpayr")))]
pub use self::devpayr::{DevPayrAdmin, DevPayrProvider};
#[cfg(feature = "dodo")]
#[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
pub use self::dodo::{DodoAdmin, DodoProvider};
#[cfg(feature = "keygen")]
#[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
pub use self::keygen::{KeygenAdmin, KeygenProvider};
#[cfg(feature = "lemonsqueezy")]
#[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
pub use self::lemonsqueezy::{LemonSqueezyAdmin, LemonSqueezyProvider};
#[cfg(feature = "signed-license")]
#[cfg_attr(docsrs, doc(cfg(feature = "signed-license")))]
pub use self::signed_license::{SignedLicenseAdmin, SignedLicenseProvider};
