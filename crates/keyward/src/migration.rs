//! The migration window: while keys move from one provider to another, an app keeps accepting
//! every customer's key. Each call goes to the new provider first; only for a key the new
//! provider does not know is the old one asked. An activation is spent only where the key lives.

use std::sync::Arc;

use async_trait::async_trait;
use keyward_core::{
    ActivateRequest, ActivationOutcome, Capabilities, CreateRequest, DeactivateRequest, Instance,
    InstancesRequest, InvalidReason, LicenseAdmin, LicenseError, LicenseKey, LicenseProvider,
    ListRequest, Page, Provider, UpdateRequest, ValidateRequest, ValidationOutcome,
};

/// A [`LicenseProvider`] over two providers while keys move from `old` to `new`; over two
/// [`LicenseAdmin`]s (`MigrationWindow<dyn LicenseAdmin>`) it is a `LicenseAdmin` too.
///
/// - `validate`, `activate`, `deactivate`, `get`, `instances`: the new provider first; the old
///   one only when the new one does not know the key or id (see [`unknown_to`]).
/// - `list`, `create`, `update`: the new provider only (new keys belong there).
///
/// A refusal by the new provider of a key it knows (disabled, expired, limit reached) stands: the
/// old provider is not asked, so a slot is never spent at the old provider for a key that lives
/// at the new one, and never twice.
///
/// ```
/// # use keyward::{Capabilities, LicenseProvider, Provider};
/// # #[derive(Debug)] struct P(Provider);
/// # #[async_trait::async_trait] impl LicenseProvider for P {
/// #   fn provider(&self) -> Provider { self.0.clone() }
/// #   fn capabilities(&self) -> Capabilities { Capabilities::all_operations() }
/// # }
/// use std::sync::Arc;
/// use keyward::migration::MigrationWindow;
///
/// let window = MigrationWindow::new(Arc::new(P(Provider::Dodo)), Arc::new(P(Provider::LemonSqueezy)));
/// assert_eq!(window.provider(), Provider::Dodo);
/// ```
#[derive(Debug)]
pub struct MigrationWindow<P: ?Sized = dyn LicenseProvider> {
    new: Arc<P>,
    old: Arc<P>,
}

impl MigrationWindow {
    /// A window that sends calls to `new` and falls back to `old` for keys `new` does not know.
    pub fn new(new: Arc<dyn LicenseProvider>, old: Arc<dyn LicenseProvider>) -> Self {
        Self { new, old }
    }
}

impl MigrationWindow<dyn LicenseAdmin> {
    /// A window over two admin providers: [`new`](MigrationWindow::new)'s rules, and the admin
    /// operations too.
    pub fn new_admin(new: Arc<dyn LicenseAdmin>, old: Arc<dyn LicenseAdmin>) -> Self {
        Self { new, old }
    }
}

impl<P: LicenseProvider + ?Sized> MigrationWindow<P> {
    /// The provider keys move to.
    pub fn new_provider(&self) -> &Arc<P> {
        &self.new
    }

    /// The provider keys move from.
    pub fn old_provider(&self) -> &Arc<P> {
        &self.old
    }
}

/// Whether a validation answer says the provider does not know the key: `NotFound`, or an
/// invalid answer with no reason the provider vouches for and no license described (Dodo answers
/// only `{"valid": false}` for an unknown, disabled or expired key alike).
///
/// The second case is a trade-off: with such a provider, a key disabled at the new provider that
/// is still valid at the old one is accepted during the window. Disable a key at both providers
/// while the window is open.
pub fn unknown_to(outcome: &ValidationOutcome) -> bool {
    match outcome.reason() {
        None => false,
        Some(InvalidReason::NotFound) => true,
        Some(InvalidReason::Other(_)) => outcome.license().is_none(),
        Some(_) => false,
    }
}

/// Whether an activation refusal says the provider does not know the key. Only an explicit
/// `NotFound`: a refusal for another reason may come from a provider that knows the key.
fn activation_unknown(outcome: &ActivationOutcome) -> bool {
    matches!(outcome.reason(), Some(InvalidReason::NotFound))
}

