//! A raw client for the servers under test.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A request with no body.
pub(crate) const GET: &[u8] = b"GET /things/1 HTTP/1.1\r\nhost: test\r\n\r\n";

/// Connects to `server` and sends `request`.
pub(crate) async fn send(server: &keyward_test_support::Server, request: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(server.address()).await.unwrap();
    stream.write_all(request).await.unwrap();
    stream
}

/// What the stream yields until it ends, fails or `wait` passes, and how it ended: `Ok(true)`
/// at its end, `Ok(false)` when still open, `Err` on an error.
pub(crate) async fn read_for(
    stream: &mut TcpStream,
    wait: Duration,
) -> (Vec<u8>, io::Result<bool>) {
    let mut got = Vec::new();
    let mut chunk = [0u8; 65536];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk)).await {
            Err(_) => return (got, Ok(false)),
            Ok(Ok(0)) => return (got, Ok(true)),
            Ok(Ok(n)) => got.extend_from_slice(&chunk[..n]),
            Ok(Err(e)) => return (got, Err(e)),
        }
    }
}

/// Reads exactly `len` bytes, within 5 s.
pub(crate) async fn read_exact(stream: &mut TcpStream, len: usize) -> Vec<u8> {
    let mut got = vec![0; len];
    tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut got))
        .await
        .expect("in time")
        .unwrap();
    got
}

/// The head (up to the blank line) and the rest.
pub(crate) fn split(raw: &[u8]) -> (String, &[u8]) {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head")
        + 4;
    (
        String::from_utf8_lossy(&raw[..end]).into_owned(),
        &raw[end..],
    )
}

/// A chunked body decoded; `None` unless it ends with the last chunk.
pub(crate) fn dechunk(mut raw: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = raw.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line]).ok()?, 16).ok()?;
        raw = &raw[line + 2..];
        if size == 0 {
            return (raw == b"\r\n").then_some(body);
        }
        body.extend_from_slice(raw.get(..size)?);
        raw = raw.get(size + 2..)?;
    }
}
