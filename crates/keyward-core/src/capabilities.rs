//! What a provider can do.

/// Which operations a provider supports and how its answers can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Capabilities {
    /// `validate` works.
    pub validate: bool,
    /// `activate` works.
    pub activate: bool,
    /// `deactivate` works.
    pub deactivate: bool,
    /// `get` works.
    pub get: bool,
    /// `list` works.
    pub list: bool,
    /// `create` works.
    pub create: bool,
    /// `update` works.
    pub update: bool,
    /// `instances` works.
    pub instances: bool,
    /// Answers are cryptographically signed and verified.
    pub signed: bool,
    /// A verified answer can be checked again later without the network.
    pub offline: bool,
    /// Every call needs the seller's secret credential (Creem): use the provider from your
    /// server only; a shipped app reaches it through that server.
    pub server_only: bool,
}

impl Capabilities {
    /// No operation supported; switch on what the provider has.
    pub fn none() -> Self {
        Self::default()
    }

    /// Every operation of the trait supported, answers unsigned; switch off what the provider
    /// lacks.
    pub fn all_operations() -> Self {
        Self {
            validate: true,
            activate: true,
            deactivate: true,
            get: true,
            list: true,
            create: true,
            update: true,
            instances: true,
            signed: false,
            offline: false,
            server_only: false,
        }
    }

    /// These capabilities in the app-side role: the admin operations (`get`, `list`, `create`,
    /// `update`, `instances`) switched off, since only [`LicenseAdmin`](crate::LicenseAdmin) has
    /// them.
    #[must_use]
    pub fn without_admin(self) -> Self {
        Self {
            get: false,
            list: false,
            create: false,
            update: false,
            instances: false,
            ..self
        }
    }
}