#[async_trait]
impl<P: LicenseProvider + ?Sized> LicenseProvider for MigrationWindow<P> {
    fn provider(&self) -> Provider {
        self.new.provider()
    }

    /// The new provider's capabilities, except the key operations: those work when either does.
    fn capabilities(&self) -> Capabilities {
        let (new, old) = (self.new.capabilities(), self.old.capabilities());
        let mut c = new;
        c.validate = new.validate || old.validate;
        c.activate = new.activate || old.activate;
        c.deactivate = new.deactivate || old.deactivate;
        c.signed = new.signed && old.signed;
        c.offline = new.offline && old.offline;
        c
    }

    async fn validate(&self, request: ValidateRequest) -> Result<ValidationOutcome, LicenseError> {
        match self.new.validate(request.clone()).await {
            Ok(outcome) if !unknown_to(&outcome) => Ok(outcome),
            Ok(outcome) => match self.old.validate(request).await {
                Ok(old) if old.is_valid() => Ok(old),
                Ok(old) if matches!(outcome.reason(), Some(InvalidReason::NotFound)) => Ok(old),
                Ok(_) => Ok(outcome),
                Err(e) if e.is_unsupported() => Ok(outcome),
                Err(e) => Err(e),
            },
            Err(e) if e.is_not_found() || e.is_unsupported() => self.old.validate(request).await,
            Err(e) => Err(e),
        }
    }

    async fn activate(&self, request: ActivateRequest) -> Result<ActivationOutcome, LicenseError> {
        match self.new.activate(request.clone()).await {
            Ok(outcome) if !activation_unknown(&outcome) => Ok(outcome),
            Ok(_) => self.old.activate(request).await,
            Err(e) if e.is_not_found() || e.is_unsupported() => self.old.activate(request).await,
            Err(e) => Err(e),
        }
    }

    async fn deactivate(&self, request: DeactivateRequest) -> Result<(), LicenseError> {
        match self.new.deactivate(request.clone()).await {
            Err(e) if e.is_not_found() || e.is_unsupported() => self.old.deactivate(request).await,
            done => done,
        }
    }
}

#[async_trait]
impl<P: LicenseAdmin + ?Sized> LicenseAdmin for MigrationWindow<P> {
    async fn get(&self, id: &str) -> Result<LicenseKey, LicenseError> {
        match self.new.get(id).await {
            Err(e) if e.is_not_found() || e.is_invalid_input() => self.old.get(id).await,
            done => done,
        }
    }

    async fn list(&self, request: ListRequest) -> Result<Page<LicenseKey>, LicenseError> {
        self.new.list(request).await
    }

    async fn create(&self, request: CreateRequest) -> Result<LicenseKey, LicenseError> {
        self.new.create(request).await
    }

    async fn update(&self, request: UpdateRequest) -> Result<LicenseKey, LicenseError> {
        self.new.update(request).await
    }

    async fn instances(&self, request: InstancesRequest) -> Result<Page<Instance>, LicenseError> {
        match self.new.instances(request.clone()).await {
            Err(e) if e.is_not_found() || e.is_invalid_input() || e.is_unsupported() => {
                self.old.instances(request).await
            }
            done => done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::LicenseStatus;

    #[test]
    fn which_answers_mean_the_key_is_unknown() {
        let license = LicenseKey::new(Provider::Dodo, "lic_1", LicenseStatus::Disabled);
        let table = [
            (ValidationOutcome::valid(None, None), false),
            (
                ValidationOutcome::invalid(InvalidReason::NotFound, None),
                true,
            ),
            (
                ValidationOutcome::invalid(InvalidReason::Other("x".into()), None),
                true,
            ),
            (
                ValidationOutcome::invalid(InvalidReason::Other("x".into()), Some(license)),
                false,
            ),
            (
                ValidationOutcome::invalid(InvalidReason::Disabled, None),
                false,
            ),
            (
                ValidationOutcome::invalid(InvalidReason::LimitReached, None),
                false,
            ),
        ];
        for (outcome, unknown) in table {
            assert_eq!(unknown_to(&outcome), unknown, "{outcome:?}");
        }
    }
}
