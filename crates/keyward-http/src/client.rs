//! The client: builds the URL, sends attempts, retries what is safe, reads the body up to the cap.

use std::fmt;
use std::ops::ControlFlow;
use std::sync::Arc;
use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use keyward_core::{ErrorKind, LicenseError};
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use crate::base_url::validate_base_url;
use crate::network;
use crate::options::HttpOptions;
use crate::request::Request;
use crate::response::Response;
use crate::retry::{Attempt, may_have_been_applied};
use crate::turns::Turns;

/// Reads a provider's error body into `(code, message)`.
pub type ProviderErrorParser = dyn Fn(&[u8]) -> (Option<String>, Option<String>) + Send + Sync;

/// Who is calling: the provider name for errors and traces, and the crate for the User-Agent.
#[derive(Debug, Clone, Copy)]
pub struct ClientIdentity {
    /// The provider (`"dodo"`), used in errors and traces.
    pub provider: &'static str,
    /// The calling crate's name, for the User-Agent.
    pub crate_name: &'static str,
    /// The calling crate's version, for the User-Agent.
    pub crate_version: &'static str,
}

/// The shared HTTP transport. Cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) identity: ClientIdentity,
    pub(crate) base_url: Url,
    pub(crate) options: HttpOptions,
    pub(crate) client: reqwest::Client,
    /// `crate/version`, built once (cloning a header value shares its bytes).
    pub(crate) user_agent: http::HeaderValue,
    pub(crate) error_parser: Arc<ProviderErrorParser>,
    /// One turn per request in flight, shared by every clone.
    pub(crate) in_flight: Arc<Turns>,
}

impl fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpClient")
            .field("provider", &self.inner.identity.provider)
            .field("base_url", &self.inner.base_url.as_str())
            .field("options", &self.inner.options)
            .finish()
    }
}

impl HttpClient {
    /// Builds a client for `base_url`, checking everything once: the URL must be `https`
    /// (plain `http` only to loopback, unless allowed), carry no credentials, query or fragment,
    /// and every timeout must be positive.
    pub fn new(
        identity: ClientIdentity,
        base_url: &str,
        options: HttpOptions,
    ) -> Result<Self, LicenseError> {
        let tag = |e: LicenseError| e.with_provider(identity.provider);
        options.validate().map_err(tag)?;
        let base_url = validate_base_url(base_url, options.allow_insecure_http).map_err(tag)?;
        let user_agent = format!("{}/{}", identity.crate_name, identity.crate_version);
        let user_agent = http::HeaderValue::from_str(&user_agent).map_err(|_| {
            tag(LicenseError::config(
                "the crate name or version cannot be sent as a User-Agent",
            ))
        })?;
        let client = match &options.client {
            Some(client) => client.clone(),
            None => {
                let builder = reqwest::Client::builder()
                    .connect_timeout(options.connect_timeout)
                    .pool_max_idle_per_host(options.max_connections)
                    .redirect(reqwest::redirect::Policy::none());
                network::configure(builder, &options)
                    .map_err(tag)?
                    .build()
                    .map_err(|e| {
                        tag(LicenseError::config("the HTTP client could not be built")
                            .with_source(e.without_url()))
                    })?
            }
        };
        let in_flight = Arc::new(Turns::new(options.max_connections));
        Ok(Self {
            inner: Arc::new(Inner {
                identity,
                base_url,
                options,
                client,
                user_agent,
                error_parser: Arc::new(|_: &[u8]| (None, None)),
                in_flight,
            }),
        })
    }

    /// Sets how this provider's error bodies are read into a code and a message.
    #[must_use]
    pub fn with_error_parser(
        self,
        parser: impl Fn(&[u8]) -> (Option<String>, Option<String>) + Send + Sync + 'static,
    ) -> Self {
        let inner = &self.inner;
        Self {
            inner: Arc::new(Inner {
                identity: inner.identity,
                base_url: inner.base_url.clone(),
                options: inner.options.clone(),
                client: inner.client.clone(),
                user_agent: inner.user_agent.clone(),
                error_parser: Arc::new(parser),
                in_flight: inner.in_flight.clone(),
            }),
        }
    }

    /// The base URL requests are sent under.
    pub fn base_url(&self) -> &Url {
        &self.inner.base_url
    }

