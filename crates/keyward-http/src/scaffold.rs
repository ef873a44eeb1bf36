//! The client scaffold every provider crate shares: the settings a builder collects (base URL,
//! API key, transport options, the environment), the checks `build()` makes, and the built
//! transport with its API key. A provider crate adds only its own endpoints and extras.

use std::fmt;

use keyward_core::{ApiKey, IntoApiKey, LicenseError};

use crate::client::{ClientIdentity, HttpClient, ProviderErrorParser};
use crate::options::HttpOptions;
use crate::request::Request;
use crate::response::Response;

/// What a provider crate tells the scaffold about itself.
#[derive(Clone, Copy)]
pub struct ProviderProfile {
    /// Who is calling: provider name for errors and traces, crate for the User-Agent.
    pub identity: ClientIdentity,
    /// The production base URL.
    pub default_base_url: &'static str,
    /// The environment variable holding the API key (`DODO_PAYMENTS_API_KEY`).
    pub api_key_env: &'static str,
    /// The environment variable that overrides the base URL (`DODO_PAYMENTS_BASE_URL`).
    pub base_url_env: &'static str,
    /// Reads the provider's error bodies into a code and a message.
    pub error_parser: &'static ProviderErrorParser,
}

impl fmt::Debug for ProviderProfile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderProfile")
            .field("identity", &self.identity)
            .field("default_base_url", &self.default_base_url)
            .field("api_key_env", &self.api_key_env)
            .field("base_url_env", &self.base_url_env)
            .finish_non_exhaustive()
    }
}

/// The settings every provider's `ClientBuilder` collects; checked once, by
/// [`build`](Self::build). `Debug` never shows the API key.
#[derive(Default)]
pub struct ClientSettings {
    base_url: Option<String>,
    api_key: Option<Result<ApiKey, LicenseError>>,
    options: HttpOptions,
}

impl fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("base_url", &self.base_url)
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| keyward_core::REDACTED),
            )
            .field("options", &self.options)
            .finish()
    }
}

impl ClientSettings {
    /// Overrides the base URL.
    pub fn set_base_url(&mut self, url: impl Into<String>) {
        self.base_url = Some(url.into());
    }

    /// Sets the API key (checked by [`build`](Self::build)).
    pub fn set_api_key(&mut self, key: impl IntoApiKey) {
        self.api_key = Some(key.into_api_key());
    }

    /// Sets the transport options.
    pub fn set_http_options(&mut self, options: HttpOptions) {
        self.options = options;
    }

    /// The base URL set so far, if any.
    pub fn base_url(&self) -> Option<&str> {
        self.base_url.as_deref()
    }

    /// Reads the provider's environment through `lookup`: the API key (required: unset or empty
    /// is a configuration error naming the variable) and, when set, the base URL.
    pub fn read_env(
        &mut self,
        profile: &ProviderProfile,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(), LicenseError> {
        let provider = profile.identity.provider;
        let name = profile.api_key_env;
        let value = lookup(name).ok_or_else(|| {
            LicenseError::config(format!("{name} is not set")).with_provider(provider)
        })?;
        let key = ApiKey::new(value).map_err(|_| {
            LicenseError::config(format!("{name} is empty or not a valid API key"))
                .with_provider(provider)
        })?;
        self.api_key = Some(Ok(key));
        if let Some(url) = lookup(profile.base_url_env).filter(|u| !u.trim().is_empty()) {
            self.base_url = Some(url);
        }
        Ok(())
    }

    /// Checks everything and builds the transport: the API key, the options, and the base URL
    /// (`https`, or `http` to loopback; `default_base_url` when none was set), which always ends
    /// in `/` so that endpoint paths are appended to it.
    pub fn build(
        self,
        profile: &ProviderProfile,
        default_base_url: &str,
    ) -> Result<ProviderClient, LicenseError> {
        let provider = profile.identity.provider;
        let api_key = self
            .api_key
            .transpose()
            .map_err(|e| e.with_provider(provider))?;
        let base_url = self.base_url.as_deref().unwrap_or(default_base_url);
        let base_url = if base_url.ends_with('/') {
            base_url.to_owned()
        } else {
            format!("{base_url}/")
        };
        let http = HttpClient::new(profile.identity, &base_url, self.options)?
            .with_error_parser(profile.error_parser);
        Ok(ProviderClient {
            http,
            api_key,
            api_key_env: profile.api_key_env,
        })
    }
}

/// The built part every provider client holds: the transport and the API key. Cheap to clone;
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct ProviderClient {
    http: HttpClient,
    api_key: Option<ApiKey>,
    api_key_env: &'static str,
}

impl fmt::Debug for ProviderClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderClient")
            .field("http", &self.http)
            .field(
                "api_key",
                &self.api_key.as_ref().map(|_| keyward_core::REDACTED),
            )
            .finish()
    }
}

