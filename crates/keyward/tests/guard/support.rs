//! One rig per provider for the guard tests: the emulator with a license, a provider pointed at
//! it, a provider pointed at a closed loopback port (offline), and providers pointed at a
//! wiremock server answering one status to everything.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use keyward::guard::{Fingerprint, Guard, Policy};
use keyward::{DevPayrProvider, DodoProvider, LemonSqueezyProvider, SignedLicenseProvider};
use keyward_core::{ApiKey, FixedClock, LicenseAdmin, LicenseProvider, UpdateRequest};
use keyward_devpayr::models::NewLicense;
use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::signed_license::{LicenseSeed as GkmSeed, SignedLicenseEmulator};
use keyward_signed_license::{KeySet, PublicKey};
pub use tempfile::TempDir;
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const SECRET: &str = "CANARY-APP-SECRET-5f1e2d3c4b5a";
pub const MACHINE: &str = "CANARY-MACHINE-ID-9a8b7c6d5e4f";
pub const KEY: &str = "CANARY-LICENSE-KEY-1234-5678-WXYZ";
pub const SALT: &str = "com.example.guard-tests";

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    Dodo,
    LemonSqueezy,
    DevPayr,
    SignedLicense,
}

pub const ALL: [Kind; 4] = [
    Kind::Dodo,
    Kind::LemonSqueezy,
    Kind::DevPayr,
    Kind::SignedLicense,
];

enum Emulator {
    Dodo(DodoEmulator),
    LemonSqueezy(LemonSqueezyEmulator),
    DevPayr(DevPayrEmulator),
    SignedLicense(SignedLicenseEmulator),
}

/// A provider's emulator with one license (limit 2), the means to reach it or not, and the
/// guards' clock (starting now) and state directory.
pub struct Rig {
    pub kind: Kind,
    pub key: String,
    pub license_id: String,
    pub validate_name: Option<String>,
    pub online: Arc<dyn LicenseProvider>,
    /// The same provider with its admin credential, to change the license.
    pub admin: Arc<dyn LicenseAdmin>,
    pub t0: DateTime<Utc>,
    pub clock: Arc<FixedClock>,
    pub dir: TempDir,
    emulator: Emulator,
}

fn no_retry() -> keyward_http::HttpOptions {
    keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none())
}

impl Rig {
    pub async fn start(kind: Kind) -> Self {
        match kind {
            Kind::Dodo => {
                let emu = DodoEmulator::start().await;
                let id = emu.add_license(DodoSeed::new(KEY).activation_limit(2));
                let online = provider(kind, &emu.uri(), &emu.api_key(), None);
                Self::new(kind, KEY.into(), id, None, online, Emulator::Dodo(emu))
            }
            Kind::LemonSqueezy => {
                let emu = LemonSqueezyEmulator::start().await;
                let id = emu.add_license(LemonSeed::new(KEY).activation_limit(2));
                let online = provider(kind, &emu.uri(), &emu.api_key(), None);
                Self::new(
                    kind,
                    KEY.into(),
                    id.to_string(),
                    None,
                    online,
                    Emulator::LemonSqueezy(emu),
                )
            }
            Kind::DevPayr => {
                let emu = DevPayrEmulator::start_seeded().await;
                let client = keyward_devpayr::Client::builder()
                    .base_url(emu.uri())
                    .api_key(GLOBAL_KEY)
                    .build()
                    .unwrap();
                let license = client
                    .licenses(SEED_PROJECT)
                    .create(&NewLicense::new("Guard license"))
                    .await
                    .unwrap();
                let online = provider(kind, &emu.uri(), GLOBAL_KEY, None);
                let key = license.uuid.expose().to_owned();
                let name = Some("app.example.com".to_owned());
                Self::new(
                    kind,
                    key,
                    license.id.to_string(),
                    name,
                    online,
                    Emulator::DevPayr(emu),
                )
            }
            Kind::SignedLicense => {
                let emu = SignedLicenseEmulator::start().await;
                let id = emu.add_license(GkmSeed::new(KEY).activation_limit(2));
                let online = provider(kind, &emu.uri(), &emu.api_key(), Some(emu.public_key_pem()));
                Self::new(
                    kind,
                    KEY.into(),
                    id.to_string(),
                    None,
                    online,
                    Emulator::SignedLicense(emu),
                )
            }
        }
    }

    fn new(
        kind: Kind,
        key: String,
        license_id: String,
        validate_name: Option<String>,
        admin: Arc<dyn LicenseAdmin>,
        emulator: Emulator,
    ) -> Self {
        let t0 = Utc::now();
        Self {
            kind,
            key,
            license_id,
            validate_name,
            online: admin.clone(),
            admin,
            t0,
            clock: Arc::new(FixedClock::new(t0)),
            dir: TempDir::new().unwrap(),
            emulator,
        }
    }

    /// The same provider, pointed at a closed port.
    pub fn offline(&self) -> Arc<dyn LicenseProvider> {
        self.at(&keyward_test_support::refused_url().unwrap())
    }

