//! Check-out of license and machine files: the two calls both resources share.

use keyward_core::LicenseError;
use keyward_http::{Idempotency, Request};

use crate::client::{Client, JSON_API};
use crate::models::{Checkout, CheckoutOptions, Document};

impl Client {
    /// Checks out a license or machine file: `POST …/actions/check-out` for the JSON:API
    /// resource.
    pub(crate) async fn check_out(
        &self,
        operation: &'static str,
        path: &[&str],
        options: &CheckoutOptions,
    ) -> Result<Document<Checkout>, LicenseError> {
        let request = Request::post(operation, self.path(path))?
            .idempotency_override(Idempotency::Idempotent)
            .json_as(JSON_API, &options.to_meta())?;
        let request = self.prepare(request, true)?;
        self.send_document(request).await
    }

    /// `GET …/actions/check-out`: the certificate alone, as text.
    pub(crate) async fn download(
        &self,
        operation: &'static str,
        path: &[&str],
        options: &CheckoutOptions,
    ) -> Result<String, LicenseError> {
        let mut request = Request::get(operation, self.path(path))?;
        for (name, value) in options.to_query() {
            request = request.query(name, value);
        }
        let request = self.prepare(request, true)?;
        let response = self.send(request).await?.error_for_status()?;
        String::from_utf8(response.body().to_vec())
            .map_err(|_| response.tag(LicenseError::decode("the certificate is not UTF-8 text")))
    }
}
