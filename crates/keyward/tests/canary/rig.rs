//! The emulators holding the canary license key and answering only the canary API keys,
//! and each provider's client and facade adapter, built with the canary secrets.

use std::sync::Arc;

use keyward::{
    CreemProvider, DevPayrProvider, DodoProvider, GumroadProvider, KeygenProvider,
    LemonSqueezyProvider, PolarProvider, SignedLicenseProvider,
};
use keyward_core::{ApiKey, LicenseAdmin, LicenseError};
use keyward_emulator::creem::{CreemEmulator, LicenseSeed as CreemSeed};
use keyward_emulator::devpayr::{DevPayrEmulator, LicenseSeed as DevPayrSeed, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::gumroad::{DEFAULT_PRODUCT_ID, GumroadEmulator, LicenseSeed as GumroadSeed};
use keyward_emulator::keygen::{ACCOUNT_ID, KeygenEmulator, LicenseSeed as KeygenSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::polar::{LicenseSeed as PolarSeed, PolarEmulator};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use keyward_http::HttpOptions;
use keyward_signed_license::{KeySet, PublicKey};

use crate::check::{
    CREEM_API_KEY, DEVPAYR_API_KEY, DODO_API_KEY, GKM_API_KEY, GUMROAD_TOKEN, KEYGEN_TOKEN,
    LEMON_API_KEY, LICENSE_KEY, POLAR_API_KEY, Shown,
};

/// The provider names, in table order.
pub(crate) const NAMES: [&str; 8] = [
    "dodo",
    "lemonsqueezy",
    "devpayr",
    "getkeymanager",
    "polar",
    "creem",
    "keygen",
    "gumroad",
];

/// The emulators, one per provider in [`NAMES`].
pub(crate) struct Emulators {
    pub(crate) dodo: DodoEmulator,
    pub(crate) lemon: LemonSqueezyEmulator,
    pub(crate) devpayr: DevPayrEmulator,
    pub(crate) gkm: SignedLicenseEmulator,
    pub(crate) polar: PolarEmulator,
    pub(crate) creem: CreemEmulator,
    pub(crate) keygen: KeygenEmulator,
    pub(crate) gumroad: GumroadEmulator,
    /// Each provider's id of the canary license, in [`NAMES`] order (Gumroad's is the key: it
    /// addresses a license by nothing else).
    pub(crate) ids: [String; 8],
}

impl Emulators {
    pub(crate) async fn start() -> Self {
        let dodo = DodoEmulator::start_with_api_key(DODO_API_KEY).await;
        let dodo_id = dodo.add_license(DodoSeed::new(LICENSE_KEY).activation_limit(3));
        let lemon = LemonSqueezyEmulator::start().await;
        lemon.set_api_key(LEMON_API_KEY);
        let lemon_id = lemon.add_license(LemonSeed::new(LICENSE_KEY).activation_limit(3));
        let devpayr = DevPayrEmulator::start_seeded().await;
        devpayr.add_global_key(DEVPAYR_API_KEY, 1);
        let devpayr_id = devpayr
            .add_license(DevPayrSeed::new(LICENSE_KEY).project(SEED_PROJECT))
            .unwrap_or_else(|e| panic!("seed: {e}"));
        let gkm = SignedLicenseEmulator::start().await;
        gkm.set_api_key(GKM_API_KEY);
        let gkm_id = gkm.add_license(GkmSeed::new(LICENSE_KEY).activation_limit(3));
        let polar = PolarEmulator::start().await;
        polar.set_api_key(POLAR_API_KEY);
        let polar_id = polar.add_license(PolarSeed::new(LICENSE_KEY).limit_activations(3));
        let creem = CreemEmulator::start().await;
        creem.set_api_key(CREEM_API_KEY);
        let creem_id = creem.add_license(CreemSeed::new(LICENSE_KEY).activation_limit(3));
        let keygen = KeygenEmulator::start().await;
        keygen.set_api_key(KEYGEN_TOKEN);
        // The policy the facade's `create` names (Keygen creates licenses only under a policy
        // the account holds).
        keygen.add_policy("pdt_canary", KeygenSeed::new("policy").floating(true));
        let keygen_id =
            keygen.add_license(KeygenSeed::new(LICENSE_KEY).floating(true).max_machines(3));
        let gumroad = GumroadEmulator::start().await;
        gumroad.set_api_key(GUMROAD_TOKEN);
        gumroad.add_license(GumroadSeed::new(LICENSE_KEY));
        Self {
            ids: [
                dodo_id,
                lemon_id.to_string(),
                devpayr_id.to_string(),
                gkm_id.to_string(),
                polar_id,
                creem_id,
                keygen_id,
                LICENSE_KEY.to_owned(),
            ],
            keygen,
            gumroad,
            dodo,
            lemon,
            devpayr,
            gkm,
            polar,
            creem,
        }
    }

    /// Each emulator's base URL, in [`NAMES`] order.
    pub(crate) fn urls(&self) -> [String; 8] {
        [
            self.dodo.uri(),
            self.lemon.uri(),
            self.devpayr.uri(),
            self.gkm.uri(),
            self.polar.uri(),
            self.creem.uri(),
            self.keygen.uri(),
            self.gumroad.uri(),
        ]
    }

    /// `Debug` of each emulator handle, which shows its address.
    pub(crate) fn show(&self, shown: &Shown) {
        for debug in [
            format!("{:?}", self.dodo),
            format!("{:?}", self.lemon),
            format!("{:?}", self.devpayr),
            format!("{:?}", self.gkm),
            format!("{:?}", self.polar),
            format!("{:?}", self.creem),
            format!("{:?}", self.keygen),
            format!("{:?}", self.gumroad),
        ] {
            assert!(debug.contains("127.0.0.1"), "{debug}");
        }
        shown.debug("dodo emulator", &self.dodo);
        shown.debug("lemonsqueezy emulator", &self.lemon);
        shown.debug("devpayr emulator", &self.devpayr);
        shown.debug("getkeymanager emulator", &self.gkm);
        shown.debug("polar emulator", &self.polar);
        shown.debug("creem emulator", &self.creem);
        shown.debug("keygen emulator", &self.keygen);
        shown.debug("gumroad emulator", &self.gumroad);
    }
}

/// GetKeyManager's pinned key: the emulator's.
pub(crate) fn gkm_keys() -> KeySet {
    let pem = include_str!("../../../keyward-emulator/seed/signed-license/emulator-2048.pub.pem");
    KeySet::new(PublicKey::from_pem("emulator", pem).unwrap_or_else(|e| panic!("{e}")))
}

fn dodo_builder(url: &str, options: HttpOptions) -> keyward_dodo::ClientBuilder {
    keyward_dodo::Client::builder()
        .base_url(url)
        .api_key(DODO_API_KEY)
        .http_options(options)
}

fn lemon_builder(url: &str, options: HttpOptions) -> keyward_lemonsqueezy::ClientBuilder {
    keyward_lemonsqueezy::Client::builder()
        .base_url(url)
        .api_key(LEMON_API_KEY)
        .http_options(options)
}

fn devpayr_builder(url: &str, options: HttpOptions) -> keyward_devpayr::ClientBuilder {
    keyward_devpayr::Client::builder()
        .base_url(url)
        .api_key(DEVPAYR_API_KEY)
        .http_options(options)
}

fn gkm_builder(url: &str, options: HttpOptions) -> keyward_signed_license::ClientBuilder {
    let key = ApiKey::new(GKM_API_KEY).unwrap_or_else(|e| panic!("{e}"));
    keyward_signed_license::Client::builder()
        .base_url(url)
        .api_key(key)
        .keys(gkm_keys())
        .product_id(1)
        .http_options(options)
}

fn polar_builder(url: &str, options: HttpOptions) -> keyward::polar::ClientBuilder {
    keyward::polar::Client::builder()
        .organization_id(keyward_emulator::polar::DEFAULT_ORGANIZATION_ID)
        .base_url(url)
        .api_key(POLAR_API_KEY)
        .http_options(options)
}

fn creem_builder(url: &str, options: HttpOptions) -> keyward::creem::ClientBuilder {
    keyward::creem::Client::builder()
        .base_url(url)
        .api_key(CREEM_API_KEY)
        .http_options(options)
}

fn keygen_builder(url: &str, options: HttpOptions) -> keyward_keygen::ClientBuilder {
    keyward_keygen::Client::builder()
        .base_url(url)
        .account(ACCOUNT_ID)
        .token(KEYGEN_TOKEN)
        .http_options(options)
}

fn gumroad_builder(url: &str, options: HttpOptions) -> keyward::gumroad::ClientBuilder {
    keyward::gumroad::Client::builder()
        .base_url(url)
        .api_key(GUMROAD_TOKEN)
        .product_id(DEFAULT_PRODUCT_ID)
        .http_options(options)
}

pub(crate) fn gumroad(
    url: &str,
    options: HttpOptions,
) -> Result<keyward::gumroad::Client, LicenseError> {
    gumroad_builder(url, options).build()
}

pub(crate) fn dodo(url: &str, options: HttpOptions) -> Result<keyward_dodo::Client, LicenseError> {
    dodo_builder(url, options).build()
}

pub(crate) fn lemon(
    url: &str,
    options: HttpOptions,
) -> Result<keyward_lemonsqueezy::Client, LicenseError> {
    lemon_builder(url, options).build()
}

pub(crate) fn devpayr(
    url: &str,
    options: HttpOptions,
) -> Result<keyward_devpayr::Client, LicenseError> {
    devpayr_builder(url, options).build()
}

pub(crate) fn gkm(
    url: &str,
    options: HttpOptions,
) -> Result<keyward_signed_license::Client, LicenseError> {
    gkm_builder(url, options).build()
}

/// Shows a builder's `Debug`, builds it, shows the client's.
macro_rules! built {
    ($shown:expr, $name:literal, $builder:expr) => {{
        let builder = $builder;
        $shown.debug(concat!($name, " builder"), &builder);
        let client = builder.build().unwrap_or_else(|e| panic!("{e}"));
        $shown.debug(concat!($name, " client"), &client);
        client
    }};
}

/// The facade adapter of provider `index` ([`NAMES`]) at `url`; the `Debug` of its builder and
/// client are shown on the way.
pub(crate) fn provider(
    index: usize,
    url: &str,
    options: HttpOptions,
    shown: &Shown,
) -> Arc<dyn LicenseAdmin> {
    let built: Arc<dyn LicenseAdmin> = match index {
        0 => Arc::new(
            DodoProvider::new(built!(shown, "dodo", dodo_builder(url, options)))
                .admin()
                .unwrap(),
        ),
        1 => Arc::new(
            LemonSqueezyProvider::new(built!(shown, "lemonsqueezy", lemon_builder(url, options)))
                .admin()
                .unwrap(),
        ),
        2 => {
            let client = built!(shown, "devpayr", devpayr_builder(url, options));
            Arc::new(
                DevPayrProvider::new(client, SEED_PROJECT)
                    .domain("app.example.com")
                    .admin()
                    .unwrap(),
            )
        }
        3 => Arc::new(
            SignedLicenseProvider::new(built!(shown, "getkeymanager", gkm_builder(url, options)))
                .admin()
                .unwrap(),
        ),
        4 => Arc::new(
            PolarProvider::new(built!(shown, "polar", polar_builder(url, options)))
                .admin()
                .unwrap(),
        ),
        5 => Arc::new(
            CreemProvider::new(built!(shown, "creem", creem_builder(url, options)))
                .admin()
                .unwrap(),
        ),
        6 => Arc::new(
            KeygenProvider::new(built!(shown, "keygen", keygen_builder(url, options)))
                .admin()
                .unwrap(),
        ),
        _ => Arc::new(
            GumroadProvider::new(built!(shown, "gumroad", gumroad_builder(url, options)))
                .admin()
                .unwrap(),
        ),
    };
    shown.debug(NAMES[index], &built);
    built
}
