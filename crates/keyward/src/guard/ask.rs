//! Asking the provider: activate once per machine (reusing the stored activation), then validate;
//! the answer's time is read from the provider's `Date`.

use keyward_core::{
    ActivateRequest, ActivationOutcome, InvalidReason, LicenseError, LicenseProvider,
    SecretLicenseKey, ValidateRequest, ValidationOutcome,
};

use super::decide::Fresh;
use super::state::{LicenseFacts, StoredState};

/// What the guard asks with.
pub(crate) struct Question<'a> {
    pub(crate) provider: &'a dyn LicenseProvider,
    pub(crate) key: &'a SecretLicenseKey,
    pub(crate) instance_name: &'a str,
    pub(crate) validate_name: Option<&'a str>,
}

impl Question<'_> {
    /// Activates when the provider has activations and this machine holds none yet, then
    /// validates for the activation. A stored activation the provider no longer knows is
    /// replaced once.
    pub(crate) async fn ask(&self, stored: Option<&StoredState>) -> Fresh {
        let (mut fresh, date) = keyward_http::observe_answer_date(self.ask_again(stored)).await;
        if let Fresh::Valid { answered_at, .. } = &mut fresh {
            *answered_at = date;
        }
        fresh
    }

    async fn ask_again(&self, stored: Option<&StoredState>) -> Fresh {
        let stored_instance = stored.and_then(|s| s.instance_id.clone());
        let fresh = self.ask_with(stored_instance.clone()).await;
        match fresh {
            Fresh::Invalid(InvalidReason::InstanceMismatch)
                if stored_instance.is_some() && self.provider.capabilities().activate =>
            {
                self.ask_with(None).await
            }
            other => other,
        }
    }

    async fn ask_with(&self, mut instance_id: Option<String>) -> Fresh {
        let mut from_activation = None;
        if instance_id.is_none() && self.provider.capabilities().activate {
            let request = ActivateRequest::new(self.key.clone(), self.instance_name);
            match self.provider.activate(request).await {
                Ok(ActivationOutcome::Activated { instance, license }) => {
                    instance_id = Some(instance.id);
                    from_activation = license.as_deref().map(LicenseFacts::from_license);
                }
                Ok(ActivationOutcome::Refused { reason, .. }) => return Fresh::Invalid(reason),
                Ok(_) => return not_understood("activation"),
                Err(error) => return Fresh::Failed(error),
            }
        }
        let mut request = ValidateRequest::new(self.key.clone());
        if let Some(id) = &instance_id {
            request = request.instance_id(id.clone());
        }
        if let Some(name) = self.validate_name {
            request = request.instance_name(name);
        }
        match self.provider.validate(request).await {
            Ok(ValidationOutcome::Valid {
                license,
                instance,
                lease,
            }) => Fresh::Valid {
                license: license
                    .as_deref()
                    .map(LicenseFacts::from_license)
                    .or(from_activation),
                instance_id: instance_id.or(instance.map(|i| i.id)),
                answered_at: None,
                lease,
            },
            Ok(ValidationOutcome::Invalid { reason, .. }) => Fresh::Invalid(reason),
            Ok(_) => not_understood("validation"),
            Err(error) => Fresh::Failed(error),
        }
    }
}

/// An outcome this version does not know (the enums are `#[non_exhaustive]`): no answer, so the
/// state is kept.
fn not_understood(what: &str) -> Fresh {
    Fresh::Failed(LicenseError::decode(format!(
        "the provider's {what} answer was not understood"
    )))
}
