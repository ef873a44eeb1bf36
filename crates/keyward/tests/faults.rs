//! Hostile servers and a thousand callers (issue 14 items 2 and 5).
//!
//! The fault matrix: every provider's read and non-idempotent call against one table of
//! transport and HTTP faults, each served by a small loopback server of our own that counts
//! requests. Each cell asserts the typed error, the requests seen, `may_have_been_applied`, that
//! the call ended within its deadline and no panic. That no secret shows is the canary suite's
//! (`canary.rs`), which drives every facade operation against this server.
#![cfg(all(
    feature = "dodo",
    feature = "lemonsqueezy",
    feature = "polar",
    feature = "creem",
    feature = "gumroad",
    feature = "devpayr",
    feature = "signed-license",
    feature = "keygen"
))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "faults/load.rs"]
mod load;
#[path = "faults/providers.rs"]
mod providers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::echo;
use keyward_core::LicenseError;
use keyward_http::{HttpOptions, RetryPolicy};
use keyward_test_support::Fault;
use providers::{Call, PROVIDERS};

/// Per attempt; the hang and trickle faults end here. Two seconds, not one: on a loaded 2-core
/// machine a debug build answering twelve cells at once took over a second for a plain answer.
const ATTEMPT: Duration = Duration::from_secs(2);
/// The whole call: room for three attempts of a read plus their backoff.
const DEADLINE: Duration = Duration::from_secs(8);
/// Allowed past the deadline on a loaded machine.
const SLACK: Duration = Duration::from_secs(3);
/// The body cap of every cell.
const CAP: usize = 64 * 1024;

/// The default retry policy (2 retries, 30 s longest Retry-After), with short backoff.
fn options() -> HttpOptions {
    HttpOptions::new()
        .connect_timeout(ATTEMPT)
        .attempt_timeout(ATTEMPT)
        .deadline(DEADLINE)
        .max_body_bytes(CAP)
        .retry(
            RetryPolicy::default().backoff(Duration::from_millis(20), Duration::from_millis(100)),
        )
}

/// What one call must come to.
#[derive(Clone, Copy)]
struct Expect {
    is: fn(&LicenseError) -> bool,
    what: &'static str,
    requests: usize,
    applied: bool,
}

struct Row {
    name: &'static str,
    fault: Fault,
    /// Whether the row applies to GetKeyManager (not for 2xx bodies: those fail on signature).
    signed_too: bool,
    read: Expect,
    write: Expect,
}

fn redirected(e: &LicenseError) -> bool {
    e.status() == Some(302)
}

fn absurd(e: &LicenseError) -> bool {
    e.is_rate_limited() && e.retry_after() == Some(Duration::from_secs(99_999_999))
}

const fn expect(
    is: fn(&LicenseError) -> bool,
    what: &'static str,
    requests: usize,
    applied: bool,
) -> Expect {
    Expect {
        is,
        what,
        requests,
        applied,
    }
}

const NETWORK: fn(&LicenseError) -> bool = LicenseError::is_network;
const TIMEOUT: fn(&LicenseError) -> bool = LicenseError::is_timeout;
const LIMITED: fn(&LicenseError) -> bool = LicenseError::is_rate_limited;
fn server_error(e: &LicenseError) -> bool {
    e.kind() == keyward_core::ErrorKind::Server
}

const SERVER: fn(&LicenseError) -> bool = server_error;
const DECODE: fn(&LicenseError) -> bool = LicenseError::is_decode;
const UNAUTHORIZED: fn(&LicenseError) -> bool = LicenseError::is_unauthorized;

/// A 2xx whose body cannot be read: one request; the write happened.
const fn unreadable(name: &'static str, fault: Fault) -> Row {
    Row {
        name,
        fault,
        signed_too: false,
        read: expect(DECODE, "decode", 1, false),
        write: expect(DECODE, "decode", 1, true),
    }
}

