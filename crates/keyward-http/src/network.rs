//! The network path of a built client: which proxy requests go through, and which extra root
//! certificates its TLS trusts.

use std::fmt;

use keyward_core::{LicenseError, REDACTED};
use url::Url;

use crate::options::HttpOptions;

/// Which proxy requests go through.
///
/// The default, [`System`](Self::System), follows the environment variables `HTTPS_PROXY`,
/// `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lowercase forms) and, on macOS and Windows,
/// the system's proxy settings; they are read once, when the client is built.
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Proxy {
    /// The system's proxy, if any (the default).
    #[default]
    System,
    /// No proxy: every connection goes straight to the provider, whatever the environment says.
    Direct,
    /// This proxy for every request, whatever the environment says.
    Url(ProxyUrl),
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System => f.write_str("System"),
            Self::Direct => f.write_str("Direct"),
            Self::Url(url) => f.debug_tuple("Url").field(url).finish(),
        }
    }
}

/// An explicit proxy's URL, `http://` or `https://`, perhaps with `user:password@`: checked when
/// the client is built. Its Debug shows scheme, host and port, never the credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(String);

impl ProxyUrl {
    /// Wraps a proxy URL (checked when the client is built).
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The proxy URL, credentials included: pass it only to the HTTP client.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Ok(url) = Url::parse(&self.0) else {
            return f.write_str("<not a URL>");
        };
        let credentials = if url.username().is_empty() && url.password().is_none() {
            String::new()
        } else {
            format!("{REDACTED}@")
        };
        let host = url.host_str().unwrap_or_default();
        match url.port_or_known_default() {
            Some(port) => write!(f, "{}://{credentials}{host}:{port}", url.scheme()),
            None => write!(f, "{}://{credentials}{host}", url.scheme()),
        }
    }
}

/// Applies the proxy and the extra root certificates of `options` to a client being built.
pub(crate) fn configure(
    mut builder: reqwest::ClientBuilder,
    options: &HttpOptions,
) -> Result<reqwest::ClientBuilder, LicenseError> {
    builder = match &options.proxy {
        Proxy::System => builder,
        Proxy::Direct => builder.no_proxy(),
        Proxy::Url(url) => builder.proxy(explicit_proxy(url)?),
    };
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    for (index, pem) in options.root_certificates.iter().enumerate() {
        for certificate in root_certificates(index, pem)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    Ok(builder)
}

/// Settings that only a client this crate builds can honour: an error with an injected client,
/// rather than settings silently ignored.
pub(crate) fn check_injected(options: &HttpOptions) -> Result<(), LicenseError> {
    if options.client.is_none() {
        return Ok(());
    }
    if options.proxy != Proxy::System {
        return Err(LicenseError::config(
            "a proxy cannot be set with an injected client: set it on the reqwest client",
        ));
    }
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    if !options.root_certificates.is_empty() {
        return Err(LicenseError::config(
            "a root certificate cannot be added with an injected client: add it to the reqwest client",
        ));
    }
    Ok(())
}

fn explicit_proxy(url: &ProxyUrl) -> Result<reqwest::Proxy, LicenseError> {
    // Neither the URL nor reqwest's error (which may quote it) goes into the error: the URL may
    // carry a password.
    let invalid = || LicenseError::config("the proxy URL is not a valid http:// or https:// URL");
    let parsed = Url::parse(url.expose()).map_err(|_| invalid())?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(invalid());
    }
    reqwest::Proxy::all(parsed).map_err(|_| invalid())
}

/// Every certificate in one PEM text (a bundle may hold several); none is an error.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn root_certificates(index: usize, pem: &[u8]) -> Result<Vec<reqwest::Certificate>, LicenseError> {
    let which = format!("root certificate #{}", index + 1);
    let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
        LicenseError::config(format!("{which} is not a valid PEM certificate"))
            .with_source(e.without_url())
    })?;
    if certificates.is_empty() {
        return Err(LicenseError::config(format!(
            "{which} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certificates)
}

/// How Debug shows the root certificates: their count, never their bytes.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub(crate) struct RootCount(pub(crate) usize);

#[cfg(any(feature = "rustls", feature = "native-tls"))]
impl fmt::Debug for RootCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} PEM text(s)", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proxy_url_debug_hides_credentials() {
        let url = ProxyUrl::new("http://alice:canary-9d2f@proxy.corp.example:3128/");
        let shown = format!("{:?}", Proxy::Url(url));
        assert_eq!(
            shown,
            format!("Url(http://{REDACTED}@proxy.corp.example:3128)")
        );
        assert!(!shown.contains("canary") && !shown.contains("alice"));
        let plain = format!("{:?}", ProxyUrl::new("https://proxy.example"));
        assert_eq!(plain, "https://proxy.example:443");
        assert_eq!(
            format!("{:?}", ProxyUrl::new("no url, canary-9d2f")),
            "<not a URL>"
        );
        // `alice:` reads as a scheme: what follows is not shown either.
        assert!(!format!("{:?}", ProxyUrl::new("alice:canary-9d2f")).contains("canary"));
    }

    #[test]
    fn only_http_and_https_proxies_are_accepted() {
        for bad in [
            "socks5://127.0.0.1:1080",
            "not a url",
            "http://",
            "ftp://h:21",
        ] {
            let err = explicit_proxy(&ProxyUrl::new(bad)).unwrap_err();
            assert!(err.is_config(), "{bad}: {err}");
        }
        let err = explicit_proxy(&ProxyUrl::new("bogus://alice:canary-9d2f@x")).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("canary-9d2f"));
        assert!(explicit_proxy(&ProxyUrl::new("http://127.0.0.1:3128")).is_ok());
        assert!(explicit_proxy(&ProxyUrl::new("https://u:p@proxy.example")).is_ok());
    }
}
