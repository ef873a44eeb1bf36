//! `licensectl emulate --dodo-webhook-url/--lemonsqueezy-webhook-url`: the emulators POST signed
//! webhooks to a handler, the secrets read from `DODO_WEBHOOK_SECRET` /
//! `LEMONSQUEEZY_WEBHOOK_SECRET`; a URL without its secret is a clear error.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{args, text};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const DODO_SECRET: &str = "whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=";
const LEMON_SECRET: &str = "lemon-cli-signing-secret";

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn envs() -> Vec<(String, String)> {
    vec![
        ("DODO_WEBHOOK_SECRET".to_owned(), DODO_SECRET.to_owned()),
        (
            "LEMONSQUEEZY_WEBHOOK_SECRET".to_owned(),
            LEMON_SECRET.to_owned(),
        ),
    ]
}

/// Waits (a few seconds at most) until `server` received `count` requests.
async fn received(server: &MockServer, count: usize) -> Vec<Request> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let requests = server.received_requests().await.unwrap();
        if requests.len() >= count || Instant::now() > deadline {
            return requests;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn the_emulators_post_signed_webhooks_to_the_urls_given() {
    let hooks = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&hooks)
        .await;
    let dodo_url = format!("{}/dodo", hooks.uri());
    let lemon_url = format!("{}/lemon", hooks.uri());
    let mut child = support::spawn(
        &args(&[
            "--json",
            "emulate",
            "--dodo-webhook-url",
            &dodo_url,
            "--lemonsqueezy-webhook-url",
            &lemon_url,
        ]),
        &envs(),
    );
    let stdout = child.stdout.take().unwrap();
    let running = Killed(child);
    let line = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout).lines().next().unwrap().unwrap()
    })
    .await
    .unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        ready["webhooks"],
        json!({"dodo": dodo_url, "lemonsqueezy": lemon_url})
    );
    assert!(!line.contains(DODO_SECRET) && !line.contains(LEMON_SECRET));

    let env = &ready["env"];
    let created = reqwest::Client::new()
        .post(format!(
            "{}/license_keys",
            env["DODO_PAYMENTS_BASE_URL"].as_str().unwrap()
        ))
        .bearer_auth(env["DODO_PAYMENTS_API_KEY"].as_str().unwrap())
        .json(&json!({"key": "CLI-HOOK-1", "customer_id": "cus_1", "product_id": "pdt_1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let lemon_key = ready["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["provider"] == "lemonsqueezy")
        .unwrap()["key"]
        .as_str()
        .unwrap()
        .to_owned();
    let activated = reqwest::Client::new()
        .post(format!(
            "{}/v1/licenses/activate",
            env["LEMONSQUEEZY_BASE_URL"]
                .as_str()
                .unwrap()
                .trim_end_matches('/')
        ))
        .form(&[
            ("license_key", lemon_key.as_str()),
            ("instance_name", "cli"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(activated.status(), 200);

    let requests = received(&hooks, 2).await;
    assert_eq!(requests.len(), 2, "the seed itself sends nothing");
    let dodo = requests.iter().find(|r| r.url.path() == "/dodo").unwrap();
    let verifier = keyward_dodo::webhooks::WebhookVerifier::new(DODO_SECRET).unwrap();
    let headers = keyward_dodo::webhooks::WebhookHeaders::from_header_map(&dodo.headers).unwrap();
    verifier.verify(&headers, &dodo.body).unwrap();
    let body: Value = serde_json::from_slice(&dodo.body).unwrap();
    assert_eq!(body["type"], "license_key.created");
    assert_eq!(body["data"]["key"], "CLI-HOOK-1");
    let lemon = requests.iter().find(|r| r.url.path() == "/lemon").unwrap();
    assert_eq!(
        lemon.headers.get("x-event-name").unwrap(),
        "license_key_updated"
    );
    let secret = keyward_lemonsqueezy::webhooks::WebhookSecret::new(LEMON_SECRET).unwrap();
    let signature = lemon.headers.get("x-signature").unwrap().to_str().unwrap();
    keyward_lemonsqueezy::webhooks::verify_signature(&secret, &lemon.body, signature).unwrap();
    drop(running);
}

#[tokio::test]
async fn a_webhook_url_without_its_secret_is_a_clear_error() {
    let out = tokio::task::spawn_blocking(|| {
        support::command(
            &args(&["emulate", "--dodo-webhook-url", "http://127.0.0.1:9/hooks"]),
            &[],
        )
        .env_remove("DODO_WEBHOOK_SECRET")
        .output()
        .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("DODO_WEBHOOK_SECRET"), "{stderr}");

    let bad = vec![("DODO_WEBHOOK_SECRET".to_owned(), "not base64 !".to_owned())];
    let out = support::run(
        args(&["emulate", "--dodo-webhook-url", "http://127.0.0.1:9/hooks"]),
        bad,
        None,
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("whsec_"), "{stderr}");
    assert!(!stderr.contains("not base64 !"), "{stderr}");
}
