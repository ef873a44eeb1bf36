//! The provider's clock as its answers state it: the `Date` header of every response, read here
//! and nowhere else, and handed to whoever asked to observe a call.
//!
//! An observer wraps a call in [`observe_answer_date`]; the transport notes the `Date` of each
//! response it receives inside it (a task-local slot, so concurrent calls never mix). Providers
//! need no change, and a call made without an observer costs one failed task-local lookup.

use std::cell::Cell;
use std::future::Future;

use chrono::{DateTime, Utc};
use http::HeaderMap;

tokio::task_local! {
    static LATEST: Cell<Option<DateTime<Utc>>>;
}

/// Runs `call` and answers its output with the `Date` of the last response received during it
/// (`None` when no response came, or none had a readable `Date`). The date is the provider's
/// statement, unauthenticated beyond the TLS connection it came over: trust it no further than
/// that.
pub async fn observe_answer_date<F: Future>(call: F) -> (F::Output, Option<DateTime<Utc>>) {
    LATEST
        .scope(Cell::new(None), async move {
            let output = call.await;
            (output, LATEST.with(Cell::get))
        })
        .await
}

/// The `Date` header as a time, in the IMF-fixdate form every HTTP/1.1 server sends (the
/// obsolete RFC 850 and asctime forms are not read).
pub fn answer_date(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let value = headers.get(http::header::DATE)?.to_str().ok()?;
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// Notes a response's `Date` for the observer of this call, if there is one.
pub(crate) fn note(headers: &HeaderMap) {
    let _no_observer = LATEST.try_with(|latest| {
        if let Some(at) = answer_date(headers) {
            latest.set(Some(at));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::DATE, value.parse().unwrap());
        headers
    }

    #[tokio::test]
    async fn the_last_dated_answer_of_the_observed_call_is_its_date() {
        let first = dated("Sun, 06 Nov 1994 08:49:37 GMT");
        let second = dated("Mon, 07 Nov 1994 08:49:37 GMT");
        let ((), at) = observe_answer_date(async {
            note(&first);
            note(&second);
            note(&HeaderMap::new());
            note(&dated("not a date"));
        })
        .await;
        assert_eq!(at, "1994-11-07T08:49:37Z".parse().ok());
        // Unobserved calls note nothing and do not fail.
        note(&first);
        let ((), none) = observe_answer_date(async {}).await;
        assert_eq!(none, None);
    }
}
