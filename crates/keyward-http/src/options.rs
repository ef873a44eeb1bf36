//! Client options: timeouts, retries, body cap, proxy, TLS roots, injected client.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use keyward_core::{Clock, LicenseError, SystemClock};

#[cfg(any(feature = "rustls", feature = "native-tls"))]
use crate::network::RootCount;
use crate::network::{Proxy, ProxyUrl};

/// The largest accepted [`HttpOptions::max_connections`] (a semaphore's permits are bounded).
pub const MAX_CONNECTIONS: usize = 1 << 16;

/// How failed attempts are retried.
///
/// Idempotent requests retry connect errors, timeouts, 408, 429 and 5xx. Non-idempotent requests
/// (activate, deactivate, create) retry only when the request provably never left (the connection
/// could not be made) or on a 429/503 that carries `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 2).
    pub max_retries: u32,
    /// The first backoff delay (default 0.5 s); it doubles each retry, with jitter.
    pub initial_delay: Duration,
    /// The largest backoff delay (default 8 s).
    pub max_delay: Duration,
    /// The longest `Retry-After` that is waited for (default 30 s). A longer one is not waited
    /// for: the call returns at once with the answer (rate limited, say), whose
    /// [`retry_after`](keyward_core::LicenseError::retry_after) carries the provider's delay.
    pub max_retry_after: Duration,
    /// Whether backoff delays are jittered (default true).
    pub jitter: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retry up to `max_retries` times, other settings default.
    pub fn retries(max_retries: u32) -> Self {
        Self {
            max_retries,
            ..Self::default()
        }
    }

    /// Sets the backoff range.
    #[must_use]
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_delay = initial;
        self.max_delay = max;
        self
    }

    /// Sets the longest `Retry-After` that is waited for.
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Turns jitter on or off.
    #[must_use]
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }
}

/// Transport options shared by every provider client. Build once; each provider's builder takes
/// them with `.http_options(..)`.
///
/// ```
/// use std::time::Duration;
/// use keyward_http::{HttpOptions, RetryPolicy};
///
/// let options = HttpOptions::new()
///     .attempt_timeout(Duration::from_secs(10))
///     .retry(RetryPolicy::retries(3));
/// # let _ = options;
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpOptions {
    /// Time allowed to open a connection (default 10 s). Ignored with an injected client.
    pub connect_timeout: Duration,
    /// Time allowed for one attempt, body included (default 30 s).
    pub attempt_timeout: Duration,
    /// Time allowed for the whole call, retries and waits included (default 60 s).
    pub deadline: Duration,
    /// How failures are retried.
    pub retry: RetryPolicy,
    /// The largest response body read (default 4 MiB).
    pub max_body_bytes: usize,
    /// The most requests one client (and its clones) has in flight at once, and so the most
    /// connections it opens (default 32). Further calls wait their turn within their deadline;
    /// the built client also keeps at most this many idle connections per host. With an
    /// injected [`client`](Self::client) only the in-flight bound applies.
    pub max_connections: usize,
    /// Allow `http://` to hosts other than loopback (default false).
    pub allow_insecure_http: bool,
    /// Which proxy requests go through (default: the system's, see [`Proxy`]).
    pub proxy: Proxy,
    /// Extra root certificates the TLS trusts besides the platform's, each a PEM text (one
    /// certificate or a bundle), checked when the client is built.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "native-tls"))))]
    pub root_certificates: Vec<Vec<u8>>,
    /// A `reqwest::Client` to use instead of building one (any other reqwest setting). It
    /// cannot be combined with [`proxy`](Self::proxy) or root certificates: set those on it.
    pub client: Option<reqwest::Client>,
    /// The clock used to read `Retry-After` dates.
    pub clock: Arc<dyn Clock>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            max_body_bytes: 4 * 1024 * 1024,
            max_connections: 32,
            allow_insecure_http: false,
            proxy: Proxy::System,
            #[cfg(any(feature = "rustls", feature = "native-tls"))]
            root_certificates: Vec::new(),
            client: None,
            clock: Arc::new(SystemClock),
        }
    }
}

