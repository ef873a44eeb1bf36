//! `GET /injectable/stream` with a license key: the project's injectables, page by page.

use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_http::Request;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::client::{Client, require_data};
use crate::error::Call;
use crate::models::{Envelope, Injectable};
use crate::pagination::paging;
use keyward_core::RawJson;

/// One page of the injectable stream.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct InjectablePage {
    /// The injectables on this page (paid-only ones only for paid projects).
    #[serde(default, deserialize_with = "keyward_core::de::null_as_default")]
    pub injectables: Vec<Injectable>,
    /// The cursor of the next page.
    #[serde(default)]
    pub next_cursor: Option<String>,
    /// Whether more pages follow.
    #[serde(default, deserialize_with = "keyward_core::de::bool_or_false")]
    pub has_more: bool,
    /// Every other field, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
    /// The JSON DevPayr sent for this page, as received (it may hold secrets: never log it).
    #[serde(skip)]
    pub raw: RawJson,
}

keyward_core::attach_raw!(InjectablePage);

impl Client {
    /// One page of `GET /injectable/stream` (per page 1 to 50, default 50), authenticated with
    /// the license key. Decrypt each with
    /// [`Injectable::verify_and_decrypt`](crate::models::Injectable::verify_and_decrypt).
    pub async fn injectable_stream(
        &self,
        license_key: &SecretLicenseKey,
        per_page: Option<u32>,
        cursor: Option<String>,
    ) -> Result<InjectablePage, LicenseError> {
        const OPERATION: &str = "injectable stream";
        if license_key.is_empty() {
            return Err(LicenseError::invalid_input(format!(
                "{OPERATION}: the license key is empty"
            )));
        }
        let request = Request::get(OPERATION, ["injectable", "stream"])?
            .license_key_header("x-license-key", license_key)?
            .accept("application/json")?;
        let request = paging(request, per_page, cursor)?;
        let envelope: Envelope<InjectablePage> = self.execute(request, Call::LicenseKey).await?;
        require_data(envelope, OPERATION)
    }
}