    /// The same provider, pointed at `base_url`.
    pub fn at(&self, base_url: &str) -> Arc<dyn LicenseProvider> {
        let (api_key, pem) = match &self.emulator {
            Emulator::Dodo(e) => (e.api_key(), None),
            Emulator::LemonSqueezy(e) => (e.api_key(), None),
            Emulator::DevPayr(_) => (GLOBAL_KEY.to_owned(), None),
            Emulator::SignedLicense(e) => (e.api_key(), Some(e.public_key_pem())),
        };
        provider(self.kind, base_url, &api_key, pem)
    }

    /// Ends the license at the provider (disable / revoke; GetKeyManager's emulator has no
    /// update route, so its key is unassigned there).
    pub async fn end_license(&self) {
        if let Emulator::SignedLicense(e) = &self.emulator {
            assert!(e.unassign(&self.key));
            return;
        }
        let mut update = UpdateRequest::new(self.license_id.clone());
        update.disabled = Some(true);
        self.admin.update(update).await.unwrap();
    }

    /// How many requests the emulator has received.
    pub async fn requests(&self) -> usize {
        match &self.emulator {
            Emulator::Dodo(e) => e.received_requests().await.len(),
            Emulator::LemonSqueezy(e) => e.received_requests().await.len(),
            Emulator::DevPayr(e) => e.received_requests().await.len(),
            Emulator::SignedLicense(e) => e.received_requests().await.len(),
        }
    }

    /// A guard over `provider` for this rig's key, on machine `machine`, in `dir`.
    pub fn guard_in(
        &self,
        provider: Arc<dyn LicenseProvider>,
        dir: &Path,
        machine: &str,
        policy: Policy,
    ) -> Guard {
        let mut builder = Guard::builder(provider, self.key.as_str())
            .app_secret(SECRET)
            .unwrap()
            .fingerprint(Fingerprint::from_id(machine, SALT).unwrap())
            .state_dir(dir)
            .policy(policy)
            .clock(self.clock.clone());
        if let Some(name) = &self.validate_name {
            builder = builder.validate_name(name.clone());
        }
        builder.build().unwrap()
    }

    /// A guard on `machine` in the rig's directory.
    pub fn guard_on(
        &self,
        provider: Arc<dyn LicenseProvider>,
        machine: &str,
        policy: Policy,
    ) -> Guard {
        self.guard_in(provider, self.dir.path(), machine, policy)
    }

    /// A guard on the test machine in the rig's directory, default policy.
    pub fn guard(&self, provider: Arc<dyn LicenseProvider>) -> Guard {
        self.guard_on(provider, MACHINE, Policy::default())
    }

    /// The guard that reaches the emulator and the one that reaches nothing, sharing state.
    pub fn guards(&self) -> (Guard, Guard) {
        (self.guard(self.online.clone()), self.guard(self.offline()))
    }
}

pub fn provider(
    kind: Kind,
    base_url: &str,
    api_key: &str,
    pem: Option<&str>,
) -> Arc<dyn LicenseAdmin> {
    match kind {
        Kind::Dodo => Arc::new(
            DodoProvider::new(
                keyward_dodo::Client::builder()
                    .base_url(base_url)
                    .api_key(ApiKey::new(api_key).unwrap())
                    .http_options(no_retry())
                    .build()
                    .unwrap(),
            )
            .admin()
            .unwrap(),
        ),
        Kind::LemonSqueezy => Arc::new(
            LemonSqueezyProvider::new(
                keyward_lemonsqueezy::Client::builder()
                    .base_url(base_url)
                    .api_key(api_key)
                    .http_options(no_retry())
                    .build()
                    .unwrap(),
            )
            .admin()
            .unwrap(),
        ),
        Kind::DevPayr => Arc::new(
            DevPayrProvider::new(
                keyward_devpayr::Client::builder()
                    .base_url(base_url)
                    .api_key(api_key)
                    .http_options(no_retry())
                    .build()
                    .unwrap(),
                SEED_PROJECT,
            )
            .admin()
            .unwrap(),
        ),
        Kind::SignedLicense => {
            let pem = pem.unwrap_or_default();
            Arc::new(
                SignedLicenseProvider::new(
                    keyward_signed_license::Client::builder()
                        .base_url(base_url)
                        .api_key(ApiKey::new(api_key).unwrap())
                        .keys(KeySet::new(PublicKey::from_pem("emulator", pem).unwrap()))
                        .product_id(1)
                        .http_options(no_retry())
                        .build()
                        .unwrap(),
                )
                .admin()
                .unwrap(),
            )
        }
    }
}

/// A server answering `status` to every request.
pub async fn answering(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(status)
                .insert_header("retry-after", "1")
                .set_body_raw(r#"{"message":"scripted"}"#, "application/json"),
        )
        .mount(&server)
        .await;
    server
}

/// Whether `left` is `expected`, or less by under a second: a signed lease ends a grace period
/// after its signed time, which is in whole seconds.
pub fn about(left: Option<chrono::TimeDelta>, expected: chrono::TimeDelta) -> bool {
    left.is_some_and(|l| l <= expected && l > expected - chrono::TimeDelta::seconds(1))
}

pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}
