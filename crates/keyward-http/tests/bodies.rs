//! What a 2xx whose body cannot be read says about a non-idempotent request: it happened.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{fast_options, identity};
use keyward_http::{HttpClient, Request};
use keyward_test_support::{Fault, answer, chunked, serve};

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Activation {
    activated: bool,
    id: String,
}

const CAP: usize = 64 * 1024;

/// Every unreadable 2xx body, as raw answers.
fn unreadable() -> Vec<(&'static str, Vec<u8>)> {
    let big = format!(r#"{{"activated":true,"id":"{}"}}"#, "x".repeat(CAP * 2));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    vec![
        ("empty", answer(200, b"")),
        ("html", answer(200, b"<html><body>OK</body></html>")),
        ("invalid", answer(200, br#"{"activated":tru"#)),
        ("wrong type", answer(200, br#"{"activated":"yes","id":7}"#)),
        (
            "non-UTF-8",
            answer(200, b"{\"activated\":true,\"id\":\"\xff\xfe\"}"),
        ),
        ("over the cap, with length", answer(201, big.as_bytes())),
        ("over the cap, chunked", chunked(200, big.as_bytes())),
        ("100,000 deep", answer(200, deep.as_bytes())),
    ]
}

#[tokio::test]
async fn a_2xx_with_an_unreadable_body_to_an_activation_may_have_been_applied() {
    for (name, raw) in unreadable() {
        let server = serve(Fault::Raw(raw)).await.unwrap();
        let http =
            HttpClient::new(identity(), server.url(), fast_options().max_body_bytes(CAP)).unwrap();
        let post = Request::post("activate", ["activate"]).unwrap();
        let err = http.send_json::<Activation>(post).await.unwrap_err();
        assert!(err.is_decode(), "{name}: {err}");
        assert!(err.may_have_been_applied(), "{name}: {err}");
        assert_eq!(err.attempts(), 1, "{name}");
        assert_eq!(server.requests(), 1, "{name}");

        // The same body to a read says nothing was applied (nothing could be).
        let get = Request::get("read", ["thing"]).unwrap();
        let err = http.send_json::<Activation>(get).await.unwrap_err();
        assert!(
            err.is_decode() && !err.may_have_been_applied(),
            "{name}: {err}"
        );
    }
}

#[tokio::test]
async fn a_4xx_with_an_unreadable_body_proves_nothing_was_applied() {
    let server = serve(Fault::Raw(answer(422, b"<html>nope</html>")))
        .await
        .unwrap();
    let http = HttpClient::new(identity(), server.url(), fast_options()).unwrap();
    let post = Request::post("activate", ["activate"]).unwrap();
    let err = http.send_json::<Activation>(post).await.unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert!(!err.may_have_been_applied(), "{err}");
}
