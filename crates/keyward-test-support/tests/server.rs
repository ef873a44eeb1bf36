//! The server's counters, delay, lifetime and stop; the relay; the forward-proxy stand-in; the
//! request reader and the answer builders.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::time::{Duration, Instant};

use common::{GET, dechunk, read_exact, read_for, send, split};
use keyward_test_support::{
    Fault, Loopback, Route, answer, chunked, forward_proxy, read_request, read_request_with_body,
    relay, serve,
};

#[tokio::test]
async fn connections_and_requests_in_progress_are_counted() {
    let delay = Duration::from_millis(300);
    let fault = Fault::Raw(answer(200, b"{}"));
    let server = Loopback::new(fault).delay(delay).start().await.unwrap();
    let expected = answer(200, b"{}");
    let started = Instant::now();
    let mut first = send(&server, GET).await;
    let mut second = send(&server, GET).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    let c = server.counters();
    assert_eq!(
        (c.open(), c.accepted(), c.busy(), c.requests()),
        (2, 2, 2, 2)
    );
    assert_eq!(read_exact(&mut first, expected.len()).await, expected);
    assert_eq!(read_exact(&mut second, expected.len()).await, expected);
    assert!(started.elapsed() >= delay, "{:?}", started.elapsed());
    assert_eq!(c.busy(), 0);
    drop((first, second));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!((c.open(), c.peak(), c.peak_busy()), (0, 2, 2));
}

#[tokio::test]
async fn dropping_the_server_ends_its_connections() {
    let server = serve(Fault::Hang).await.unwrap();
    let address = server.address();
    let mut stream = send(&server, GET).await;
    let (_, end) = read_for(&mut stream, Duration::from_millis(200)).await;
    assert!(matches!(end, Ok(false)), "{end:?}");
    drop(server);
    let (got, end) = read_for(&mut stream, Duration::from_secs(2)).await;
    assert!(
        got.is_empty() && matches!(end, Ok(true) | Err(_)),
        "{end:?}"
    );
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn a_cut_relay_ends_its_connections_and_refuses_new_ones() {
    let upstream = serve(Fault::Answer(200, "", b"{}")).await.unwrap();
    let proxy = relay(upstream.url()).await.unwrap();
    let expected = answer(200, b"{}");
    let mut stream = send(&proxy, GET).await;
    assert_eq!(read_exact(&mut stream, expected.len()).await, expected);
    proxy.cut();
    let (got, end) = read_for(&mut stream, Duration::from_secs(2)).await;
    assert!(
        got.is_empty() && matches!(end, Ok(true) | Err(_)),
        "{end:?}"
    );
    assert!(
        tokio::net::TcpStream::connect(proxy.address())
            .await
            .is_err()
    );
    assert_eq!(upstream.requests(), 1);
}

#[tokio::test]
async fn the_relay_keeps_the_path_and_counts_connections() {
    let upstream = serve(Fault::Answer(200, "", b"{\"up\":1}")).await.unwrap();
    let proxy = relay(&format!("{}/base/path", upstream.url()))
        .await
        .unwrap();
    assert_eq!(proxy.url(), format!("http://{}/base/path", proxy.address()));
    let expected = answer(200, b"{\"up\":1}");
    for _ in 0..2 {
        let mut stream = send(&proxy, GET).await;
        assert_eq!(read_exact(&mut stream, expected.len()).await, expected);
    }
    let c = proxy.counters();
    assert_eq!((c.accepted(), c.requests()), (2, 0));
    assert!((1..=2).contains(&c.peak()), "{}", c.peak());
    assert_eq!(upstream.requests(), 2);
}

#[tokio::test]
async fn the_forward_proxy_answers_itself_and_keeps_what_it_was_asked() {
    let proxy = forward_proxy().await.unwrap();
    let asked = b"GET http://provider.test/things/1 HTTP/1.1\r\nhost: provider.test\r\n\r\n";
    let mut stream = send(&proxy, asked).await;
    let (got, _) = read_for(&mut stream, Duration::from_millis(300)).await;
    let (head, body) = split(&got);
    assert!(head.contains("connection: close\r\n"), "{head}");
    assert_eq!(body, br#"{"via":"proxy"}"#);
    assert_eq!(proxy.heads(), [String::from_utf8_lossy(asked).into_owned()]);
}

#[tokio::test]
async fn routes_answer_by_method_and_path_on_one_kept_connection() {
    let server = Loopback::routes(vec![
        Route::json("GET", "/k", 200, b"{\"a\":1}"),
        Route::json("POST", "/v", 201, b"{\"b\":2}"),
    ])
    .keep_heads(false)
    .start()
    .await
    .unwrap();
    assert_eq!(server.url(), format!("http://{}", server.address()));
    let get = answer(200, b"{\"a\":1}");
    let post = answer(201, b"{\"b\":2}");
    let missing = b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n";
    // Three requests at once on one connection: the query is ignored, a body is skipped, and a
    // method without a route is a 404.
    let requests = b"GET /k?q=1 HTTP/1.1\r\nhost: t\r\n\r\n\
        POST /v HTTP/1.1\r\ncontent-length: 3\r\n\r\nxyz\
        POST /k HTTP/1.1\r\ncontent-length: 0\r\n\r\n";
    let mut stream = send(&server, requests).await;
    let expected = [get.as_slice(), post.as_slice(), missing.as_slice()].concat();
    assert_eq!(read_exact(&mut stream, expected.len()).await, expected);
    // The connection stays open for more.
    tokio::io::AsyncWriteExt::write_all(&mut stream, b"GET /k HTTP/1.1\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(read_exact(&mut stream, get.len()).await, get);
    let c = server.counters();
    assert_eq!((c.accepted(), c.requests()), (1, 4));
    assert!(server.heads().is_empty(), "heads not kept");
}

#[tokio::test]
async fn a_request_is_read_up_to_its_content_length() {
    let (mut client, mut server) = tokio::io::duplex(1024);
    let two = b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\nGE";
    tokio::io::AsyncWriteExt::write_all(&mut client, two)
        .await
        .unwrap();
    drop(client);
    let mut buffer = Vec::new();
    let (first, body) = read_request_with_body(&mut server, &mut buffer)
        .await
        .unwrap();
    assert_eq!(first, "POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(body, b"hello");
    let second = read_request(&mut server, &mut buffer).await.unwrap();
    assert_eq!(second, "GET /b HTTP/1.1\r\n\r\n");
    assert_eq!(read_request(&mut server, &mut buffer).await, None);
    assert_eq!(buffer, b"GE");
}

#[test]
fn the_builders_frame_a_json_body() {
    let body = vec![b'x'; 40_000];
    let framed = answer(201, &body);
    let (head, rest) = split(&framed);
    assert!(head.starts_with("HTTP/1.1 201 "), "{head}");
    assert!(
        head.contains("content-type: application/json\r\n"),
        "{head}"
    );
    assert!(head.contains("content-length: 40000\r\n"), "{head}");
    assert_eq!(rest, body);
    let framed = chunked(200, &body);
    let (head, rest) = split(&framed);
    assert!(head.contains("transfer-encoding: chunked\r\n"), "{head}");
    assert!(!head.contains("content-length"), "{head}");
    assert_eq!(dechunk(rest).unwrap(), body);
}
