//! Building a [`Guard`]: every setting checked once.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use keyward_core::{Clock, LicenseError, LicenseProvider, SecretLicenseKey, SystemClock};

use super::seal::{AppSecret, Sealer};
use super::store::StateFile;
use super::{Fingerprint, Guard, Inner, Policy};

/// Builds a [`Guard`]; the app secret, fingerprint and state directory are required.
pub struct GuardBuilder {
    provider: Arc<dyn LicenseProvider>,
    key: SecretLicenseKey,
    secret: Option<AppSecret>,
    fingerprint: Option<Fingerprint>,
    state_dir: Option<PathBuf>,
    policy: Policy,
    clock: Arc<dyn Clock>,
    validate_name: Option<String>,
}

impl GuardBuilder {
    pub(super) fn new(provider: Arc<dyn LicenseProvider>, key: SecretLicenseKey) -> Self {
        Self {
            provider,
            key,
            secret: None,
            fingerprint: None,
            state_dir: None,
            policy: Policy::default(),
            clock: Arc::new(SystemClock),
            validate_name: None,
        }
    }

    /// The app's secret for sealing the state file (at least 16 bytes).
    pub fn app_secret(mut self, secret: impl AsRef<[u8]>) -> Result<Self, LicenseError> {
        self.secret = Some(AppSecret::new(secret)?);
        Ok(self)
    }

    /// This machine's fingerprint ([`Fingerprint::this_machine`], or an override).
    #[must_use]
    pub fn fingerprint(mut self, fingerprint: Fingerprint) -> Self {
        self.fingerprint = Some(fingerprint);
        self
    }

    /// The directory the state file lives in (created when first written).
    #[must_use]
    pub fn state_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.state_dir = Some(dir.into());
        self
    }

    /// The policy (default [`Policy::default`]).
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// The clock (default the system clock).
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// A name to validate for, for providers that bind a license to a name the app chooses
    /// rather than to an activation (DevPayr's domain).
    #[must_use]
    pub fn validate_name(mut self, name: impl Into<String>) -> Self {
        self.validate_name = Some(name.into());
        self
    }

    /// The guard; a missing or empty setting, or a policy [`Policy::validate`] refuses, is a
    /// configuration error (its source is the [`PolicyError`](super::PolicyError)).
    pub fn build(self) -> Result<Guard, LicenseError> {
        let secret = self
            .secret
            .ok_or_else(|| LicenseError::config("the guard needs an app secret"))?;
        let fingerprint = self
            .fingerprint
            .ok_or_else(|| LicenseError::config("the guard needs a machine fingerprint"))?;
        let dir = self
            .state_dir
            .filter(|d| !d.as_os_str().is_empty())
            .ok_or_else(|| LicenseError::config("the guard needs a state directory"))?;
        if self.key.is_empty() {
            return Err(LicenseError::invalid_input("the license key is empty"));
        }
        self.policy
            .validate()
            .map_err(|e| LicenseError::config(e.to_string()).with_source(e))?;
        let provider_name = self.provider.provider().as_str();
        let sealer = Sealer::new(&secret, &fingerprint, provider_name, &self.key);
        Ok(Guard {
            inner: Arc::new(Inner {
                provider: self.provider,
                key: self.key,
                fingerprint,
                file: StateFile::new(&dir, sealer),
                policy: self.policy,
                clock: self.clock,
                validate_name: self.validate_name,
                checking: tokio::sync::Mutex::new(()),
                deciding: Mutex::new(()),
            }),
        })
    }
}

impl fmt::Debug for GuardBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardBuilder")
            .field("secret", &self.secret)
            .field("fingerprint", &self.fingerprint)
            .field("state_dir", &self.state_dir)
            .finish_non_exhaustive()
    }
}
