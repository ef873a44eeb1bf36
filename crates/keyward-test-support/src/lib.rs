//! Loopback test servers of the licensing workspace, for tests only (not published).
//!
//! One hand-written HTTP/1.1 server on 127.0.0.1 ([`serve`], [`Loopback`]): it reads each
//! request, counts it, keeps its head, waits an optional delay, then answers or misbehaves as a
//! [`Fault`] says, or answers canned bytes by method and path ([`Loopback::routes`],
//! [`Route`]), on keep-alive connections. It also runs as a counting TCP relay ([`relay`]) and as
//! a forward-proxy stand-in ([`forward_proxy`]). Every connection ends after a lifetime, and
//! dropping the [`Server`] stops it. Errors binding or reading the socket are returned, never
//! panicked on.
//!
//! [`RedisServer`] runs a real `redis-server` on a free loopback port for the tests of the Redis
//! delivery store, and stops it (or kills it mid-run, and starts it again) as the test says.
//!
//! ```no_run
//! # async fn test() -> std::io::Result<()> {
//! use keyward_test_support::{Fault, answer, serve};
//!
//! let server = serve(Fault::Raw(answer(503, b"{}"))).await?;
//! // ... point a client at server.url() ...
//! assert_eq!(server.requests(), 0);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod answer;
mod counters;
mod fault;
mod redis;
mod request;
mod route;
mod server;

use std::io;

pub use answer::{answer, chunked, compose};
pub use counters::Counters;
pub use fault::Fault;
pub use redis::RedisServer;
pub use request::{read_request, read_request_with_body};
pub use route::Route;
pub use server::{Loopback, Server};

/// Serves `fault` to every request on a free loopback port.
pub async fn serve(fault: Fault) -> io::Result<Server> {
    Loopback::new(fault).start().await
}

/// A loopback URL nobody listens on (a port bound, then released): connecting is refused.
/// [`serve`]`(`[`Fault::Refused`]`)` gives the same as a [`Server`], inside a runtime.
pub fn refused_url() -> io::Result<String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(format!("http://{}", listener.local_addr()?))
}

/// A counting TCP relay in front of `upstream` (`http://host:port/base/path`); see
/// [`Loopback::relay`].
pub async fn relay(upstream: &str) -> io::Result<Server> {
    Loopback::relay(upstream).start().await
}

/// A stand-in for an HTTP forward proxy: it answers every request itself with
/// `{"via":"proxy"}` (and `connection: close`); [`Server::heads`] shows what it was asked.
pub async fn forward_proxy() -> io::Result<Server> {
    let answer = compose(200, "connection: close\r\n", br#"{"via":"proxy"}"#, false);
    serve(Fault::Raw(answer)).await
}