    /// The provider name.
    pub fn provider(&self) -> &'static str {
        self.inner.identity.provider
    }

    /// The options in force.
    pub fn options(&self) -> &HttpOptions {
        &self.inner.options
    }

    /// Sends a request, retrying what is safe, and returns the final response whatever its
    /// status. `Err` means no usable response arrived.
    ///
    /// (Not an `async fn`: see the comment inside on the size of its future.)
    pub fn send(
        &self,
        request: Request,
    ) -> impl Future<Output = Result<Response, LicenseError>> + Send + '_ {
        let span = tracing::info_span!(
            "keyward_http.request",
            provider = self.inner.identity.provider,
            operation = request.0.operation,
            method = %request.0.method,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Boxed: a provider's call then holds 16 bytes of transport (the request is one box
        // already), and its future, boxed behind a `dyn` provider, stays within what the
        // allocator's per-thread cache serves (1 KiB with glibc); a larger block costs more
        // than this one.
        Box::pin(self.send_with_retries(request).instrument(span))
    }

    /// Sends a request and decodes a 2xx JSON body; any other status is an error.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, LicenseError> {
        self.send(request).await?.error_for_status()?.json()
    }

    /// Sends a request whose 2xx answer has no body worth reading.
    pub async fn send_empty(&self, request: Request) -> Result<(), LicenseError> {
        self.send(request).await?.error_for_status().map(drop)
    }

    // An `async` block rather than an `async fn`, which would keep a second copy of the request.
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn holds its arguments twice in its future"
    )]
    fn send_with_retries(
        &self,
        mut request: Request,
    ) -> impl Future<Output = Result<Response, LicenseError>> + Send + '_ {
        async move {
            let options = &self.inner.options;
            let started = Instant::now();
            if let Some(why) = &request.0.unsendable {
                return Err(self.tag(&request, LicenseError::invalid_input(why.as_str()), 0));
            }
            let url = self.url_for(&request)?;
            let mut attempts: u32 = 0;
            loop {
                attempts += 1;
                let remaining = options.deadline.saturating_sub(started.elapsed());
                if remaining.is_zero() {
                    return Err(self.fail(
                        &request,
                        ErrorKind::Timeout,
                        "the deadline passed",
                        attempts - 1,
                        Attempt::NoAnswer,
                    ));
                }
                // Wait for a turn within the deadline; a call that never got one was never sent.
                // A free turn is taken at once (no timer); otherwise waited for.
                let (turn, remaining) = match self.inner.in_flight.try_take() {
                    // Taken at once: the time left is the one just read.
                    Some(permit) => (Ok(Ok(permit)), remaining),
                    None => {
                        let turn =
                            tokio::time::timeout(remaining, self.inner.in_flight.wait()).await;
                        (turn, options.deadline.saturating_sub(started.elapsed()))
                    }
                };
                let Ok(Ok(permit)) =
                    turn.map(|t| t.ok().filter(|_| !remaining.is_zero()).ok_or(()))
                else {
                    return Err(self.fail(
                        &request,
                        ErrorKind::Timeout,
                        "the deadline passed while waiting for a free connection",
                        attempts - 1,
                        Attempt::NotSent,
                    ));
                };
                // The attempt's latency is only ever traced: the clock is not read for it when
                // nothing listens.
                let span = tracing::Span::current();
                let traced = !span.is_disabled() || tracing::enabled!(tracing::Level::DEBUG);
                let attempt_started = traced.then(Instant::now);
                let budget = options.attempt_timeout.min(remaining);
                let outcome = tokio::time::timeout(budget, self.attempt(&request, &url)).await;
                // The connection goes back to hyper's pool from a task of its own once it is ready
                // for another request: the turn is handed on so that the next caller finds it
                // rather than opening another (see `Turns::finish`).
                self.inner.in_flight.finish(permit);
                // Judged by plain functions: neither the outcome nor the answer is a local of
                // this future (which stays small) across the wait before a retry.
                let (attempt, result) = self.judge(outcome, &mut request, attempts, budget)?;
                if let Some(attempt_started) = attempt_started {
                    span.record("attempts", attempts);
                    let latency_ms = millis(attempt_started.elapsed());
                    span.record("latency_ms", latency_ms);
                    if let Attempt::Status { status, .. } = attempt {
                        span.record("status", status);
                    }
                    tracing::debug!(attempt = attempts, outcome = ?attempt, latency_ms, "attempt finished");
                }

                let delay = match self.retry_delay(&mut request, attempt, result, attempts, started)
                {
                    ControlFlow::Continue(delay) => delay,
                    ControlFlow::Break(result) => return result,
                };
                tracing::debug!(delay_ms = millis(delay), "retrying");
                tokio::time::sleep(delay).await;
            }
        }
    }

    /// The URL `request` is sent to: the base URL, the request's percent-encoded segments and
    /// its query, exactly as they go on the wire (what a response signature over the request
    /// target covers).
    pub fn url_for(&self, request: &Request) -> Result<Url, LicenseError> {
        let mut url = self.inner.base_url.clone();
        if url.cannot_be_a_base() {
            return Err(LicenseError::config("the base URL cannot take a path")
                .with_provider(self.provider()));
        }
        let base = url.path().trim_end_matches('/');
        let mut path = String::with_capacity(base.len() + request.0.path.len() + 1);
        path.push_str(base);
        path.push_str(&request.0.path);
        if request.0.trailing_slash {
            path.push('/');
        }
        url.set_path(&path);
        if !request.0.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.0.query);
        }
        Ok(url)
    }

    pub(crate) fn fail(
        &self,
        request: &Request,
        kind: ErrorKind,
        message: &str,
        attempts: u32,
        attempt: Attempt,
    ) -> LicenseError {
        self.tag(request, LicenseError::new(kind, message), attempts)
            .with_may_have_been_applied(may_have_been_applied(request.0.idempotency, attempt))
    }

    pub(crate) fn tag(
        &self,
        request: &Request,
        error: LicenseError,
        attempts: u32,
    ) -> LicenseError {
        error
            .with_provider(self.inner.identity.provider)
            .with_operation(request.0.operation)
            .with_attempts(attempts)
    }
}

/// Whole milliseconds, for traces (saturating rather than truncating).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

pub(crate) fn backoff_delays(options: &HttpOptions) -> impl Iterator<Item = Duration> {
    let policy = &options.retry;
    let mut builder = ExponentialBuilder::default()
        .with_min_delay(policy.initial_delay)
        .with_max_delay(policy.max_delay)
        .with_factor(2.0)
        .with_max_times(usize::try_from(policy.max_retries).unwrap_or(usize::MAX));
    if policy.jitter {
        builder = builder.with_jitter();
    }
    builder.build()
}
