//! The has-paid checks: with a license key at runtime, or with the API key for a project.

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::{Idempotency, Request};

use crate::client::{Client, decode, require_data};
use crate::error::Call;
use crate::models::{Denial, Envelope, LicenseCheck, PaymentStatus};

/// The `action` and `include` switches shared by both checks.
#[derive(Debug, Clone, Default)]
struct Switches {
    domain: Option<String>,
    check_project: bool,
    include_injectables: bool,
}

impl Switches {
    fn apply(&self, mut request: Request) -> Result<Request, LicenseError> {
        if self.check_project {
            request = request.query("action", "check_project");
        }
        if self.include_injectables {
            request = request.query("include", "injectables");
        }
        match self.domain.as_deref().map(str::trim) {
            Some("") => Err(LicenseError::invalid_input(format!(
                "{}: the domain is empty",
                request.operation()
            ))),
            Some(domain) => request.header("x-devpayr-domain", domain),
            None => Ok(request),
        }
    }
}

/// The setters of the switches, the same on both checks.
macro_rules! switch_setters {
    () => {
        /// The runtime identifier sent as `X-Devpayr-Domain` (a host name or a stable device
        /// id). Effectively required unless [`check_project`](Self::check_project) is set.
        pub fn domain(mut self, domain: impl Into<String>) -> Self {
            self.switches.domain = Some(domain.into());
            self
        }

        /// `action=check_project`: check the project's paid flag only; the domain is ignored.
        pub fn check_project(mut self, on: bool) -> Self {
            self.switches.check_project = on;
            self
        }

        /// `include=injectables`: deliver the paid-only injectables with a paid answer.
        pub fn include_injectables(mut self, on: bool) -> Self {
            self.switches.include_injectables = on;
            self
        }
    };
}

/// `POST /project/has-paid` with `X-LICENSE-KEY`; from [`Client::has_paid`].
///
/// Paid, unpaid and refused (401/403) are all answers ([`LicenseCheck`]); a 400 because the
/// domain could not be worked out is an error with [`crate::ErrorReason::DomainUndetermined`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to run the check"]
pub struct HasPaidCheck {
    client: Client,
    license_key: SecretLicenseKey,
    switches: Switches,
}

impl HasPaidCheck {
    pub(crate) fn new(client: Client, license_key: SecretLicenseKey) -> Self {
        Self {
            client,
            license_key,
            switches: Switches::default(),
        }
    }

    switch_setters!();

    /// Runs the check.
    pub async fn send(self) -> Result<LicenseCheck, LicenseError> {
        const OPERATION: &str = "has-paid (license)";
        if self.license_key.is_empty() {
            return Err(LicenseError::invalid_input(format!(
                "{OPERATION}: the license key is empty"
            )));
        }
        // Read-only, so safe to retry (each attempt counts toward the daily usage cap).
        let request = Request::post(OPERATION, ["project", "has-paid"])?
            .idempotency_override(Idempotency::Idempotent)
            .license_key_header("x-license-key", &self.license_key)?
            .accept("application/json")?
            .json(&serde_json::json!({}))?;
        let request = self.switches.apply(request)?;
        let response = self.client.http().send(request).await?;
        read_license_check(response, OPERATION)
    }
}

/// Reads a license has-paid answer: 401/403 are a denial, 2xx the payment status.
pub(crate) fn read_license_check(
    response: keyward_http::Response,
    operation: &'static str,
) -> Result<LicenseCheck, LicenseError> {
    if matches!(response.status(), 401 | 403) {
        let message = crate::error::ErrorBody::parse(response.body())
            .message()
            .map(|m| response.redact(&m));
        return Ok(LicenseCheck::Denied(Denial::new(
            response.status(),
            message,
        )));
    }
    let envelope: Envelope<PaymentStatus> = decode(response, Call::HasPaid)?;
    let status = paid(envelope, operation)?;
    Ok(if status.is_paid() {
        LicenseCheck::Paid(status)
    } else {
        LicenseCheck::Unpaid(status)
    })
}

/// `GET /project/{project}/has-paid` with `X-API-KEY`; from [`Client::project_has_paid`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to run the check"]
pub struct ProjectHasPaid {
    client: Client,
    project: String,
    switches: Switches,
}

impl ProjectHasPaid {
    pub(crate) fn new(client: Client, project_id: u64) -> Self {
        Self {
            client,
            project: project_id.to_string(),
            switches: Switches::default(),
        }
    }

    switch_setters!();

    /// Runs the check. A domain not registered under the project is a rejected error
    /// ([`crate::ErrorReason::DomainNotRegistered`]).
    pub async fn send(self) -> Result<PaymentStatus, LicenseError> {
        const OPERATION: &str = "has-paid (project)";
        let request = Request::get(OPERATION, ["project", self.project.as_str(), "has-paid"])?;
        let request = self.client.api_request(self.switches.apply(request)?)?;
        let envelope: Envelope<PaymentStatus> =
            self.client.execute(request, Call::ProjectHasPaid).await?;
        paid(envelope, OPERATION)
    }
}

/// The payment status of an answer; a missing `has_paid` is a decode error.
fn paid(
    envelope: Envelope<PaymentStatus>,
    operation: &'static str,
) -> Result<PaymentStatus, LicenseError> {
    let status = require_data(envelope, operation)?;
    if status.has_paid.is_none() {
        return Err(LicenseError::decode("the answer has no `data.has_paid`")
            .with_provider("devpayr")
            .with_operation(operation));
    }
    Ok(status)
}
