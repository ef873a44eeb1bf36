//! A loopback HTTP/1.1 server written by hand: canned raw answers (chunked, lying, hanging) and a
//! count of the connections open at once.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server saw.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Requests read.
    pub(crate) requests: AtomicUsize,
    /// Connections open now.
    pub(crate) open: AtomicUsize,
    /// The most connections open at once.
    pub(crate) peak: AtomicUsize,
    /// Connections accepted in all.
    pub(crate) accepted: AtomicUsize,
    /// Requests being answered now.
    pub(crate) busy: AtomicUsize,
    /// The most requests being answered at once.
    pub(crate) peak_busy: AtomicUsize,
}

/// A running server: its base URL and counters.
pub(crate) struct RawServer {
    pub(crate) url: String,
    pub(crate) counters: Arc<Counters>,
}

/// Serves `answer` (raw bytes, status line included) to every request, after `delay`, keeping
/// connections alive as long as the client does.
pub(crate) async fn serve(answer: Vec<u8>, delay: Duration) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counters = Arc::new(Counters::default());
    let answer = Arc::new(answer);
    let shared = counters.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let counters = shared.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                counters.accepted.fetch_add(1, Ordering::SeqCst);
                let now = counters.open.fetch_add(1, Ordering::SeqCst) + 1;
                counters.peak.fetch_max(now, Ordering::SeqCst);
                connection(stream, &answer, delay, &counters).await;
                counters.open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    RawServer { url, counters }
}

async fn connection(mut stream: TcpStream, answer: &[u8], delay: Duration, counters: &Counters) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        // One request: headers, then a body of Content-Length bytes.
        let end = loop {
            if let Some(at) = find(&buffer, b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..end + length);
        counters.requests.fetch_add(1, Ordering::SeqCst);
        let now = counters.busy.fetch_add(1, Ordering::SeqCst) + 1;
        counters.peak_busy.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(delay).await;
        counters.busy.fetch_sub(1, Ordering::SeqCst);
        if stream.write_all(answer).await.is_err() {
            return;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A complete answer with a Content-Length.
pub(crate) fn answer(status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A chunked answer (no Content-Length), the body in chunks of 64 KiB.
pub(crate) fn chunked(status: u16, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for piece in body.chunks(64 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}
