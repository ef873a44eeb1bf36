//! Secret newtypes: values that must never appear in `Debug`, `Display`, errors or logs.

use std::fmt;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;

use crate::LicenseError;

/// Secret text shared by its clones: a clone (a key handed to a request builder, to a request's
/// redactor) costs no copy, and the text is zeroized once, when the last clone drops
/// (`SecretString` zeroizes on drop, and an `Arc` drops its value exactly once).
#[derive(Clone)]
pub(crate) struct SharedSecret(Arc<SecretString>);

impl SharedSecret {
    pub(crate) fn new(value: String) -> Self {
        Self(Arc::new(SecretString::from(value)))
    }

    /// Takes `value` trimmed, without a copy when there is nothing to trim.
    fn trimmed(value: String) -> Self {
        if value.trim().len() == value.len() {
            Self::new(value)
        } else {
            Self::new(value.trim().to_owned())
        }
    }

    pub(crate) fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

/// A provider API key or bearer token.
///
/// `Debug` prints `ApiKey([redacted])`; there is no `Display`. Read the value only where it is
/// sent, with [`ApiKey::expose`]. Clones share the key (no copy of the secret).
#[derive(Clone)]
pub struct ApiKey(SharedSecret);

impl ApiKey {
    /// Wraps an API key. Leading and trailing whitespace is trimmed (a common copy-paste slip);
    /// an empty key is a configuration error.
    pub fn new(value: impl Into<String>) -> Result<Self, LicenseError> {
        let value: String = value.into();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err(LicenseError::config("the API key is empty"));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(LicenseError::config(
                "the API key contains control characters",
            ));
        }
        Ok(Self(SharedSecret::trimmed(value)))
    }

    /// The key itself, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub(crate) fn shared(&self) -> &SharedSecret {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", crate::REDACTED)
    }
}

/// What a client builder takes as an API key: an [`ApiKey`], or its text (checked when the
/// client is built, so a builder chain never needs `?` in the middle).
pub trait IntoApiKey {
    /// The key, or a configuration error (empty, control characters).
    fn into_api_key(self) -> Result<ApiKey, LicenseError>;
}

impl IntoApiKey for ApiKey {
    fn into_api_key(self) -> Result<ApiKey, LicenseError> {
        Ok(self)
    }
}

impl IntoApiKey for String {
    fn into_api_key(self) -> Result<ApiKey, LicenseError> {
        ApiKey::new(self)
    }
}

impl IntoApiKey for &str {
    fn into_api_key(self) -> Result<ApiKey, LicenseError> {
        ApiKey::new(self)
    }
}

impl IntoApiKey for &String {
    fn into_api_key(self) -> Result<ApiKey, LicenseError> {
        ApiKey::new(self.as_str())
    }
}

/// A license key as the end user types it.
///
/// `Debug` shows only its last four characters (`SecretLicenseKey(…WXYZ)`), enough to tell keys
/// apart in a log without making them usable. There is no `Display`. Clones share the key (no
/// copy of the secret).
#[derive(Clone)]
pub struct SecretLicenseKey(SharedSecret);

impl SecretLicenseKey {
    /// Wraps a license key; surrounding whitespace is trimmed.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SharedSecret::trimmed(value.into()))
    }

    /// The key itself, for the one place that puts it on the wire.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub(crate) fn shared(&self) -> &SharedSecret {
        &self.0
    }

    /// Whether the key is empty (an empty key is never sent to a provider).
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// The last four characters, as shown by `Debug`; nothing at all for a key shorter than
    /// eight characters (four would be most of it).
    pub fn last4(&self) -> String {
        let chars: Vec<char> = self.expose().chars().collect();
        // Short keys show nothing at all: four characters of a six-character key is most of it.
        if chars.len() < 8 {
            return String::new();
        }
        chars[chars.len() - 4..].iter().collect()
    }
}

impl Default for SecretLicenseKey {
    /// The empty key (what a provider's `null` key reads as); it is never sent.
    fn default() -> Self {
        Self::new("")
    }
}

impl<'de> serde::Deserialize<'de> for SecretLicenseKey {
    /// Reads a license key string from a provider's answer (trimmed), so it never shows in
    /// `Debug`. There is no `Serialize`: a key is written out only through
    /// [`expose`](Self::expose), on purpose.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

impl PartialEq for SecretLicenseKey {
    /// Compares in time that depends only on the two lengths (`subtle`), so a mismatch does not
    /// tell how much of a guessed key was right.
    fn eq(&self, other: &Self) -> bool {
        self.expose()
            .as_bytes()
            .ct_eq(other.expose().as_bytes())
            .into()
    }
}

impl Eq for SecretLicenseKey {}

impl From<&str> for SecretLicenseKey {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<String> for SecretLicenseKey {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl fmt::Debug for SecretLicenseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretLicenseKey(…{})", self.last4())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary-7f3a9c-SECRET-XYZW";

    #[test]
    fn api_key_debug_hides_the_value() {
        let key = ApiKey::new(CANARY).unwrap();
        assert!(!format!("{key:?}").contains("canary"));
        assert_eq!(key.expose(), CANARY);
    }

    #[test]
    fn api_key_rejects_empty_and_control_characters() {
        assert!(ApiKey::new("   ").unwrap_err().is_config());
        assert!(ApiKey::new("ab\ncd").unwrap_err().is_config());
    }

    #[test]
    fn builders_take_a_key_or_its_text() {
        assert_eq!("abcd".into_api_key().unwrap().expose(), "abcd");
        assert_eq!(
            String::from(" abcd ").into_api_key().unwrap().expose(),
            "abcd"
        );
        let key = ApiKey::new("wxyz").unwrap();
        assert_eq!(key.into_api_key().unwrap().expose(), "wxyz");
        assert!("".into_api_key().unwrap_err().is_config());
    }

    #[test]
    fn license_key_debug_shows_only_last_four() {
        let key = SecretLicenseKey::new(CANARY);
        let shown = format!("{key:?}");
        assert_eq!(shown, "SecretLicenseKey(…XYZW)");
        assert!(!shown.contains("canary"));
        assert_eq!(
            format!("{:?}", SecretLicenseKey::new("short")),
            "SecretLicenseKey(…)"
        );
    }

    #[test]
    fn license_keys_compare_by_value() {
        assert_eq!(SecretLicenseKey::new("abc"), SecretLicenseKey::new(" abc "));
        assert_ne!(SecretLicenseKey::new("abc"), SecretLicenseKey::new("abd"));
        assert_ne!(SecretLicenseKey::new("abc"), SecretLicenseKey::new("ab"));
        assert_ne!(SecretLicenseKey::new("ab"), SecretLicenseKey::new("abc"));
        assert_eq!(SecretLicenseKey::default(), SecretLicenseKey::new(""));
    }
}
