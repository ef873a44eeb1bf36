//! One adapter per provider: a `LicenseProvider` implementation and the mapping of the provider's
//! models into the neutral ones.

mod common;
#[cfg(feature = "creem")]
pub(crate) mod creem;
#[cfg(feature = "devpayr")]
pub(crate) mod devpayr;
#[cfg(feature = "dodo")]
pub(crate) mod dodo;
#[cfg(feature = "gumroad")]
pub(crate) mod gumroad;
#[cfg(feature = "keygen")]
pub(crate) mod keygen;
#[cfg(feature = "lemonsqueezy")]
pub(crate) mod lemonsqueezy;
#[cfg(feature = "polar")]
pub(crate) mod polar;
#[cfg(feature = "signed-license")]
pub(crate) mod signed_license;

#[cfg(feature = "creem")]
#[cfg_attr(docsrs, doc(cfg(feature = "creem")))]
pub use self::creem::{CreemAdmin, CreemProvider};
#[cfg(feature = "devpayr")]
#[cfg_attr(docsrs, doc(cfg(feature = "devpayr")))]
pub use self::devpayr::{DevPayrAdmin, DevPayrProvider};
#[cfg(feature = "dodo")]
#[cfg_attr(docsrs, doc(cfg(feature = "dodo")))]
pub use self::dodo::{DodoAdmin, DodoProvider};
#[cfg(feature = "gumroad")]
#[cfg_attr(docsrs, doc(cfg(feature = "gumroad")))]
pub use self::gumroad::{GumroadAdmin, GumroadProvider};
#[cfg(feature = "keygen")]
#[cfg_attr(docsrs, doc(cfg(feature = "keygen")))]
pub use self::keygen::{KeygenAdmin, KeygenProvider};
#[cfg(feature = "lemonsqueezy")]
#[cfg_attr(docsrs, doc(cfg(feature = "lemonsqueezy")))]
pub use self::lemonsqueezy::{LemonSqueezyAdmin, LemonSqueezyProvider};
#[cfg(feature = "polar")]
#[cfg_attr(docsrs, doc(cfg(feature = "polar")))]
pub use self::polar::{PolarAdmin, PolarProvider};
#[cfg(feature = "signed-license")]
#[cfg_attr(docsrs, doc(cfg(feature = "signed-license")))]
pub use self::signed_license::{SignedLicenseAdmin, SignedLicenseProvider};
