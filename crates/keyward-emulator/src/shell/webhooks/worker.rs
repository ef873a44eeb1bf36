//! The delivery thread of one webhook target: takes queued events in order, signs each attempt
//! at the emulator's time, POSTs it, and retries non-2xx answers and connection errors.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;

use super::{DeliveryState, Log, Outgoing, WebhookAttempt};

/// Signs one attempt: the provider's headers for `event` to the URL at `now`.
pub(super) type Sign =
    fn(&[u8], &url::Url, &Outgoing, DateTime<Utc>) -> Vec<(&'static str, String)>;

/// What the thread needs; the key stays on it.
pub(super) struct Worker {
    pub(super) url: url::Url,
    pub(super) key: Vec<u8>,
    pub(super) sign: Sign,
    pub(super) now: Box<dyn Fn() -> DateTime<Utc> + Send>,
    pub(super) attempts: u32,
    pub(super) backoff: Duration,
    pub(super) timeout: Duration,
    pub(super) log: Arc<Log>,
}

impl Worker {
    /// Starts the thread; it ends once the queue is dropped and drained.
    pub(super) fn spawn(self) -> io::Result<mpsc::UnboundedSender<(usize, Outgoing)>> {
        let (queue, mut events) = mpsc::unbounded_channel::<(usize, Outgoing)>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name("keyward-emulator-webhooks".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let client = reqwest::Client::builder()
                        .timeout(self.timeout)
                        .redirect(reqwest::redirect::Policy::none())
                        .build();
                    while let Some((index, event)) = events.recv().await {
                        let state = match &client {
                            Ok(client) => self.deliver(client, index, &event).await,
                            Err(error) => {
                                self.log.attempt(index, self.failed(error));
                                DeliveryState::GaveUp
                            }
                        };
                        self.log.settle(index, state);
                    }
                });
            })?;
        Ok(queue)
    }

    /// Every attempt at one event, until one is answered 2xx.
    async fn deliver(
        &self,
        client: &reqwest::Client,
        index: usize,
        event: &Outgoing,
    ) -> DeliveryState {
        let mut wait = self.backoff;
        for attempt in 0..self.attempts {
            if attempt > 0 {
                tokio::time::sleep(wait).await;
                wait = wait.saturating_mul(2);
            }
            let at = (self.now)();
            let mut request = client.post(self.url.clone()).body(event.body.clone());
            for (name, value) in (self.sign)(&self.key, &self.url, event, at) {
                request = request.header(name, value);
            }
            let (status, error) = match request.send().await {
                Ok(response) => (Some(response.status().as_u16()), None),
                Err(error) => (None, Some(describe(&error))),
            };
            self.log
                .attempt(index, WebhookAttempt { at, status, error });
            if status.is_some_and(|s| (200..300).contains(&s)) {
                return DeliveryState::Delivered;
            }
        }
        DeliveryState::GaveUp
    }

    fn failed(&self, error: &reqwest::Error) -> WebhookAttempt {
        WebhookAttempt {
            at: (self.now)(),
            status: None,
            error: Some(describe(error)),
        }
    }
}

/// What went wrong, without the URL (it may carry a token in its query).
fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_builder() {
        "could not build the request"
    } else {
        "request failed"
    };
    let mut text = what.to_owned();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
