//! The signed-license emulator over raw HTTP: the envelope is exactly the server's.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use aws_lc_rs::signature::{RSA_PKCS1_2048_8192_SHA256, RsaSubjectPublicKey, UnparsedPublicKey};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyward_emulator::signed_license::{
    DEFAULT_API_KEY, LicenseSeed, SignedLicenseEmulator, SigningMode,
};
use serde_json::Value;

async fn post(
    gkm: &SignedLicenseEmulator,
    endpoint: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/{endpoint}", gkm.uri()))
        .form(fields)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// A GET of `endpoint` (with its query) and the right API key.
async fn get(gkm: &SignedLicenseEmulator, endpoint: &str) -> (u16, String) {
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    let url = format!(
        "{}/api/v1/{endpoint}{separator}api_key={DEFAULT_API_KEY}",
        gkm.uri()
    );
    let response = reqwest::get(url).await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// Verifies the signature over the base64 text; returns the decoded payload text.
fn verified_payload(gkm: &SignedLicenseEmulator, body: &str) -> Option<String> {
    let envelope: Value = serde_json::from_str(body).unwrap();
    let b64 = envelope["response_base64"].as_str().unwrap();
    let signature = STANDARD
        .decode(envelope["signature"].as_str().unwrap())
        .ok()?;
    let pem: String = gkm
        .public_key_pem()
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let key = RsaSubjectPublicKey::from_der(&STANDARD.decode(pem).unwrap()).unwrap();
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, key.as_ref())
        .verify(b64.as_bytes(), &signature)
        .ok()?;
    Some(String::from_utf8(STANDARD.decode(b64).unwrap()).unwrap())
}

#[tokio::test]
async fn answers_are_signed_over_the_base64_text_in_php_order() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.set_now(at(1_764_000_000));
    gkm.add_license(LicenseSeed::new("KEY-1"));
    let auth = [
        ("api_key", DEFAULT_API_KEY),
        ("license_key", "KEY-1"),
        ("identifier", "a/b"),
    ];
    let (status, body) = post(&gkm, "activate", &auth).await;
    assert_eq!(status, 200);
    // Laravel escapes '/' in every outer string.
    assert!(
        body.match_indices('/')
            .all(|(i, _)| body[..i].ends_with('\\')),
        "{body}"
    );
    let text = verified_payload(&gkm, &body).unwrap();
    assert_eq!(
        text,
        r#"{"code":300,"message":"License key activated","timestamp":1764000000}"#
    );
    let envelope: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(envelope["private_key_used"], "product");
    assert_eq!(envelope["response"]["code"], 300);

    let (_, body) = post(&gkm, "deactivate", &auth).await;
    let text = verified_payload(&gkm, &body).unwrap();
    assert!(
        text.starts_with(r#"{"code":"400","message":"License key deactivated""#),
        "{text}"
    );
    assert_eq!(gkm.activations("KEY-1"), Vec::<String>::new());
}

#[tokio::test]
async fn a_wrong_api_key_is_a_signed_401_and_unknown_routes_are_html_404() {
    let gkm = SignedLicenseEmulator::start().await;
    let (status, body) = post(&gkm, "verify", &[("api_key", "nope")]).await;
    assert_eq!(status, 401);
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .starts_with(r#"{"code":100,"#)
    );
    let (status, body) = post(&gkm, "no-such-endpoint", &[("api_key", DEFAULT_API_KEY)]).await;
    assert_eq!(status, 404);
    assert!(body.starts_with("<!DOCTYPE html>"));
}

#[tokio::test]
async fn the_knobs_break_exactly_what_they_say() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.set_now(at(1_764_000_000));
    let fields = [
        ("api_key", DEFAULT_API_KEY),
        ("license_key", "none"),
        ("identifier", "h"),
    ];

    gkm.set_mode(SigningMode::Unsigned);
    let (_, body) = post(&gkm, "verify", &fields).await;
    let envelope: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(envelope["signature"], "Private key not set");

    gkm.set_mode(SigningMode::Tampered);
    let (_, body) = post(&gkm, "verify", &fields).await;
    assert!(verified_payload(&gkm, &body).is_none());

    gkm.set_mode(SigningMode::OtherKey);
    let (_, body) = post(&gkm, "verify", &fields).await;
    assert!(verified_payload(&gkm, &body).is_none());
    assert!(body.contains(r#""private_key_used":"global""#));

    gkm.set_mode(SigningMode::Stale(600));
    let (_, body) = post(&gkm, "verify", &fields).await;
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .ends_with(r#""timestamp":1763999400}"#)
    );
}

#[tokio::test]
async fn json_bodies_and_query_fields_are_read_like_laravel_input() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.set_now(at(1_764_000_000));
    gkm.add_license(LicenseSeed::new("KEY-J").activation_limit(2));
    // The v3 PHP SDK posts JSON.
    let response = reqwest::Client::new()
        .post(format!("{}/api/v1/activate", gkm.uri()))
        .json(&serde_json::json!({
            "api_key": DEFAULT_API_KEY, "license_key": "KEY-J", "identifier": "host-1"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body = response.text().await.unwrap();
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .starts_with(r#"{"code":300,"#),
        "{body}"
    );
    // The API key in the query of a form POST.
    let response = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/activate?api_key={DEFAULT_API_KEY}",
            gkm.uri()
        ))
        .form(&[("license_key", "KEY-J"), ("identifier", "host-2")])
        .send()
        .await
        .unwrap();
    let body = response.text().await.unwrap();
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .starts_with(r#"{"code":300,"#),
        "{body}"
    );
    assert_eq!(gkm.activations("KEY-J"), ["host-1", "host-2"]);
}

#[tokio::test]
async fn extreme_clock_knobs_saturate_instead_of_killing_the_server() {
    let gkm = SignedLicenseEmulator::start().await;
    let fields = [("api_key", DEFAULT_API_KEY), ("license_key", "none")];
    gkm.set_now(at(-10));
    gkm.set_mode(SigningMode::Stale(i64::MAX));
    let (status, body) = post(&gkm, "verify", &fields).await;
    assert_eq!(status, 200);
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .ends_with(&format!(r#""timestamp":{}}}"#, i64::MIN))
    );
    gkm.set_now(at(10));
    gkm.set_mode(SigningMode::FutureDated(i64::MAX));
    let (_, body) = post(&gkm, "verify", &fields).await;
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .ends_with(&format!(r#""timestamp":{}}}"#, i64::MAX))
    );
    // The largest step there is stops the clock at the end of time (as on the other
    // emulators) without overflowing.
    gkm.advance(chrono::Duration::MAX);
    gkm.set_mode(SigningMode::Signed);
    let (_, body) = post(&gkm, "verify", &fields).await;
    let expected = chrono::DateTime::<chrono::Utc>::MAX_UTC.timestamp();
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .ends_with(&format!(r#""timestamp":{expected}}}"#))
    );
}

#[tokio::test]
async fn routing_comes_before_the_api_key_as_in_laravel() {
    let gkm = SignedLicenseEmulator::start().await;
    // An unknown path is the HTML 404 page even with a wrong key (not a signed 100).
    let (status, body) = post(&gkm, "no-such-endpoint", &[("api_key", "wrong")]).await;
    assert_eq!(status, 404);
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    // The wrong method is the HTML 405 page.
    let (status, body) = get(&gkm, "verify?license_key=K&identifier=h").await;
    assert_eq!(status, 405);
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    let (status, _) = post(&gkm, "get-license-keys", &[("api_key", DEFAULT_API_KEY)]).await;
    assert_eq!(status, 405);
    let (status, body) = get(&gkm, "get-license-keys").await;
    assert_eq!(status, 200);
    assert!(
        verified_payload(&gkm, &body)
            .unwrap()
            .starts_with(r#"{"code":730,"#)
    );
}

#[tokio::test]
async fn update_license_key_replaces_the_fields_and_answers_signed_950_951_952() {
    let gkm = SignedLicenseEmulator::start().await;
    gkm.set_now(at(1_764_000_000));
    gkm.add_license(LicenseSeed::new("KEY-U").activation_limit(1));
    let activate = |host: &'static str| {
        [
            ("api_key", DEFAULT_API_KEY),
            ("license_key", "KEY-U"),
            ("identifier", host),
        ]
    };
    let code = |body: &str| -> Value {
        serde_json::from_str::<Value>(&verified_payload(&gkm, body).unwrap()).unwrap()["code"]
            .clone()
    };
    let (_, body) = post(&gkm, "activate", &activate("host-a")).await;
    assert_eq!(code(&body), 300);
    let (_, body) = post(&gkm, "activate", &activate("host-b")).await;
    assert_eq!(code(&body), 302, "limit 1");

    // Every field, as the client sends them; the base of the validity kept.
    let update = |limit: &'static str, validity: &'static str, status: &'static str| {
        vec![
            ("api_key", DEFAULT_API_KEY),
            ("license_key", "KEY-U"),
            ("product_id", "1"),
            ("activation_limit", limit),
            ("validity", validity),
            ("status", status),
            ("owner_name", "Test User"),
            ("assigned_at", "2024-02-27 03:05:31"),
        ]
    };
    let (status, body) = post(&gkm, "update-license-key", &update("3", "0", "assigned")).await;
    assert_eq!(status, 200);
    assert_eq!(
        verified_payload(&gkm, &body).unwrap(),
        r#"{"code":950,"message":"License keys updated","timestamp":1764000000}"#
    );
    let (_, body) = post(&gkm, "activate", &activate("host-b")).await;
    assert_eq!(code(&body), 300, "limit 3 now");
    let dumped = &gkm.dump()["state"]["licenses"][0];
    assert_eq!(dumped["activation_limit"], 3, "{dumped}");
    // Left out, the e-mail is cleared: the call replaces every field.
    assert!(dumped["owner_email"].is_null(), "{dumped}");
    assert_eq!(
        dumped["activations"],
        serde_json::json!(["host-a", "host-b"])
    );

    // 30 days from 2024-02-27 is long past: expired; validity 0 again: never expires.
    post(&gkm, "update-license-key", &update("-1", "30", "assigned")).await;
    let dumped = &gkm.dump()["state"]["licenses"][0];
    assert_eq!(dumped["activation_limit"], -1, "kept as sent");
    assert_eq!(dumped["expires_at"], 1_709_003_131 + 30 * 86_400);
    let (_, body) = post(&gkm, "verify", &activate("host-a")).await;
    assert_eq!(code(&body), 205);
    post(&gkm, "update-license-key", &update("0", "0", "assigned")).await;
    let (_, body) = post(&gkm, "verify", &activate("host-a")).await;
    assert_eq!(code(&body), 200);
    // Blocked: refused; back to assigned: valid again.
    post(&gkm, "update-license-key", &update("0", "0", "blocked")).await;
    let (_, body) = post(&gkm, "verify", &activate("host-a")).await;
    assert_eq!(code(&body), 204);
    post(&gkm, "update-license-key", &update("0", "0", "assigned")).await;
    let (_, body) = post(&gkm, "verify", &activate("host-a")).await;
    assert_eq!(code(&body), 200);

    // Bad fields: 951 with the validator's errors, nothing changed.
    let mut bad = update("2", "0", "sold");
    bad.retain(|(k, _)| *k != "validity");
    bad.push(("product_id", "99"));
    let (status, body) = post(&gkm, "update-license-key", &bad).await;
    assert_eq!(status, 200);
    let payload: Value = serde_json::from_str(&verified_payload(&gkm, &body).unwrap()).unwrap();
    assert_eq!(payload["code"], 951);
    let mut fields: Vec<&str> = payload["errors"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["product_id", "status", "validity"]);
    assert_eq!(gkm.dump()["state"]["licenses"][0]["status"], "assigned");
    // An unknown key: 952.
    let mut unknown = update("2", "0", "assigned");
    unknown[1] = ("license_key", "NO-SUCH-KEY");
    let (_, body) = post(&gkm, "update-license-key", &unknown).await;
    assert_eq!(
        verified_payload(&gkm, &body).unwrap(),
        r#"{"code":952,"message":"License key not found","timestamp":1764000000}"#
    );
    // The wrong API key: the signed 401 before anything is looked at.
    let mut wrong = update("2", "0", "blocked");
    wrong[0] = ("api_key", "wrong");
    let (status, _) = post(&gkm, "update-license-key", &wrong).await;
    assert_eq!(status, 401);
    assert_eq!(gkm.dump()["state"]["licenses"][0]["status"], "assigned");
}

/// A Unix time as a UTC date-time.
fn at(ts: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(ts, 0).unwrap()
}
