//! Each fault does what its documentation says, seen from a raw TcpStream.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use std::io::ErrorKind;
use std::time::Duration;

use common::{GET, dechunk, read_exact, read_for, send, split};
use keyward_test_support::{Fault, Loopback, compose, serve};
use tokio::net::TcpStream;

const SHORT: Duration = Duration::from_millis(300);

#[tokio::test]
async fn refused_has_nobody_listening() {
    let server = serve(Fault::Refused).await.unwrap();
    let err = TcpStream::connect(server.address()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
    assert_eq!(server.url(), format!("http://{}", server.address()));
    assert_eq!(server.requests(), 0);
}

#[tokio::test]
async fn a_refused_url_has_nobody_listening() {
    let url = keyward_test_support::refused_url().unwrap();
    let address = url.strip_prefix("http://127.0.0.1:").unwrap();
    assert!(address.parse::<u16>().is_ok(), "{url}");
    let err = TcpStream::connect(url.trim_start_matches("http://"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ConnectionRefused);
}

#[tokio::test]
async fn closed_reads_the_request_and_closes_without_a_byte() {
    let server = serve(Fault::Closed).await.unwrap();
    let mut stream = send(&server, GET).await;
    let (got, end) = read_for(&mut stream, Duration::from_secs(5)).await;
    assert!(got.is_empty(), "{got:?}");
    assert!(matches!(end, Ok(true) | Err(_)), "{end:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn reset_mid_headers_sends_part_of_a_head_then_resets() {
    let server = serve(Fault::ResetMidHeaders).await.unwrap();
    let mut stream = send(&server, GET).await;
    let (got, end) = read_for(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(got, b"HTTP/1.1 200 OK\r\ncontent-ty");
    assert_eq!(end.unwrap_err().kind(), ErrorKind::ConnectionReset);
}

#[tokio::test]
async fn hang_answers_nothing_until_the_lifetime_ends() {
    let server = Loopback::new(Fault::Hang)
        .lifetime(Duration::from_millis(600))
        .start()
        .await
        .unwrap();
    let mut stream = send(&server, GET).await;
    let (got, end) = read_for(&mut stream, SHORT).await;
    assert!(
        got.is_empty() && matches!(end, Ok(false)),
        "{got:?} {end:?}"
    );
    let (got, end) = read_for(&mut stream, Duration::from_secs(5)).await;
    assert!(got.is_empty() && matches!(end, Ok(true)), "{got:?} {end:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn trickle_sends_a_long_head_then_a_byte_at_a_time() {
    let server = serve(Fault::Trickle).await.unwrap();
    let mut stream = send(&server, GET).await;
    let (got, end) = read_for(&mut stream, Duration::from_millis(700)).await;
    assert!(matches!(end, Ok(false)), "{end:?}");
    let (head, body) = split(&got);
    assert!(head.contains("content-length: 10000\r\n"), "{head}");
    // "{" at once, then a space every 200 ms: far from 10,000 bytes.
    assert!(body.starts_with(b"{ ") && body.len() <= 5, "{body:?}");
}

#[tokio::test]
async fn short_body_promises_100_bytes_sends_10_and_closes() {
    let server = serve(Fault::ShortBody).await.unwrap();
    let mut stream = send(&server, GET).await;
    let (got, end) = read_for(&mut stream, Duration::from_secs(5)).await;
    assert!(matches!(end, Ok(true)), "{end:?}");
    let (head, body) = split(&got);
    assert!(head.contains("content-length: 100\r\n"), "{head}");
    assert_eq!(body, b"{\"valid\":t");
}

#[tokio::test]
async fn endless_chunked_never_ends_its_body() {
    let server = serve(Fault::EndlessChunked).await.unwrap();
    let mut stream = send(&server, GET).await;
    let got = read_exact(&mut stream, 1024 * 1024).await;
    let (head, body) = split(&got);
    assert!(head.contains("transfer-encoding: chunked\r\n"), "{head}");
    assert!(body.starts_with(b"1000\r\n    "), "{:?}", &body[..10]);
    assert!(!body.windows(5).any(|w| w == b"0\r\n\r\n"));
}

#[tokio::test]
async fn an_answer_is_sent_whole_to_every_request_on_one_connection() {
    let fault = Fault::Answer(429, "retry-after: 1\r\n", b"{}");
    let expected = compose(429, "retry-after: 1\r\n", b"{}", false);
    let server = serve(fault).await.unwrap();
    let post = b"POST /a HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc";
    let mut stream = send(&server, &[post.as_slice(), GET].concat()).await;
    let got = read_exact(&mut stream, expected.len() * 2).await;
    assert_eq!(got, [expected.clone(), expected].concat());
    assert_eq!(server.requests(), 2);
    let heads = server.heads();
    assert!(heads[0].starts_with("POST /a HTTP/1.1\r\n"), "{heads:?}");
    assert!(
        heads[1].starts_with("GET /things/1 HTTP/1.1\r\n"),
        "{heads:?}"
    );
}

#[tokio::test]
async fn raw_bytes_are_sent_as_they_are() {
    let lie = b"HTTP/1.1 200 X\r\ncontent-length: 5\r\n\r\n{}".to_vec();
    let server = serve(Fault::Raw(lie.clone())).await.unwrap();
    let mut stream = send(&server, GET).await;
    assert_eq!(read_exact(&mut stream, lie.len()).await, lie);
}

#[tokio::test]
async fn deep_is_100_000_deep_json() {
    let server = serve(Fault::Deep).await.unwrap();
    let mut stream = send(&server, GET).await;
    let expected = compose(200, "", b"", false).len() + 200_000 + 4;
    let got = read_exact(&mut stream, expected).await;
    let (head, body) = split(&got);
    assert!(head.contains("content-length: 200000\r\n"), "{head}");
    assert_eq!(body.iter().filter(|b| **b == b'[').count(), 100_000);
    assert!(body.starts_with(b"[[[") && body.ends_with(b"]]]"));
}

#[tokio::test]
async fn big_pads_a_json_body_framed_either_way() {
    for chunked in [false, true] {
        let server = serve(Fault::Big(100_000, chunked)).await.unwrap();
        let mut stream = send(&server, GET).await;
        let pad = format!("{{\"pad\":\"{}\"}}", "x".repeat(100_000));
        let expected = compose(200, "", pad.as_bytes(), chunked);
        let got = read_exact(&mut stream, expected.len()).await;
        let (head, body) = split(&got);
        if chunked {
            assert!(head.contains("transfer-encoding: chunked\r\n"), "{head}");
            assert_eq!(dechunk(body).unwrap(), pad.as_bytes());
        } else {
            assert!(head.contains("content-length: 100010\r\n"), "{head}");
            assert_eq!(body, pad.as_bytes());
        }
    }
}

#[tokio::test]
async fn redirect_points_at_a_counting_server_on_localhost() {
    let server = serve(Fault::Redirect).await.unwrap();
    let mut stream = send(&server, GET).await;
    let (got, _) = read_for(&mut stream, SHORT).await;
    let (head, _) = split(&got);
    assert!(head.starts_with("HTTP/1.1 302 "), "{head}");
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("location: http://localhost:"))
        .expect("a location");
    let port: u16 = location.trim_end_matches("/moved").parse().unwrap();
    assert_eq!(server.elsewhere(), 0);
    let mut elsewhere = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut elsewhere, GET)
        .await
        .unwrap();
    let expected = compose(200, "", b"{}", false);
    assert_eq!(read_exact(&mut elsewhere, expected.len()).await, expected);
    assert_eq!((server.requests(), server.elsewhere()), (1, 1));
}