impl HttpOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the connect timeout.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the per-attempt timeout.
    #[must_use]
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// Sets the overall deadline of a call.
    #[must_use]
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Sets the retry policy.
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the response body cap.
    #[must_use]
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets the most requests in flight (and connections open) at once per client.
    #[must_use]
    pub fn max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections;
        self
    }

    /// Allows plain `http://` to non-loopback hosts (never do this in production).
    #[must_use]
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Turns the system's proxy on (the default: environment variables, and the macOS or
    /// Windows settings) or off (every connection goes straight to the provider).
    #[must_use]
    pub fn system_proxy(mut self, on: bool) -> Self {
        self.proxy = if on { Proxy::System } else { Proxy::Direct };
        self
    }

    /// Sends every request through this proxy (`http://` or `https://`, perhaps with
    /// `user:password@`), whatever the environment says; the URL is checked when the client is
    /// built.
    #[must_use]
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Proxy::Url(ProxyUrl::new(url));
        self
    }

    /// Trusts this root certificate (a PEM text: one certificate or a bundle) besides the
    /// platform's, for a provider behind a company's TLS-inspecting proxy or a self-hosted
    /// server. A PEM that holds no valid certificate is a configuration error when the client is
    /// built.
    ///
    /// ```
    /// use keyward_http::HttpOptions;
    ///
    /// # fn run() -> std::io::Result<()> {
    /// let options = HttpOptions::new().add_root_certificate(std::fs::read("corp-root.pem")?);
    /// # let _ = options; Ok(()) }
    /// ```
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[cfg_attr(docsrs, doc(cfg(any(feature = "rustls", feature = "native-tls"))))]
    #[must_use]
    pub fn add_root_certificate(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Uses this `reqwest::Client`.
    #[must_use]
    pub fn client(mut self, client: reqwest::Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Uses this clock.
    #[must_use]
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Checks the options; called when a client is built.
    pub(crate) fn validate(&self) -> Result<(), LicenseError> {
        let zero =
            |name: &str| LicenseError::config(format!("the {name} must be greater than zero"));
        if self.connect_timeout.is_zero() {
            return Err(zero("connect timeout"));
        }
        if self.attempt_timeout.is_zero() {
            return Err(zero("attempt timeout"));
        }
        if self.deadline.is_zero() {
            return Err(zero("deadline"));
        }
        if self.max_body_bytes == 0 {
            return Err(zero("response body cap"));
        }
        if self.max_connections == 0 {
            return Err(zero("connection bound (max_connections)"));
        }
        if self.max_connections > MAX_CONNECTIONS {
            return Err(LicenseError::config(format!(
                "max_connections may be at most {MAX_CONNECTIONS}"
            )));
        }
        if self.retry.initial_delay > self.retry.max_delay {
            return Err(LicenseError::config(
                "the retry policy's initial delay is longer than its maximum delay",
            ));
        }
        crate::network::check_injected(self)
    }
}

impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("HttpOptions");
        debug
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_connections", &self.max_connections)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("proxy", &self.proxy);
        #[cfg(any(feature = "rustls", feature = "native-tls"))]
        debug.field(
            "root_certificates",
            &RootCount(self.root_certificates.len()),
        );
        debug
            .field("client", &self.client.as_ref().map(|_| "custom"))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The defaults the README's table promises.
    #[test]
    fn defaults_match_the_readme() {
        let options = HttpOptions::new();
        assert_eq!(options.connect_timeout, Duration::from_secs(10));
        assert_eq!(options.attempt_timeout, Duration::from_secs(30));
        assert_eq!(options.deadline, Duration::from_secs(60));
        assert_eq!(options.max_body_bytes, 4 * 1024 * 1024);
        assert_eq!(options.max_connections, 32);
        assert!(!options.allow_insecure_http);
        assert_eq!(options.proxy, Proxy::System);
        let retry = options.retry;
        assert_eq!(retry.max_retries, 2);
        assert_eq!(retry.initial_delay, Duration::from_millis(500));
        assert_eq!(retry.max_delay, Duration::from_secs(8));
        assert_eq!(retry.max_retry_after, Duration::from_secs(30));
        assert!(retry.jitter);
        assert!(HttpOptions::new().validate().is_ok());
    }

    #[test]
    fn the_connection_bound_is_checked() {
        assert!(HttpOptions::new().max_connections(0).validate().is_err());
        assert!(
            HttpOptions::new()
                .max_connections(MAX_CONNECTIONS + 1)
                .validate()
                .is_err()
        );
        assert!(HttpOptions::new().max_connections(1).validate().is_ok());
    }
}
