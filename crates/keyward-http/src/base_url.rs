//! The base URL rules: `https`, or plain `http` only to loopback unless explicitly allowed; no
//! credentials, query or fragment.

use std::net::IpAddr;

use keyward_core::LicenseError;
use url::Url;

/// Parses and checks a base URL.
pub(crate) fn validate_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, LicenseError> {
    let url = Url::parse(raw.trim())
        .map_err(|e| LicenseError::config(format!("the base URL is not a valid URL: {e}")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(LicenseError::config(
            "the base URL must not contain credentials; configure the API key instead",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(LicenseError::config(
            "the base URL must not have a query or fragment",
        ));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if allow_insecure_http || is_loopback(&url) => Ok(url),
        "http" => Err(LicenseError::config(format!(
            "the base URL uses plain http to {}; use https (http is allowed only to loopback, \
             or with allow_insecure_http)",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(LicenseError::config(format!(
            "the base URL scheme `{other}` is not http or https"
        ))),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert!(validate_base_url("https://api.example.com/v1/", false).is_ok());
        assert!(validate_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(validate_base_url("http://localhost:1", false).is_ok());
        assert!(validate_base_url("http://[::1]:1", false).is_ok());
        let err = validate_base_url("http://api.example.com", false).unwrap_err();
        assert!(
            err.is_config() && err.to_string().contains("https"),
            "{err}"
        );
        assert!(validate_base_url("http://api.example.com", true).is_ok());
        assert!(validate_base_url("ftp://x", false).is_err());
        assert!(validate_base_url("https://user:pw@x.com", false).is_err());
        assert!(validate_base_url("https://x.com/?a=1", false).is_err());
        assert!(validate_base_url("not a url", false).is_err());
    }
}
