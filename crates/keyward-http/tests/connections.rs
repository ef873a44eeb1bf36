//! One client, a thousand callers: the connections it opens stay within its bound.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::Duration;

use common::identity;
use keyward_http::{HttpClient, HttpOptions, Request};
use keyward_test_support::{Fault, Loopback, answer};

/// (most requests answered at once, most connections open at once, connections in all)
async fn peaks_with(options: HttpOptions, callers: usize) -> (usize, usize, usize) {
    // A slow answer keeps every connection busy, so an unbounded client opens one per caller.
    let server = Loopback::new(Fault::Raw(answer(200, br#"{"valid":true}"#)))
        .delay(Duration::from_millis(5))
        .start()
        .await
        .unwrap();
    let http = HttpClient::new(identity(), server.url(), options).unwrap();
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let http = http.clone();
            tokio::spawn(async move {
                let request = Request::get("validate", ["validate"]).unwrap();
                http.send_json::<serde_json::Value>(request).await
            })
        })
        .collect();
    let mut errors = 0;
    for task in tasks {
        if task.await.unwrap().is_err() {
            errors += 1;
        }
    }
    assert_eq!(errors, 0);
    let c = server.counters();
    assert_eq!(c.requests(), callers);
    (c.peak_busy(), c.peak(), c.accepted())
}

/// Requests in flight never exceed the bound. Connections follow it: a connection is opened only
/// by a request holding a turn, and the client keeps at most the bound idle; hyper's pool may
/// still finish a connect that lost the race to a connection coming back (seen: 32–33 for 32),
/// never hundreds (681–991 before the bound).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_callers_never_exceed_the_connection_bound() {
    for bound in [32, 4] {
        let options = HttpOptions::new().max_connections(bound);
        let (busy, open, accepted) = peaks_with(options, 1_000).await;
        eprintln!(
            "bound {bound}: {busy} requests at once, {open} connections at once, {accepted} in all"
        );
        assert!((1..=bound).contains(&busy), "{busy} requests at once");
        assert!(open <= bound + bound / 2, "{open} connections at once");
    }
}
