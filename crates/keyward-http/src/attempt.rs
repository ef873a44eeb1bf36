//! One attempt: send the request, read the status and headers, read the body up to the cap.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};
use keyward_core::{ErrorKind, LicenseError};
use url::Url;

use crate::client::HttpClient;
use crate::request::{Auth, Body, Request, static_value};
use crate::retry::{Attempt, may_have_been_applied};

impl HttpClient {
    pub(crate) async fn attempt(
        &self,
        request: &Request,
        url: &Url,
    ) -> Result<(u16, http::HeaderMap, Bytes), AttemptError> {
        // Built by a plain function: the request under construction is no local of this
        // future, which then stays small (it is part of every call's future, boxed behind a
        // `dyn` provider).
        let built = self.build(request, url)?;
        let mut response = self
            .inner
            .client
            .execute(built)
            .await
            .map_err(AttemptError::transport)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let cap = self.inner.options.max_body_bytes;
        // The status arrived: whether the request took effect is judged from it.
        let too_large =
            || {
                let attempt = Attempt::Status {
                    status,
                    has_retry_after: false,
                };
                AttemptError::Fatal(body_too_large(cap, status).with_may_have_been_applied(
                    may_have_been_applied(request.0.idempotency, attempt),
                ))
            };
        if response
            .content_length()
            .is_some_and(|len| u64::try_from(cap).is_ok_and(|cap| len > cap))
        {
            return Err(too_large());
        }
        // A body that arrives in one chunk (the common case) is kept as it came, without a
        // copy; only a second chunk starts a buffer.
        let mut first: Option<Bytes> = None;
        let mut rest = BytesMut::new();
        while let Some(chunk) = response.chunk().await.map_err(AttemptError::transport)? {
            let held = first.as_ref().map_or(0, Bytes::len) + rest.len();
            if held + chunk.len() > cap {
                return Err(too_large());
            }
            match &first {
                None => first = Some(chunk),
                Some(head) => {
                    if rest.is_empty() {
                        rest.reserve(head.len() + chunk.len());
                        rest.extend_from_slice(head);
                    }
                    rest.extend_from_slice(&chunk);
                }
            }
        }
        let body = if rest.is_empty() {
            first.unwrap_or_default()
        } else {
            rest.freeze()
        };
        Ok((status, headers, body))
    }
}

impl HttpClient {
    /// The attempt's `reqwest::Request`.
    fn build(&self, request: &Request, url: &Url) -> Result<reqwest::Request, AttemptError> {
        // Built as a `reqwest::Request` in place (headers sized once) rather than through a
        // `RequestBuilder`, which is moved by value at every step.
        let mut built = reqwest::Request::new(request.0.method.clone(), url.clone());
        let headers = built.headers_mut();
        // (Room for what reqwest and hyper add too: `accept`, `content-length`.)
        headers.reserve(request.0.headers.len() + 6);
        // Set per request so that an injected client sends it too.
        headers.append(http::header::USER_AGENT, self.inner.user_agent.clone());
        for (name, value) in &request.0.headers {
            headers.append(name, value.clone());
        }
        let auth = match &request.0.auth {
            Some(Auth::Bearer(key)) => Some((
                http::header::AUTHORIZATION,
                Cow::Owned(format!("Bearer {}", key.expose())),
            )),
            Some(Auth::Header(name, key)) => Some((name.clone(), Cow::Borrowed(key.expose()))),
            None => None,
        };
        if let Some((name, text)) = auth {
            let mut value = http::HeaderValue::from_str(&text).map_err(|_| {
                AttemptError::Fatal(LicenseError::config(
                    "the API key cannot be sent in a header",
                ))
            })?;
            value.set_sensitive(true);
            headers.append(name, value);
        }
        if let Body::Bytes {
            content_type,
            bytes,
        } = &request.0.body
        {
            let Some(value) = static_value(content_type) else {
                // Not a valid header value: reqwest's own builder says why, as it always did.
                return Err(self.unbuildable(request, url, content_type));
            };
            headers.append(http::header::CONTENT_TYPE, value);
            *built.body_mut() = Some(reqwest::Body::from(bytes.clone()));
        }
        Ok(built)
    }

    /// The error reqwest's builder gives for a content type that is not a header value.
    #[cold]
    fn unbuildable(&self, request: &Request, url: &Url, content_type: &str) -> AttemptError {
        let built = self
            .inner
            .client
            .request(request.0.method.clone(), url.clone())
            .header(http::header::CONTENT_TYPE, content_type)
            .build();
        match built {
            Err(error) => AttemptError::transport(error),
            Ok(_) => AttemptError::Fatal(LicenseError::invalid_input(
                "the request could not be built",
            )),
        }
    }
}

pub(crate) enum AttemptError {
    /// A failure of the connection; `not_sent` when it failed before the request could leave.
    Transport {
        not_sent: bool,
        error: reqwest::Error,
    },
    /// A failure that retrying cannot mend.
    Fatal(LicenseError),
}

impl AttemptError {
    pub(crate) fn transport(error: reqwest::Error) -> Self {
        // A request reqwest could not even build (a bad content type, say) never left: it is an
        // input error, neither retried nor "maybe applied".
        if error.is_builder() {
            return Self::Fatal(
                LicenseError::invalid_input("the request could not be built")
                    .with_source(error.without_url()),
            );
        }
        // The URL may carry secrets in its query: drop it from the error.
        Self::Transport {
            not_sent: error.is_connect(),
            error: error.without_url(),
        }
    }
}

fn body_too_large(cap: usize, status: u16) -> LicenseError {
    LicenseError::new(
        ErrorKind::BodyTooLarge,
        format!("the response body (HTTP {status}) is larger than the {cap}-byte cap"),
    )
}
