//! One attempt: send the request, read the status and headers, read the body up to the cap.

use bytes::{Bytes, BytesMut};
use keyward_core::{ErrorKind, LicenseError};
use url::Url;

use crate::client::HttpClient;
use crate::request::{Auth, Body, Request};
use crate::retry::{Attempt, may_have_been_applied};

impl HttpClient {
    pub(crate) async fn attempt(
        &self,
        request: &Request,
        url: &Url,
    ) -> Result<(u16, http::HeaderMap, Bytes), AttemptError> {
        // Set per request so that an injected client sends it too.
        let mut builder = self
            .inner
            .client
            .request(request.method.clone(), url.clone())
            .header(http::header::USER_AGENT, self.inner.user_agent.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        match &request.auth {
            Some(Auth::Bearer(key)) => {
                let mut value = http::HeaderValue::from_str(&format!("Bearer {}", key.expose()))
                    .map_err(|_| {
                        AttemptError::Fatal(LicenseError::config(
                            "the API key cannot be sent in a header",
                        ))
                    })?;
                value.set_sensitive(true);
                builder = builder.header(http::header::AUTHORIZATION, value);
            }
            Some(Auth::Header(name, key)) => {
                let mut value = http::HeaderValue::from_str(key.expose()).map_err(|_| {
                    AttemptError::Fatal(LicenseError::config(
                        "the API key cannot be sent in a header",
                    ))
                })?;
                value.set_sensitive(true);
                builder = builder.header(name, value);
            }
            None => {}
        }
        if let Body::Bytes {
            content_type,
            bytes,
        } = &request.body
        {
            builder = builder
                .header(http::header::CONTENT_TYPE, *content_type)
                .body(bytes.clone());
        }
        let mut response = builder.send().await.map_err(AttemptError::transport)?;
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
                    may_have_been_applied(request.idempotency, attempt),
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
