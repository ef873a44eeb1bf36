//! What the server does after reading a request: answer, or misbehave.

use std::time::Duration;

use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::answer::compose;

/// What the server does after reading each request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Nothing listens: connecting is refused.
    Refused,
    /// Closes without a byte of answer.
    Closed,
    /// Sends part of the status line and headers, then resets the connection.
    ResetMidHeaders,
    /// Never answers (the connection ends with the server's lifetime).
    Hang,
    /// Headers of a 10,000-byte Content-Length, then one body byte every 200 ms.
    Trickle,
    /// Content-Length 100, ten bytes, then close.
    ShortBody,
    /// A 200 chunked body that never ends.
    EndlessChunked,
    /// A complete JSON answer: status, extra header lines (each ending in `\r\n`), body.
    Answer(u16, &'static str, &'static [u8]),
    /// These bytes exactly, status line included (see [`answer`](crate::answer),
    /// [`chunked`](crate::chunked), [`compose`](crate::compose)); they may lie.
    Raw(Vec<u8>),
    /// 200 with 100,000-deep JSON.
    Deep,
    /// 200 with a JSON body of about this many bytes, chunked (no Content-Length) or not.
    Big(usize, bool),
    /// 302 to another host: a second server on `localhost` that answers `200 {}` and counts
    /// what it is sent ([`Server::elsewhere`](crate::Server::elsewhere)).
    Redirect,
}

/// How often [`Fault::Trickle`] sends a byte.
const TRICKLE: Duration = Duration::from_millis(200);

impl Fault {
    /// Answers one request as told; `false` when the connection is done. `location` is where
    /// [`Fault::Redirect`] points.
    pub(crate) async fn respond(&self, stream: &mut TcpStream, location: &str) -> bool {
        match self {
            Self::Refused | Self::Closed => false,
            Self::ResetMidHeaders => {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-ty").await;
                let _ = stream.flush().await;
                let _ = stream.set_zero_linger();
                false
            }
            Self::Hang => std::future::pending().await,
            Self::Trickle => {
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{";
                if stream.write_all(head).await.is_err() {
                    return false;
                }
                loop {
                    tokio::time::sleep(TRICKLE).await;
                    if stream.write_all(b" ").await.is_err() {
                        return false;
                    }
                }
            }
            Self::ShortBody => {
                let out = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"valid\":t";
                let _ = stream.write_all(out).await;
                false
            }
            Self::EndlessChunked => {
                let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if stream.write_all(head).await.is_err() {
                    return false;
                }
                let piece = format!("{:x}\r\n{}\r\n", 4096, " ".repeat(4096));
                while stream.write_all(piece.as_bytes()).await.is_ok() {}
                false
            }
            Self::Answer(status, headers, body) => {
                send(stream, &compose(*status, headers, body, false)).await
            }
            Self::Raw(bytes) => send(stream, bytes).await,
            Self::Deep => {
                let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
                send(stream, &compose(200, "", deep.as_bytes(), false)).await
            }
            Self::Big(size, chunked) => {
                let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(*size));
                send(stream, &compose(200, "", body.as_bytes(), *chunked)).await
            }
            Self::Redirect => {
                let headers = format!("location: {location}\r\n");
                send(stream, &compose(302, &headers, b"", false)).await
            }
        }
    }
}

/// Writes `bytes`; `false` when the connection is gone.
async fn send(stream: &mut (impl AsyncWrite + Unpin), bytes: &[u8]) -> bool {
    stream.write_all(bytes).await.is_ok()
}