/// The fault matrix: one row per fault. Reads are retried twice by the default policy; a write
/// is sent again only when provably not applied (refused connection, 429/503 with Retry-After).
const ROWS: &[Row] = &[
    Row {
        name: "refused",
        fault: Fault::Refused,
        signed_too: true,
        read: expect(NETWORK, "network", 0, false),
        write: expect(NETWORK, "network", 0, false),
    },
    Row {
        name: "closed without answer",
        fault: Fault::Closed,
        signed_too: true,
        read: expect(NETWORK, "network", 3, false),
        write: expect(NETWORK, "network", 1, true),
    },
    Row {
        name: "reset mid-headers",
        fault: Fault::ResetMidHeaders,
        signed_too: true,
        read: expect(NETWORK, "network", 3, false),
        write: expect(NETWORK, "network", 1, true),
    },
    Row {
        name: "hang",
        fault: Fault::Hang,
        signed_too: true,
        read: expect(TIMEOUT, "timeout", 3, false),
        write: expect(TIMEOUT, "timeout", 1, true),
    },
    Row {
        name: "trickle",
        fault: Fault::Trickle,
        signed_too: true,
        read: expect(TIMEOUT, "timeout", 3, false),
        write: expect(TIMEOUT, "timeout", 1, true),
    },
    Row {
        name: "short body",
        fault: Fault::ShortBody,
        signed_too: true,
        read: expect(NETWORK, "network", 3, false),
        write: expect(NETWORK, "network", 1, true),
    },
    Row {
        name: "endless chunked",
        fault: Fault::EndlessChunked,
        signed_too: true,
        read: expect(DECODE, "decode", 1, false),
        write: expect(DECODE, "decode", 1, true),
    },
    Row {
        name: "408",
        fault: Fault::Answer(408, "", b"{}"),
        signed_too: true,
        read: expect(TIMEOUT, "timeout", 3, false),
        write: expect(TIMEOUT, "timeout", 1, false),
    },
    Row {
        name: "429",
        fault: Fault::Answer(429, "", b"{}"),
        signed_too: true,
        read: expect(LIMITED, "rate limited", 3, false),
        write: expect(LIMITED, "rate limited", 1, false),
    },
    Row {
        name: "429 Retry-After 1",
        fault: Fault::Answer(429, "retry-after: 1\r\n", b"{}"),
        signed_too: true,
        read: expect(LIMITED, "rate limited", 3, false),
        write: expect(LIMITED, "rate limited", 3, false),
    },
    Row {
        name: "429 Retry-After absurd",
        fault: Fault::Answer(429, "retry-after: 99999999\r\n", b"{}"),
        signed_too: true,
        read: expect(absurd, "rate limited, 99999999 s", 1, false),
        write: expect(absurd, "rate limited, 99999999 s", 1, false),
    },
    Row {
        name: "500",
        fault: Fault::Answer(500, "", b"{}"),
        signed_too: true,
        read: expect(SERVER, "server", 3, false),
        write: expect(SERVER, "server", 1, true),
    },
    Row {
        name: "502",
        fault: Fault::Answer(502, "", b"<html>bad gateway</html>"),
        signed_too: true,
        read: expect(SERVER, "server", 3, false),
        write: expect(SERVER, "server", 1, true),
    },
    Row {
        name: "503 Retry-After 1",
        fault: Fault::Answer(503, "retry-after: 1\r\n", b""),
        signed_too: true,
        read: expect(SERVER, "server", 3, false),
        write: expect(SERVER, "server", 3, false),
    },
    Row {
        name: "504",
        fault: Fault::Answer(504, "", b""),
        signed_too: true,
        read: expect(SERVER, "server", 3, false),
        write: expect(SERVER, "server", 1, true),
    },
    unreadable(
        "200 HTML",
        Fault::Answer(200, "", echo!("<html>", "</html>")),
    ),
    unreadable("200 empty", Fault::Answer(200, "", b"")),
    unreadable(
        "200 invalid JSON",
        Fault::Answer(200, "", echo!("{\"key\":\"", "\",\"valid\":tru")),
    ),
    unreadable(
        "200 wrong type",
        Fault::Answer(
            200,
            "",
            b"{\"id\":7,\"data\":7,\"valid\":\"yes\",\"activated\":\"yes\"}",
        ),
    ),
    unreadable("200 non-UTF-8", Fault::Answer(200, "", b"\xff\xfe\xfd")),
    unreadable(
        "200 over the cap, Content-Length",
        Fault::Big(CAP * 2, false),
    ),
    unreadable("200 over the cap, chunked", Fault::Big(CAP * 2, true)),
    unreadable("200 100,000-deep JSON", Fault::Deep),
    Row {
        name: "302 to another host",
        fault: Fault::Redirect,
        signed_too: true,
        read: expect(redirected, "HTTP 302", 1, false),
        write: expect(redirected, "HTTP 302", 1, true),
    },
    Row {
        name: "401 echoing the key",
        fault: Fault::Answer(401, "", echo!("{\"message\":\"Invalid key ", "\"}")),
        signed_too: true,
        read: expect(UNAUTHORIZED, "unauthorized", 1, false),
        write: expect(UNAUTHORIZED, "unauthorized", 1, false),
    },
    Row {
        name: "403 echoing the key",
        fault: Fault::Answer(403, "", echo!("{\"error\":\"Forbidden: ", "\"}")),
        signed_too: true,
        read: expect(UNAUTHORIZED, "unauthorized", 1, false),
        write: expect(UNAUTHORIZED, "unauthorized", 1, false),
    },
];

