//! One feature case: the route called through the client, the answer the feature asserts served
//! back, the verdict and (where expressible) the request compared.

use keyward_core::{LicenseError, Patch, SecretLicenseKey};
use keyward_keygen::models::UpdateLicense;
use keyward_keygen::{CheckoutOptions, Client};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::requests;
use super::verdict::{Answer, check, response_body};

/// What happened to a case.
pub(crate) struct Outcome {
    pub(crate) kind: &'static str,
    pub(crate) request_compared: bool,
}

fn skipped(kind: &'static str) -> Outcome {
    Outcome {
        kind,
        request_compared: false,
    }
}

/// Clients by account, built once (building one loads the TLS roots).
pub(crate) type Clients = std::collections::HashMap<String, Client>;

pub(crate) async fn case(server: &MockServer, clients: &mut Clients, case: &Value) -> Outcome {
    let source = case["source"].as_str().unwrap();
    if case["version"].as_str().is_some_and(|v| v != "1.7") {
        return skipped("skipped: an older API version (the client pins 1.7)");
    }
    let full = case["path"].as_str().unwrap();
    let (path, query) = full.split_once('?').unwrap_or((full, ""));
    let mut segments: Vec<String> = path.split('/').skip(1).map(percent_decode).collect();
    let account = segments[1].clone();
    segments.drain(..2);
    let method = case["method"].as_str().unwrap();
    let status = u16::try_from(case["status"].as_u64().unwrap()).unwrap();
    let route: Vec<&str> = segments.iter().map(String::as_str).collect();
    let validation = matches!(
        route.as_slice(),
        ["licenses", "actions", "validate-key"] | ["licenses", _, "actions", "validate"]
    );
    let download = method == "GET" && route.last() == Some(&"check-out");
    let body = response_body(case, status, validation, download);
    server.reset().await;
    let template = ResponseTemplate::new(status);
    let template = match &body {
        Some(text) => template.set_body_raw(text.clone().into_bytes(), "application/vnd.api+json"),
        None => template,
    };
    Mock::given(any())
        .respond_with(template)
        .mount(server)
        .await;
    let client = clients.entry(account.clone()).or_insert_with(|| {
        Client::builder()
            .base_url(server.uri())
            .account(account)
            .token("admin-token")
            .http_options(
                keyward_keygen::HttpOptions::new().retry(keyward_keygen::RetryPolicy::none()),
            )
            .build()
            .unwrap()
    });
    // A body written as text is not JSON as it stands (an XML document; JSON with raw control
    // characters in its strings, which keygen-api's parser, Oj, reads): the client sends JSON,
    // so its request is not compared, but what the server answered is still read by it.
    let written = case["request"].as_str();
    let lenient = written.map(|text| lenient_json(text).unwrap_or(Value::Null));
    let request = lenient.as_ref().unwrap_or(&case["request"]);
    let (result, expressible) = call(client, method, &route, query, request).await;
    let expressible = expressible.filter(|_| written.is_none());
    let result = match result {
        Some(result) => result,
        None => return skipped("skipped: a route the client does not offer"),
    };
    let kind = check(source, case, status, result, download, body.as_deref());
    let mut request_compared = false;
    if let Some(expected) = expressible {
        let received = server.received_requests().await.unwrap();
        if let Some(sent) = received.first() {
            let sent_body: Value = serde_json::from_slice(&sent.body).unwrap_or(Value::Null);
            assert_eq!(
                requests::normalize(&sent_body),
                requests::normalize(&expected),
                "{source}: the client's request body"
            );
            request_compared = true;
        }
    }
    // The legacy `ping-heartbeat` and `reset-heartbeat` routes are answered through `ping` and
    // `reset` (the same controller actions in keygen-api's routes.rb): their paths differ.
    let received = server.received_requests().await.unwrap();
    if let Some(sent) = received
        .first()
        .filter(|_| !route.contains(&"ping-heartbeat") && !route.contains(&"reset-heartbeat"))
    {
        let want = format!("/v1{path}");
        assert_eq!(
            percent_decode(sent.url.path()),
            percent_decode(&want),
            "{source}: path"
        );
    }
    Outcome {
        kind,
        request_compared,
    }
}

