//! A canned-body HTTP/1.1 server on loopback: each route answers the same bytes every time,
//! over keep-alive connections. It parses just enough HTTP for a client that sends
//! `Content-Length` bodies (reqwest does), so that it costs as little as possible of each call
//! and both clients measured against it pay the same.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One canned answer: a method and an exact path (the query is ignored).
#[derive(Debug, Clone)]
pub struct Route {
    method: &'static str,
    path: String,
    response: Vec<u8>,
}

impl Route {
    /// `method path` answers `status` with `body` as `application/json`.
    pub fn json(method: &'static str, path: impl Into<String>, status: u16, body: &[u8]) -> Self {
        let head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            reason(status),
            body.len()
        );
        let mut response = head.into_bytes();
        response.extend_from_slice(body);
        Self {
            method,
            path: path.into(),
            response,
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        404 => "Not Found",
        _ => "Status",
    }
}

const NOT_FOUND: &[u8] = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";

/// A running canned server; it stops with the runtime that serves it.
#[derive(Debug)]
pub struct CannedServer {
    addr: SocketAddr,
}

impl CannedServer {
    /// Binds `127.0.0.1:0` and serves `routes` on the current tokio runtime.
    pub async fn start(routes: Vec<Route>) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let routes: &'static [Route] = Vec::leak(routes);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, routes));
            }
        });
        Ok(Self { addr })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }
}

/// Answers requests on one connection until the client closes it.
async fn serve(mut stream: TcpStream, routes: &'static [Route]) {
    if stream.set_nodelay(true).is_err() {
        return;
    }
    let mut buf: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let Some((consumed, route)) = next_request(&buf, routes) else {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            continue;
        };
        let response = route.map_or(NOT_FOUND, |r| r.response.as_slice());
        if stream.write_all(response).await.is_err() {
            return;
        }
        buf.drain(..consumed);
    }
}

/// Once the first request in `buf` is complete: its length (head and body) and its route.
/// The head is parsed with `httparse` (what hyper uses), so that the server's share of a call
/// hardly grows with the size of the request.
fn next_request(buf: &[u8], routes: &'static [Route]) -> Option<(usize, Option<&'static Route>)> {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut request = httparse::Request::new(&mut headers);
    let head_len = match request.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        // A partial head waits for more; a malformed one is dropped whole.
        Ok(httparse::Status::Partial) => return None,
        Err(_) => return Some((buf.len(), None)),
    };
    let body_len = request
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
        .unwrap_or(0);
    if buf.len() < head_len + body_len {
        return None;
    }
    let method = request.method.unwrap_or("");
    let target = request.path.unwrap_or("");
    let path = target.split('?').next().unwrap_or(target);
    let route = routes.iter().find(|r| r.matches(method, path));
    Some((head_len + body_len, route))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_framed_by_content_length_and_routed_without_the_query() {
        let routes: &'static [Route] = Vec::leak(vec![Route::json("POST", "/a", 200, b"{}")]);
        let one = b"POST /a?x=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc";
        assert!(next_request(&one[..one.len() - 1], routes).is_none());
        let (len, route) = next_request(one, routes).unwrap();
        assert_eq!(len, one.len());
        assert!(route.is_some());
        let get = b"GET /a HTTP/1.1\r\ncontent-length:0\r\n\r\nGET";
        let (len, route) = next_request(get, routes).unwrap();
        assert_eq!(len, get.len() - 3);
        assert!(route.is_none());
    }

    #[tokio::test(flavor = "current_thread")]
    async fn answers_routes_and_404s_on_one_connection() {
        let server = CannedServer::start(vec![Route::json("GET", "/k", 200, b"{\"a\":1}")])
            .await
            .unwrap();
        let client = reqwest::Client::new();
        for _ in 0..2 {
            let ok = client.get(format!("{}/k?q=1", server.uri())).send().await;
            let ok = ok.unwrap();
            assert_eq!(ok.status(), 200);
            assert_eq!(ok.text().await.unwrap(), "{\"a\":1}");
        }
        let missing = client.post(format!("{}/k", server.uri())).body("xy");
        assert_eq!(missing.send().await.unwrap().status(), 404);
    }
}
