//! What an attempt's outcome means for the call: a response or an error, then whether (and
//! after how long) to try again. Plain functions, so that none of it is held in the call's
//! future across a wait.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use bytes::Bytes;
use keyward_core::{ErrorKind, LicenseError};

use crate::attempt::AttemptError;
use crate::client::{HttpClient, backoff_delays};
use crate::request::Request;
use crate::response::Response;
use crate::retry::{Attempt, may_have_been_applied, retry_after_with, should_retry};

/// What one attempt (within its time budget) gave.
pub(crate) type Outcome =
    Result<Result<(u16, http::HeaderMap, Bytes), AttemptError>, tokio::time::error::Elapsed>;

impl HttpClient {
    /// The attempt's outcome as the answer it is (or the error it is), with what it says for a
    /// retry; `Err` for a failure that no retry can mend. The request's redactor moves into
    /// the response.
    pub(crate) fn judge(
        &self,
        outcome: Outcome,
        request: &mut Request,
        attempts: u32,
        budget: Duration,
    ) -> Result<(Attempt, Result<Response, LicenseError>), LicenseError> {
        Ok(match outcome {
            Err(_elapsed) => (
                Attempt::NoAnswer,
                Err(self.fail(
                    request,
                    ErrorKind::Timeout,
                    &format!("no complete answer within {} ms", budget.as_millis()),
                    attempts,
                    Attempt::NoAnswer,
                )),
            ),
            Ok(Err(AttemptError::Transport { not_sent, error })) => {
                let attempt = if not_sent {
                    Attempt::NotSent
                } else {
                    Attempt::NoAnswer
                };
                let kind = if error.is_timeout() {
                    ErrorKind::Timeout
                } else {
                    ErrorKind::Network
                };
                let message = if not_sent {
                    "could not connect"
                } else {
                    "the connection failed before a complete answer"
                };
                (
                    attempt,
                    Err(self
                        .fail(request, kind, message, attempts, attempt)
                        .with_source(error)),
                )
            }
            Ok(Err(AttemptError::Fatal(error))) => {
                return Err(self.tag(request, error, attempts));
            }
            Ok(Ok((status, headers, body))) => {
                crate::answer_date::note(&headers);
                // The clock is read only for a delay given as an HTTP date.
                let retry_after = retry_after_with(&headers, || self.inner.options.clock.now());
                let attempt = Attempt::Status {
                    status,
                    has_retry_after: retry_after.is_some(),
                };
                let response = Response {
                    status,
                    headers,
                    body,
                    retry_after,
                    may_have_been_applied: may_have_been_applied(request.0.idempotency, attempt),
                    attempts,
                    provider: self.inner.identity.provider,
                    operation: request.0.operation,
                    // Moved, not copied: a retry takes it back (`retry_delay`).
                    redactor: std::mem::take(&mut request.0.redactor),
                    error_parser: self.inner.error_parser.clone(),
                };
                (attempt, Ok(response))
            }
        })
    }

    /// How long to wait before trying `request` again after attempt number `attempts`; `Break`
    /// with the result to return when it is final (a success, a call not safe to repeat, retries
    /// or the deadline used up, a provider asking for more than the policy waits). The answer
    /// retried is dropped: its redactor goes back to the request.
    pub(crate) fn retry_delay(
        &self,
        request: &mut Request,
        attempt: Attempt,
        result: Result<Response, LicenseError>,
        attempts: u32,
        started: Instant,
    ) -> ControlFlow<Result<Response, LicenseError>, Duration> {
        let options = &self.inner.options;
        let succeeded = matches!(&result, Ok(r) if r.is_success());
        if succeeded || !should_retry(request.0.idempotency, attempt) {
            return ControlFlow::Break(result);
        }
        // The policy's delay before retry number `attempts`: its schedule is built only when a
        // retry is due.
        let retry = usize::try_from(attempts.saturating_sub(1)).unwrap_or(usize::MAX);
        let Some(backoff_delay) = backoff_delays(options).nth(retry) else {
            return ControlFlow::Break(result);
        };
        let asked = result.as_ref().ok().and_then(Response::retry_after);
        let delay = match asked {
            // Longer than the policy will wait: the caller gets the rate-limited answer now,
            // with the provider's delay, rather than a call frozen for the cap.
            Some(asked) if asked > options.retry.max_retry_after => {
                return ControlFlow::Break(result);
            }
            Some(asked) => asked,
            None => backoff_delay,
        };
        if started.elapsed().saturating_add(delay) >= options.deadline {
            return ControlFlow::Break(result);
        }
        if let Ok(response) = result {
            request.0.redactor = response.redactor;
        }
        ControlFlow::Continue(delay)
    }
}