/// Cells whose provider documents another answer: a 403 to activate means an inactive key for
/// Dodo (`INACTIVE_LICENSE_KEY`), a refused key (`NotPermitted`: limit, inactive, expired) for
/// Polar, and the activation limit for Creem (its licenses guide): each `Conflict`.
const EXCEPTIONS: &[(&str, &str, &str, Expect)] = &[
    (
        "403 echoing the key",
        "dodo",
        "write",
        expect(LicenseError::is_conflict, "conflict", 1, false),
    ),
    (
        "403 echoing the key",
        "polar",
        "write",
        expect(LicenseError::is_conflict, "conflict", 1, false),
    ),
    (
        "403 echoing the key",
        "creem",
        "write",
        expect(LicenseError::is_conflict, "conflict", 1, false),
    ),
];

fn exception(row: &str, provider: &str, kind: &str) -> Option<Expect> {
    EXCEPTIONS
        .iter()
        .find(|(r, p, k, _)| (*r, *p, *k) == (row, provider, kind))
        .map(|e| e.3)
}

/// Runs one cell; `Err` says what was wrong.
async fn cell(fault: Fault, call: Call, want: Expect) -> Result<usize, String> {
    let server = keyward_test_support::serve(fault).await.unwrap();
    let started = Instant::now();
    let ended = tokio::time::timeout(
        DEADLINE + SLACK,
        tokio::spawn(call(server.url().to_owned(), options())),
    )
    .await;
    let elapsed = started.elapsed();
    let outcome = match ended {
        Err(_) => return Err(format!("did not end within {:?}", DEADLINE + SLACK)),
        Ok(Err(join)) => return Err(format!("panicked: {join}")),
        Ok(Ok(outcome)) => outcome,
    };
    let err = match outcome {
        Ok(()) => return Err("Ok, an error expected".into()),
        Err(err) => err,
    };
    let seen = server.requests();
    let mut wrong = Vec::new();
    if !(want.is)(&err) {
        wrong.push(format!("not {} but {:?}: {err}", want.what, err.kind()));
    }
    if seen != want.requests {
        wrong.push(format!("{seen} requests, {} expected", want.requests));
    }
    if err.may_have_been_applied() != want.applied {
        wrong.push(format!(
            "may_have_been_applied {}",
            err.may_have_been_applied()
        ));
    }
    if elapsed > DEADLINE + SLACK {
        wrong.push(format!("took {elapsed:?}"));
    }
    if server.elsewhere() != 0 {
        wrong.push("the redirect was followed".into());
    }
    if wrong.is_empty() {
        Ok(seen)
    } else {
        Err(wrong.join("; "))
    }
}

/// One test at a time in this binary, each on its own runtime: the load tests must not starve
/// the fault cells' short timeouts.
pub(crate) fn serial(test: impl std::future::Future<Output = ()>) {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(test);
}

#[test]
fn every_provider_call_against_every_fault() {
    serial(fault_matrix());
}

async fn fault_matrix() {
    let gate = Arc::new(tokio::sync::Semaphore::new(12));
    let mut cells = tokio::task::JoinSet::new();
    for row in ROWS {
        for provider in PROVIDERS {
            if provider.signed && !row.signed_too {
                continue;
            }
            for (kind, call, want) in [
                ("read", provider.read, row.read),
                ("write", provider.write, row.write),
            ] {
                let gate = gate.clone();
                let label = format!("{} / {} {kind}", row.name, provider.name);
                let fault = row.fault.clone();
                let want = exception(row.name, provider.name, kind).unwrap_or(want);
                cells.spawn(async move {
                    let _permit = gate.acquire_owned().await.unwrap();
                    (label, cell(fault, call, want).await)
                });
            }
        }
    }
    let (mut failures, mut count, mut requests) = (Vec::new(), 0, 0);
    while let Some(done) = cells.join_next().await {
        let (label, result) = done.expect("a cell panicked");
        count += 1;
        match result {
            Ok(seen) => requests += seen,
            Err(why) => failures.push(format!("{label}: {why}")),
        }
    }
    println!(
        "fault matrix: {} faults x {} providers x 2 calls = {count} cells, {requests} requests seen",
        ROWS.len(),
        PROVIDERS.len()
    );
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {count} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
