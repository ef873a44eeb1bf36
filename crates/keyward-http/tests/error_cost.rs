//! Building an error from a hostile answer costs bounded work: a body over the detail cap is
//! neither parsed, nor redacted whole, nor handed to the provider's error parser (counted here
//! by the bytes the parser is given, not by a timer).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::DateTime;
use keyward_http::fuzzing::{Answer, HeaderMap};
use keyward_http::{
    ClientIdentity, MAX_ERROR_BODY_CHARS, MAX_ERROR_DETAIL_BYTES, ProviderProfile, Response,
};

const SECRET: &str = "CANARY-SECRET-0123456789";

/// A 500 answer with `body`, whose error parser records the most bytes it was handed.
fn answer(body: &[u8], seen: &Arc<AtomicUsize>) -> Response {
    let seen = seen.clone();
    let parser = move |bytes: &[u8]| {
        seen.fetch_max(bytes.len(), Ordering::SeqCst);
        (Some(String::from("E")), Some(String::from("failed")))
    };
    let answer = Answer {
        status: 500,
        headers: HeaderMap::new(),
        body,
        secret: SECRET,
        now: DateTime::from_timestamp(1_767_225_600, 0).unwrap(),
    };
    // Leaked: a profile's parser is `'static`, as a provider crate's is (a few bytes a test).
    let profile = ProviderProfile {
        identity: ClientIdentity {
            provider: "p",
            crate_name: "p",
            crate_version: "0",
        },
        default_base_url: "https://example.invalid",
        api_key_env: "P_API_KEY",
        base_url_env: "P_BASE_URL",
        error_parser: Box::leak(Box::new(parser)),
    };
    answer.response(&profile, "op")
}

/// A JSON array of `n`-byte-ish total made of short strings, each echoing the secret: the
/// worst case for redaction (every string is redacted on its own).
fn strings_body(bytes: usize) -> String {
    let item = format!("\"{SECRET}\",");
    let mut body = String::from("[");
    while body.len() + item.len() + 3 <= bytes {
        body.push_str(&item);
    }
    body.push_str("\"\"]");
    body
}

#[test]
fn a_huge_error_body_is_read_no_further_than_the_detail_cap() {
    let seen = Arc::new(AtomicUsize::new(0));
    let body = strings_body(4 << 20);
    let error = answer(body.as_bytes(), &seen).into_error();
    assert_eq!(
        seen.load(Ordering::SeqCst),
        0,
        "the parser was handed the huge body"
    );
    let http = error.http().unwrap();
    assert!(http.json.is_none());
    let shown = http.body.as_deref().unwrap();
    assert!(
        shown.chars().count() < MAX_ERROR_BODY_CHARS + 40,
        "{}",
        shown.len()
    );
    assert!(
        shown.ends_with(&format!("({} bytes in all)", body.len())),
        "{shown}"
    );
    let text = format!("{error} {error:?}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn an_error_body_up_to_the_cap_is_read_whole_once() {
    let seen = Arc::new(AtomicUsize::new(0));
    let body = strings_body(MAX_ERROR_DETAIL_BYTES);
    assert!(body.len() <= MAX_ERROR_DETAIL_BYTES && body.len() > MAX_ERROR_DETAIL_BYTES - 40);
    let error = answer(body.as_bytes(), &seen).into_error();
    assert_eq!(seen.load(Ordering::SeqCst), body.len());
    assert_eq!(error.provider_code(), Some("E"));
    let json = error.provider_body().unwrap();
    assert!(json.as_array().is_some_and(|items| items.len() > 1_000));
    assert!(!json.to_string().contains(SECRET));
}
