//! Checks every echo of the request that a signed payload carries.
//!
//! Most answers echo nothing; where one does (`licenseKey.license_key` and
//! `product.id` of details, the download URLs of downloadables), it must match the request.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyward_core::SecretLicenseKey;
use serde_json::Value;
use subtle::ConstantTimeEq;

use crate::error::VerifyError;
use crate::payload::Payload;

/// What the request was about, for echo checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Expected<'a> {
    /// The license key sent.
    pub license_key: Option<&'a SecretLicenseKey>,
    /// The identifier (domain, hardware id) sent.
    pub identifier: Option<&'a str>,
    /// The product the client is pinned to.
    pub product_id: Option<u64>,
}

/// Fails when an echoed value differs from the request.
pub fn check_echoes(payload: &Payload, expected: &Expected<'_>) -> Result<(), VerifyError> {
    let fields = payload.fields();
    if let Some(key) = expected.license_key {
        let echoes = [
            fields.get("licenseKey").and_then(|l| l.get("license_key")),
            fields.get("license_key"),
        ];
        for echo in echoes.into_iter().flatten() {
            if let Value::String(echo) = echo
                && !bool::from(echo.as_bytes().ct_eq(key.expose().as_bytes()))
            {
                return Err(VerifyError::EchoMismatch("license_key"));
            }
        }
    }
    if let Some(product) = expected.product_id {
        let echoes = [
            fields.get("product").and_then(|p| p.get("id")),
            fields.get("product_id"),
        ];
        for echo in echoes.into_iter().flatten() {
            if as_u64(echo).is_some_and(|id| id != product) {
                return Err(VerifyError::EchoMismatch("product.id"));
            }
        }
    }
    if let Some(Value::Array(downloads)) = fields.get("downloadables") {
        for item in downloads {
            check_download(item, expected)?;
        }
    }
    Ok(())
}

fn check_download(item: &Value, expected: &Expected<'_>) -> Result<(), VerifyError> {
    if let (Some(product), Some(echo)) = (expected.product_id, item.get("product_id"))
        && as_u64(echo).is_some_and(|id| id != product)
    {
        return Err(VerifyError::EchoMismatch("downloadables.product_id"));
    }
    let Some(Value::String(url)) = item.get("url") else {
        return Ok(());
    };
    // `…/download/{api_key}/{license_key}/{urlencode(base64(identifier))}/{version}`
    let segments: Vec<&str> = url.split('/').collect();
    if let Some(key) = expected.license_key
        && !segments.contains(&key.expose())
    {
        return Err(VerifyError::EchoMismatch("downloadables.url license key"));
    }
    if let Some(identifier) = expected.identifier {
        let encoded = php_urlencode(&STANDARD.encode(identifier.as_bytes()));
        if !segments.iter().any(|s| s.eq_ignore_ascii_case(&encoded)) {
            return Err(VerifyError::EchoMismatch("downloadables.url identifier"));
        }
    }
    Ok(())
}

fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// PHP `urlencode` of base64 text (only `+`, `/` and `=` need escaping).
fn php_urlencode(text: &str) -> String {
    text.replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}
