//! A loopback fault server written by hand: reads each request, counts it, then misbehaves as
//! told. Bounded: every connection ends after [`LIFETIME`]; the accept loop stops when dropped.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The longest any connection is served.
const LIFETIME: Duration = Duration::from_secs(15);

/// What the server does after reading a request.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fault {
    /// Nothing listens: the connection is refused.
    Refused,
    /// Closes without a byte of answer.
    Closed,
    /// Sends part of the status line and headers, then resets the connection.
    ResetMidHeaders,
    /// Never answers.
    Hang,
    /// Headers, then one body byte every 200 ms of a 10,000-byte Content-Length.
    Trickle,
    /// Content-Length 100, ten bytes, then close.
    ShortBody,
    /// A 200 chunked body that never ends.
    EndlessChunked,
    /// A complete answer: status, extra header lines, body.
    Answer(u16, &'static str, &'static [u8]),
    /// 200 with 100,000-deep JSON.
    Deep,
    /// 200 with a body of this many bytes, chunked (no Content-Length) or not.
    Big(usize, bool),
    /// 302 to another host (a second counting server named `localhost`).
    Redirect,
}

/// A running fault server.
pub(crate) struct FaultServer {
    pub(crate) url: String,
    pub(crate) requests: Arc<AtomicUsize>,
    /// Requests the redirect target saw.
    pub(crate) elsewhere: Arc<AtomicUsize>,
    tasks: Vec<JoinHandle<()>>,
}

impl FaultServer {
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for FaultServer {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

pub(crate) async fn serve(fault: Fault) -> FaultServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let elsewhere = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    if matches!(fault, Fault::Refused) {
        drop(listener);
        return FaultServer {
            url,
            requests,
            elsewhere,
            tasks,
        };
    }
    let mut location = String::new();
    if matches!(fault, Fault::Redirect) {
        let other = TcpListener::bind("127.0.0.1:0").await.unwrap();
        location = format!(
            "http://localhost:{}/moved",
            other.local_addr().unwrap().port()
        );
        let answer = Fault::Answer(200, "", b"{}");
        tasks.push(accept(
            other,
            answer,
            elsewhere.clone(),
            Arc::new(String::new()),
        ));
    }
    tasks.push(accept(
        listener,
        fault,
        requests.clone(),
        Arc::new(location),
    ));
    FaultServer {
        url,
        requests,
        elsewhere,
        tasks,
    }
}

fn accept(
    listener: TcpListener,
    fault: Fault,
    requests: Arc<AtomicUsize>,
    location: Arc<String>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let requests = requests.clone();
            let location = location.clone();
            tokio::spawn(async move {
                let served = connection(stream, fault, &requests, &location);
                let _ = tokio::time::timeout(LIFETIME, served).await;
            });
        }
    })
}

async fn connection(mut stream: TcpStream, fault: Fault, requests: &AtomicUsize, location: &str) {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
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
        requests.fetch_add(1, Ordering::SeqCst);
        if !misbehave(&mut stream, fault, location).await {
            return;
        }
    }
}

/// Answers one request; false when the connection is done.
async fn misbehave(stream: &mut TcpStream, fault: Fault, location: &str) -> bool {
    match fault {
        Fault::Refused | Fault::Closed => false,
        Fault::ResetMidHeaders => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-ty").await;
            let _ = stream.flush().await;
            let _ = stream.set_zero_linger();
            false
        }
        Fault::Hang => {
            tokio::time::sleep(LIFETIME).await;
            false
        }
        Fault::Trickle => {
            let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 10000\r\n\r\n{";
            if stream.write_all(head).await.is_err() {
                return false;
            }
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                if stream.write_all(b" ").await.is_err() {
                    return false;
                }
            }
        }
        Fault::ShortBody => {
            let out = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"valid\":t";
            let _ = stream.write_all(out).await;
            false
        }
        Fault::EndlessChunked => {
            let head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            if stream.write_all(head).await.is_err() {
                return false;
            }
            let piece = format!("{:x}\r\n{}\r\n", 4096, " ".repeat(4096));
            while stream.write_all(piece.as_bytes()).await.is_ok() {}
            false
        }
        Fault::Answer(status, headers, body) => stream
            .write_all(&answer(status, headers, body, false))
            .await
            .is_ok(),
        Fault::Deep => {
            let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
            stream
                .write_all(&answer(200, "", deep.as_bytes(), false))
                .await
                .is_ok()
        }
        Fault::Big(size, chunked) => {
            let body = format!("{{\"pad\":\"{}\"}}", "x".repeat(size));
            stream
                .write_all(&answer(200, "", body.as_bytes(), chunked))
                .await
                .is_ok()
        }
        Fault::Redirect => {
            let headers = format!("location: {location}\r\n");
            stream
                .write_all(&answer(302, &headers, b"", false))
                .await
                .is_ok()
        }
    }
}

/// A raw answer: Content-Length or chunked.
fn answer(status: u16, headers: &str, body: &[u8], chunked: bool) -> Vec<u8> {
    let framing = if chunked {
        "transfer-encoding: chunked".to_owned()
    } else {
        format!("content-length: {}", body.len())
    };
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{headers}{framing}\r\n\r\n"
    )
    .into_bytes();
    if chunked {
        for piece in body.chunks(16 * 1024) {
            out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
            out.extend_from_slice(piece);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(b"0\r\n\r\n");
    } else {
        out.extend_from_slice(body);
    }
    out
}

/// A loopback TCP proxy in front of a server, counting the connections open at once.
pub(crate) struct Proxy {
    pub(crate) url: String,
    open: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
    accepted: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// The most connections open at once, and connections accepted in all.
    pub(crate) fn connections(&self) -> (usize, usize) {
        (
            self.peak.load(Ordering::SeqCst),
            self.accepted.load(Ordering::SeqCst),
        )
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Proxies to `upstream` (`http://127.0.0.1:port/base/path`); the proxy's URL keeps the path.
pub(crate) async fn proxy(upstream: &str) -> Proxy {
    let rest = upstream.trim_start_matches("http://");
    let (target, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let target = target.to_owned();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}{path}", listener.local_addr().unwrap());
    let (open, peak, accepted) = Default::default();
    let counts: [&Arc<AtomicUsize>; 3] = [&open, &peak, &accepted];
    let [o, p, a] = counts.map(Arc::clone);
    let task = tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let (open, peak, target) = (o.clone(), p.clone(), target.clone());
            a.fetch_add(1, Ordering::SeqCst);
            peak.fetch_max(open.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(&target).await {
                    let both = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    let _ = tokio::time::timeout(LIFETIME * 4, both).await;
                }
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Proxy {
        url,
        open,
        peak,
        accepted,
        task,
    }
}