/// Calls the client for the route; `None` for a route it does not offer. The second part is the
/// body the client should send, when the feature's request is one the client can express.
async fn call(
    client: &Client,
    method: &str,
    route: &[&str],
    query: &str,
    request: &Value,
) -> (Option<Result<Answer, LicenseError>>, Option<Value>) {
    let licenses = client.licenses();
    let machines = client.machines();
    let meta = &request["meta"];
    let result = match (method, route) {
        ("POST", ["licenses", "actions", "validate-key"]) => {
            let key = SecretLicenseKey::new(meta["key"].as_str().unwrap_or("missing-key"));
            let (scope, nonce, same) = requests::validation(meta, true);
            let answer = licenses.validate_key_with_nonce(&key, &scope, nonce).await;
            return (
                Some(answer.map(Answer::Validation)),
                same.then(|| request.clone()),
            );
        }
        ("POST", ["licenses", id, "actions", "validate"]) => {
            let (scope, nonce, same) = requests::validation(meta, false);
            let answer = licenses.validate(id, &scope, nonce).await;
            let expected = same.then(|| {
                if request.is_null() {
                    json!({"meta": {}})
                } else {
                    request.clone()
                }
            });
            return (Some(answer.map(Answer::Validation)), expected);
        }
        ("GET", ["licenses", id, "actions", "validate"]) => {
            licenses.validate_quick(id).await.map(Answer::Validation)
        }
        ("GET", ["licenses", id]) => licenses
            .get(id)
            .await
            .map(|d| Answer::License(d.into_data())),
        ("GET", ["licenses"]) => {
            let listing = requests::listing(licenses.list(), query);
            listing.send().await.map(|p| Answer::Licenses(p.data))
        }
        ("POST", ["licenses"]) => {
            let (new, same) = requests::new_license(request);
            let answer = licenses
                .create(&new)
                .await
                .map(|d| Answer::License(d.into_data()));
            return (Some(answer), same.then(|| request.clone()));
        }
        ("PATCH", ["licenses", id]) => {
            let (update, same) = requests::update_license(request);
            if update.is_empty() {
                // Nothing the client can send: it refuses locally, as a no-op update should be.
                let mut update = UpdateLicense::default();
                update.name = Patch::Set("conformance".into());
                let answer = licenses
                    .update(id, &update)
                    .await
                    .map(|d| Answer::License(d.into_data()));
                return (Some(answer), None);
            }
            let answer = licenses
                .update(id, &update)
                .await
                .map(|d| Answer::License(d.into_data()));
            // `$licenses[0].id` in the body and `$0` in the path name the same license.
            let mut expected = request.clone();
            if expected["data"]["id"]
                .as_str()
                .is_some_and(|i| i.starts_with('$'))
            {
                expected["data"]["id"] = json!(id);
            }
            return (Some(answer), same.then_some(expected));
        }
        ("POST", ["licenses" | "machines", id, "actions", "check-out"]) => {
            let (options, same) = requests::checkout(meta);
            let answer = if route[0] == "licenses" {
                licenses.check_out(id, &options).await
            } else {
                machines.check_out(id, &options).await
            };
            let expected = same.then(|| {
                if request.is_null() {
                    json!({"meta": {}})
                } else {
                    request.clone()
                }
            });
            return (
                Some(answer.map(|d| Answer::Checkout(d.into_data()))),
                expected,
            );
        }
        ("GET", ["licenses" | "machines", id, "actions", "check-out"]) => {
            let options = CheckoutOptions::default();
            let answer = if route[0] == "licenses" {
                licenses.download_file(id, &options).await
            } else {
                machines.download_file(id, &options).await
            };
            answer.map(Answer::Certificate)
        }
        ("POST", ["machines"]) => {
            let (new, same) = requests::new_machine(request);
            let answer = machines
                .activate(&new)
                .await
                .map(|d| Answer::Machine(d.into_data()));
            return (Some(answer), same.then(|| request.clone()));
        }
        ("DELETE", ["machines", id]) => machines.deactivate(id).await.map(|()| Answer::Empty),
        ("GET", ["machines", id]) => machines
            .get(id)
            .await
            .map(|d| Answer::Machine(d.into_data())),
        ("GET", ["machines"]) => {
            let listing = requests::listing(machines.list(), query);
            listing.send().await.map(|p| Answer::Machines(p.data))
        }
        ("POST", ["machines", id, "actions", "ping" | "ping-heartbeat"]) => machines
            .ping(id)
            .await
            .map(|d| Answer::Machine(d.into_data())),
        ("POST", ["machines", id, "actions", "reset" | "reset-heartbeat"]) => machines
            .reset_heartbeat(id)
            .await
            .map(|d| Answer::Machine(d.into_data())),
        _ => return (None, None),
    };
    (Some(result), None)
}

/// `text` read as JSON with raw control characters inside its strings escaped; `None` when it is
/// not JSON even so.
fn lenient_json(text: &str) -> Option<Value> {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            c if in_string && c.is_control() => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    serde_json::from_str(&out).ok()
}

pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 3 <= bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
