//! Our clients against the canned server: each provider crate's `Client`, and the same client
//! behind the `keyward` facade as a `Box<dyn LicenseAdmin>`.

use std::sync::Arc;

use chrono::DateTime;
use keyward::{
    CreemProvider, DevPayrProvider, DodoProvider, GumroadProvider, LemonSqueezyProvider,
    PolarProvider, SignedLicenseProvider,
};
use keyward_core::{FixedClock, LicenseAdmin, LicenseProvider, SecretLicenseKey};
use keyward_signed_license::{KeySet, PublicKey};

use crate::canned;

fn text(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// A Dodo client with the API key.
pub fn dodo(base: &str) -> Result<keyward_dodo::Client, String> {
    keyward_dodo::Client::builder()
        .base_url(base)
        .api_key(canned::API_KEY)
        .build()
        .map_err(text)
}

/// A Lemon Squeezy client with the API key (no product binding).
pub fn lemonsqueezy(base: &str) -> Result<keyward_lemonsqueezy::Client, String> {
    keyward_lemonsqueezy::Client::builder()
        .base_url(base)
        .api_key(canned::API_KEY)
        .build()
        .map_err(text)
}

/// A DevPayr client with the API key.
pub fn devpayr(base: &str) -> Result<keyward_devpayr::Client, String> {
    keyward_devpayr::Client::builder()
        .base_url(base)
        .api_key(canned::API_KEY)
        .build()
        .map_err(text)
}

/// A GetKeyManager client pinned to the TEST-ONLY product key, its clock 30 s after the
/// canned answer was signed.
pub fn signed_license(base: &str) -> Result<keyward_signed_license::Client, String> {
    let key = PublicKey::from_pem("product", &canned::gkm_public_key_pem()?).map_err(text)?;
    let now = DateTime::from_timestamp(canned::SIGNED_AT + 30, 0).ok_or("bad timestamp")?;
    keyward_signed_license::Client::builder()
        .base_url(base)
        .api_key(canned::API_KEY)
        .keys(KeySet::new(key))
        .clock(Arc::new(FixedClock::new(now)))
        .build()
        .map_err(text)
}

/// A Polar client of the canned organization (no token: the public validate).
pub fn polar(base: &str) -> Result<keyward_polar::Client, String> {
    keyward_polar::Client::builder()
        .organization_id(canned::POLAR_ORG)
        .base_url(base)
        .build()
        .map_err(text)
}

/// A Creem client with the API key, served under its prefix.
pub fn creem(base: &str) -> Result<keyward_creem::Client, String> {
    keyward_creem::Client::builder()
        .base_url(format!("{base}/{}/", canned::CREEM_PREFIX))
        .api_key(canned::API_KEY)
        .build()
        .map_err(text)
}

/// A Gumroad client of the canned product (no token: verify is public).
pub fn gumroad(base: &str) -> Result<keyward_gumroad::Client, String> {
    keyward_gumroad::Client::builder()
        .product_id(canned::GUMROAD_PRODUCT)
        .base_url(base)
        .build()
        .map_err(text)
}

/// The provider crates' clients and the facade over each.
pub struct Ours {
    /// Dodo.
    pub dodo: keyward_dodo::Client,
    /// Lemon Squeezy.
    pub lemonsqueezy: keyward_lemonsqueezy::Client,
    /// DevPayr.
    pub devpayr: keyward_devpayr::Client,
    /// GetKeyManager.
    pub signed_license: keyward_signed_license::Client,
    /// Dodo behind the facade.
    pub dodo_facade: Box<dyn LicenseAdmin>,
    /// Lemon Squeezy behind the facade.
    pub lemonsqueezy_facade: Box<dyn LicenseAdmin>,
    /// DevPayr behind the facade.
    pub devpayr_facade: Box<dyn LicenseAdmin>,
    /// GetKeyManager behind the facade.
    pub signed_license_facade: Box<dyn LicenseAdmin>,
    /// The Dodo key.
    pub dodo_key: SecretLicenseKey,
    /// The Lemon Squeezy key.
    pub ls_key: SecretLicenseKey,
    /// The DevPayr and GetKeyManager key.
    pub key: SecretLicenseKey,
    /// The Polar client (organization, no token: the public validate).
    pub polar: keyward_polar::Client,
    /// The Creem client (secret key), served under its prefix.
    pub creem: keyward_creem::Client,
    /// Polar behind the facade.
    pub polar_facade: Box<dyn LicenseProvider>,
    /// Creem behind the facade.
    pub creem_facade: Box<dyn LicenseProvider>,
    /// The Polar key.
    pub polar_key: SecretLicenseKey,
    /// The Creem key.
    pub creem_key: SecretLicenseKey,
    /// The Gumroad client (product, no token: the public verify).
    pub gumroad: keyward_gumroad::Client,
    /// Gumroad behind the facade.
    pub gumroad_facade: Box<dyn LicenseProvider>,
    /// The Gumroad key.
    pub gumroad_key: SecretLicenseKey,
}

impl Ours {
    /// Every client, against `base`.
    pub fn new(base: &str) -> Result<Self, String> {
        let dodo = dodo(base)?;
        let lemonsqueezy = lemonsqueezy(base)?;
        let devpayr = devpayr(base)?;
        let signed_license = signed_license(base)?;
        let polar = polar(base)?;
        let creem = creem(base)?;
        let gumroad = gumroad(base)?;
        Ok(Self {
            gumroad_facade: Box::new(GumroadProvider::new(gumroad.clone())),
            gumroad,
            gumroad_key: SecretLicenseKey::new(canned::GUMROAD_KEY),
            polar_facade: Box::new(PolarProvider::new(polar.clone())),
            creem_facade: Box::new(CreemProvider::new(creem.clone())),
            polar,
            creem,
            polar_key: SecretLicenseKey::new(canned::POLAR_KEY),
            creem_key: SecretLicenseKey::new(canned::CREEM_KEY),
            dodo_facade: admin(DodoProvider::new(dodo.clone()).admin())?,
            lemonsqueezy_facade: admin(LemonSqueezyProvider::new(lemonsqueezy.clone()).admin())?,
            devpayr_facade: admin(devpayr_facade(devpayr.clone()).admin())?,
            signed_license_facade: admin(
                SignedLicenseProvider::new(signed_license.clone()).admin(),
            )?,
            dodo,
            lemonsqueezy,
            devpayr,
            signed_license,
            dodo_key: SecretLicenseKey::new(canned::DODO_KEY),
            ls_key: SecretLicenseKey::new(canned::LS_KEY),
            key: SecretLicenseKey::new(canned::KEY),
        })
    }
}

/// DevPayr behind the facade, checking the bench domain.
pub fn devpayr_facade(client: keyward_devpayr::Client) -> DevPayrProvider {
    DevPayrProvider::new(client, 1).domain(canned::IDENTIFIER)
}

/// A provider's admin role, boxed (the bench's clients all hold an API key).
fn admin<A: LicenseAdmin + 'static>(
    admin: Result<A, keyward_core::LicenseError>,
) -> Result<Box<dyn LicenseAdmin>, String> {
    Ok(Box::new(admin.map_err(|e| e.to_string())?))
}