impl ProviderClient {
    /// The transport.
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        self.http.base_url().as_str()
    }

    /// The API key, if one was set.
    pub fn api_key(&self) -> Option<&ApiKey> {
        self.api_key.as_ref()
    }

    /// The API key, or a configuration error saying how to set it, tagged with `operation`.
    pub fn require_api_key(&self, operation: &'static str) -> Result<&ApiKey, LicenseError> {
        self.api_key.as_ref().ok_or_else(|| {
            LicenseError::config(format!(
                "this endpoint needs an API key: set one with ClientBuilder::api_key or {}",
                self.api_key_env
            ))
            .with_provider(self.http.provider())
            .with_operation(operation)
        })
    }

    /// Sends a request as it is (public endpoints).
    pub async fn send(&self, request: Request) -> Result<Response, LicenseError> {
        self.http.send(request).await
    }

    /// Sends a request with the API key as a bearer token; a configuration error when none is
    /// set.
    pub async fn send_bearer(&self, request: Request) -> Result<Response, LicenseError> {
        let key = self.require_api_key(request.operation())?;
        self.http.send(request.bearer(key)).await
    }
}

/// The builder methods every provider's `ClientBuilder` shares, written once: `base_url`,
/// `api_key`, `http_options`, `from_env` and `from_env_with`. The builder needs a
/// `settings: ClientSettings` field, and the crate a `PROFILE: ProviderProfile` constant in
/// scope.
#[macro_export]
macro_rules! client_builder_methods {
    () => {
        /// Overrides the base URL (an emulator, a mock, a proxy): `https`, or `http` to loopback.
        #[must_use]
        pub fn base_url(mut self, url: impl Into<String>) -> Self {
            self.settings.set_base_url(url);
            self
        }

        /// Sets the API key: an [`ApiKey`](keyward_core::ApiKey) or its text, checked by
        /// `build()`.
        #[must_use]
        pub fn api_key(mut self, key: impl keyward_core::IntoApiKey) -> Self {
            self.settings.set_api_key(key);
            self
        }

        /// Sets the transport options: timeouts, retries, body cap, HTTP client.
        #[must_use]
        pub fn http_options(mut self, options: $crate::HttpOptions) -> Self {
            self.settings.set_http_options(options);
            self
        }

        /// Reads the API key (required) and the base URL (optional) from the provider's
        /// environment variables; an unset or empty key is a configuration error naming the
        /// variable.
        pub fn from_env(self) -> Result<Self, keyward_core::LicenseError> {
            self.from_env_with(|name| std::env::var(name).ok())
        }

        /// Like [`from_env`](Self::from_env), reading variables through `lookup` (for tests and
        /// configuration files).
        pub fn from_env_with(
            mut self,
            lookup: impl Fn(&str) -> Option<String>,
        ) -> Result<Self, keyward_core::LicenseError> {
            self.settings.read_env(&PROFILE, lookup)?;
            Ok(self)
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "sk_canary_77e1_SECRET";

    const PROFILE: ProviderProfile = ProviderProfile {
        identity: ClientIdentity {
            provider: "example",
            crate_name: "example",
            crate_version: "0.0.0",
        },
        default_base_url: "https://api.example.com/v1",
        api_key_env: "EXAMPLE_API_KEY",
        base_url_env: "EXAMPLE_BASE_URL",
        error_parser: &|_| (None, None),
    };

    #[test]
    fn env_reads_the_key_and_the_base_url() {
        let mut settings = ClientSettings::default();
        settings
            .read_env(&PROFILE, |name| match name {
                "EXAMPLE_API_KEY" => Some(CANARY.to_owned()),
                "EXAMPLE_BASE_URL" => Some("http://127.0.0.1:9".to_owned()),
                _ => None,
            })
            .unwrap();
        assert!(!format!("{settings:?}").contains("canary"));
        let client = settings.build(&PROFILE, PROFILE.default_base_url).unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/");
        assert_eq!(client.api_key().unwrap().expose(), CANARY);
        assert!(!format!("{client:?}").contains("canary"));
    }

    #[test]
    fn missing_or_empty_keys_are_config_errors_naming_the_variable() {
        let mut settings = ClientSettings::default();
        let missing = settings.read_env(&PROFILE, |_| None).unwrap_err();
        assert!(missing.is_config() && missing.to_string().contains("EXAMPLE_API_KEY"));
        let empty = settings
            .read_env(&PROFILE, |_| Some("  ".into()))
            .unwrap_err();
        assert!(empty.is_config());
        let mut settings = ClientSettings::default();
        settings.set_api_key("");
        assert!(
            settings
                .build(&PROFILE, "https://x.test")
                .unwrap_err()
                .is_config()
        );
    }

    #[test]
    fn the_default_base_url_gains_a_slash_and_insecure_urls_fail() {
        let client = ClientSettings::default()
            .build(&PROFILE, PROFILE.default_base_url)
            .unwrap();
        assert_eq!(client.base_url(), "https://api.example.com/v1/");
        let err = client.require_api_key("list").unwrap_err();
        assert!(err.is_config() && err.to_string().contains("EXAMPLE_API_KEY"));
        let mut settings = ClientSettings::default();
        settings.set_base_url("http://example.com");
        assert!(settings.build(&PROFILE, "").unwrap_err().is_config());
    }
}
