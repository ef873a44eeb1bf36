//! What the client sends and how it reads the answers: paths (hosted with the account, self-
//! hosted without), `Keygen-Version`, license-key and token authentication, JSON:API bodies,
//! errors with Keygen's codes, both paging styles, and the admin calls refused without a token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{ACCOUNT, Signed, catch_all, server, signer};
use futures_util::TryStreamExt;
use keyward_keygen::models::{LicenseStatus, UpdateLicense};
use keyward_keygen::{Client, NewLicense, NewMachine, Patch, SecretLicenseKey, ValidationScope};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LICENSE_ID: &str = "5224caee-595b-44cc-bac9-d01787642bac";

fn license(id: &str) -> Value {
    json!({"id": id, "type": "licenses", "attributes": {"name": "Rust Example", "key": "988214-879010-F1185E-B37E91-E53AF5-V3", "expiry": "2025-01-01T00:00:00.000Z", "status": "ACTIVE", "uses": 0, "suspended": false, "maxMachines": 1, "futureField": {"x": 1}, "metadata": {}}, "relationships": {"policy": {"data": {"type": "policies", "id": "bd170f61"}}, "machines": {"meta": {"cores": 0, "count": 1}}}})
}

fn machine(id: &str) -> Value {
    json!({"id": id, "type": "machines", "attributes": {"fingerprint": "mN:8M", "heartbeatStatus": "ALIVE", "requireHeartbeat": true, "heartbeatDuration": 600}, "relationships": {"license": {"data": {"type": "licenses", "id": LICENSE_ID}}}})
}

fn ok(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

async fn hosted(server: &MockServer) -> Client {
    // A non-default base URL with an account: paths carry the account, as on the hosted API.
    Client::builder()
        .base_url(server.uri())
        .account(ACCOUNT)
        .token("admin-tok_canary")
        .build()
        .unwrap()
}

#[tokio::test]
async fn validate_key_sends_the_key_and_scope_without_a_credential_and_reads_the_verdict() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/licenses/actions/validate-key"))
        .and(header("keygen-version", "1.7"))
        .and(header("accept", "application/vnd.api+json"))
        .and(header("content-type", "application/vnd.api+json"))
        .and(body_json(json!({"meta": {"key": "KEY-1", "scope": {"fingerprint": "fp-1", "entitlements": ["PRO"]}}})))
        .respond_with(ok(200, json!({"data": license(LICENSE_ID), "meta": {"ts": "2026-12-05T16:00:00.000Z", "valid": false, "detail": "fingerprint is not activated (does not match any associated machines)", "code": "FINGERPRINT_SCOPE_MISMATCH"}})))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    let scope = ValidationScope::fingerprint("fp-1").with_entitlements(["PRO"]);
    let answer = client
        .licenses()
        .validate_key(&SecretLicenseKey::new("KEY-1"), &scope)
        .await
        .unwrap();
    assert!(!answer.is_valid());
    assert_eq!(answer.code().as_str(), "FINGERPRINT_SCOPE_MISMATCH");
    let license = answer.data.as_ref().unwrap();
    assert_eq!(license.id, LICENSE_ID);
    assert_eq!(license.attributes.status, Some(LicenseStatus::Active));
    assert_eq!(license.machine_count(), Some(1));
    assert_eq!(license.policy_id(), Some("bd170f61"));
    // Unknown fields are kept in raw, as received.
    assert_eq!(license.raw.to_value()["attributes"]["futureField"]["x"], 1);
    let sent = &server.received_requests().await.unwrap()[0];
    assert!(sent.headers.get("authorization").is_none());
}

#[tokio::test]
async fn license_key_auth_activates_pings_and_deactivates_without_retrying_the_activation() {
    let server = server().await;
    let base = "/v1/accounts/".to_owned() + ACCOUNT;
    Mock::given(method("POST"))
        .and(path(format!("{base}/machines")))
        .and(header("authorization", "License KEY-1"))
        .and(body_json(json!({"data": {"type": "machines", "attributes": {"fingerprint": "mN:8M", "platform": "linux"}, "relationships": {"license": {"data": {"type": "licenses", "id": LICENSE_ID}}}}})))
        .respond_with(ok(201, json!({"data": machine("m-1")})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{base}/machines/m-1/actions/ping")))
        .respond_with(ok(200, json!({"data": machine("m-1")})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(format!("{base}/machines/mN:8M")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .account(ACCOUNT)
        .license_key(SecretLicenseKey::new("KEY-1"))
        .build()
        .unwrap();
    let mut new = NewMachine::new(LICENSE_ID, "mN:8M");
    new.platform = Some("linux".into());
    let activated = client.machines().activate(&new).await.unwrap().into_data();
    assert_eq!(activated.license_id(), Some(LICENSE_ID));
    let pinged = client.machines().ping("m-1").await.unwrap().into_data();
    assert_eq!(pinged.attributes.heartbeat_duration, Some(600));
    client.machines().deactivate("mN:8M").await.unwrap();
    // An admin call is refused before anything leaves: the client holds no token.
    let err = client.licenses().suspend(LICENSE_ID).await.unwrap_err();
    assert!(err.is_config(), "{err}");
    // An admin client handed a license key authenticates with the key, not its token.
    let as_app = Client::builder()
        .base_url(server.uri())
        .account(ACCOUNT)
        .token("admin-token")
        .build()
        .unwrap()
        .with_license_key(SecretLicenseKey::new("KEY-1"));
    as_app.machines().deactivate("mN:8M").await.unwrap();
    let sent = server.received_requests().await.unwrap();
    let last = sent.last().unwrap();
    assert_eq!(last.headers.get("authorization").unwrap(), "License KEY-1");
    assert!(!format!("{client:?}").contains("KEY-1"));
}

#[tokio::test]
async fn keygen_errors_keep_their_code_and_a_refused_activation_is_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/machines"))
        .respond_with(ok(422, json!({"errors": [{"title": "Unprocessable resource", "detail": "machine count has exceeded maximum allowed for license (1)", "code": "MACHINE_LIMIT_EXCEEDED", "source": {"pointer": "/data"}}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/licenses/invalid"))
        .respond_with(ok(404, json!({"errors": [{"title": "Not found", "detail": "The requested license 'invalid' was not found", "code": "NOT_FOUND"}]})))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("tok")
        .build()
        .unwrap();
    let err = client
        .machines()
        .activate(&NewMachine::new(LICENSE_ID, "fp"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    assert_eq!(err.provider_code(), Some("MACHINE_LIMIT_EXCEEDED"));
    assert!(!err.may_have_been_applied());
    let errors = keyward_keygen::error::json_api_errors(&err);
    assert_eq!(
        errors[0].source.as_ref().unwrap().pointer.as_deref(),
        Some("/data")
    );
    let err = client.licenses().get("invalid").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.provider_code(), Some("NOT_FOUND"));
}

#[tokio::test]
async fn admin_calls_send_their_documents_with_the_token() {
    let server = server().await;
    let base = "/v1/accounts/".to_owned() + ACCOUNT + "/licenses";
    Mock::given(method("POST"))
        .and(path(base.clone()))
        .and(header("authorization", "Bearer admin-tok_canary"))
        .and(body_json(json!({"data": {"type": "licenses", "attributes": {"name": "n", "maxMachines": 3}, "relationships": {"policy": {"data": {"type": "policies", "id": "pol-1"}}}}})))
        .respond_with(ok(201, json!({"data": license("l-new")})))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("{base}/l-new")))
        .and(body_json(json!({"data": {"type": "licenses", "id": "l-new", "attributes": {"expiry": null, "maxMachines": 5}}})))
        .respond_with(ok(200, json!({"data": license("l-new")})))
        .mount(&server)
        .await;
    for action in ["suspend", "reinstate", "renew"] {
        Mock::given(method("POST"))
            .and(path(format!("{base}/l-new/actions/{action}")))
            .respond_with(ok(200, json!({"data": license("l-new")})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path(format!("{base}/l-new/actions/revoke")))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = hosted(&server).await;
    let mut new = NewLicense::new("pol-1");
    new.name = Some("n".into());
    new.max_machines = Some(3);
    let created = client.licenses().create(&new).await.unwrap().into_data();
    assert_eq!(created.id, "l-new");
    let mut update = UpdateLicense::default();
    update.expiry = Patch::Clear;
    update.max_machines = Patch::Set(5);
    client.licenses().update("l-new", &update).await.unwrap();
    client.licenses().suspend("l-new").await.unwrap();
    client.licenses().reinstate("l-new").await.unwrap();
    client.licenses().renew("l-new").await.unwrap();
    client.licenses().revoke("l-new").await.unwrap();
    assert!(!format!("{client:?}").contains("canary"));
}

#[tokio::test]
async fn lists_page_by_number_and_by_cursor_following_next_links() {
    let server = server().await;
    let base = "/v1/accounts/".to_owned() + ACCOUNT + "/licenses";
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .and(query_param("page[number]", "1"))
        .and(query_param("page[size]", "1"))
        .and(query_param("product", "p-1"))
        .respond_with(ok(200, json!({"data": [license("a")], "links": {"self": format!("{base}?page[number]=1"), "next": format!("{base}?page%5Bnumber%5D=2&page%5Bsize%5D=1"), "meta": {"pages": 2, "count": 2}}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(base.clone()))
        .and(query_param("page[number]", "2"))
        .respond_with(ok(200, json!({"data": [license("b")], "links": {"self": format!("{base}?page[number]=2"), "next": null, "meta": {"pages": 2, "count": 2}}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/accounts/".to_owned() + ACCOUNT + "/machines"))
        .and(query_param("page[size]", "2"))
        .and(query_param("license", LICENSE_ID))
        .respond_with(ok(
            200,
            json!({"data": [machine("m-1")], "links": {"self": "…", "next": null}}),
        ))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = hosted(&server).await;
    let ids: Vec<String> = client
        .licenses()
        .list()
        .product("p-1")
        .page(1)
        .per_page(1)
        .stream()
        .map_ok(|l| l.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b"]);
    let first = client
        .licenses()
        .list()
        .product("p-1")
        .page(1)
        .per_page(1)
        .send()
        .await
        .unwrap();
    assert_eq!(first.links.meta.unwrap().count, Some(2));
    let machines: Vec<_> = client
        .machines()
        .list()
        .license(LICENSE_ID)
        .cursor(None)
        .per_page(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(machines.len(), 1);
    assert!(
        client
            .licenses()
            .list()
            .page(0)
            .per_page(10)
            .send()
            .await
            .unwrap_err()
            .is_invalid_input()
    );
}

#[tokio::test]
async fn a_signed_license_file_checked_out_by_the_client_verifies_offline() {
    // The client's answer is signed; its certificate is then checked with the same key.
    let key = signer();
    let payload = json!({"data": license(LICENSE_ID), "included": [], "meta": {"issued": "2026-01-01T00:00:00.000Z", "expiry": "2026-02-01T00:00:00.000Z", "ttl": 2678400}});
    let enc = base64_encode(payload.to_string().as_bytes());
    let sig = base64_encode(&key.sign(format!("license/{enc}").as_bytes()));
    let envelope = json!({"enc": enc, "sig": sig, "alg": "base64+ed25519"}).to_string();
    let certificate = format!(
        "-----BEGIN LICENSE FILE-----\n{}\n-----END LICENSE FILE-----\n",
        base64_encode(envelope.as_bytes())
    );
    let server = server().await;
    let body = json!({"data": {"id": "f-1", "type": "license-files", "attributes": {"certificate": certificate, "ttl": 2678400, "includes": []}}}).to_string();
    Mock::given(method("POST"))
        .and(path(format!("/v1/licenses/{LICENSE_ID}/actions/check-out")))
        .and(body_json(json!({"meta": {"ttl": 2678400}})))
        .respond_with(Signed::new(&key, 200, &body))
        .mount(&server)
        .await;
    catch_all(&server).await;
    let client = Client::builder()
        .base_url(server.uri())
        .token("t")
        .public_key(&key.public_key().to_hex())
        .build()
        .unwrap();
    let mut options = keyward_keygen::CheckoutOptions::default();
    options.ttl = Patch::Set(2678400);
    let checkout = client
        .licenses()
        .check_out(LICENSE_ID, &options)
        .await
        .unwrap()
        .into_data();
    let file = keyward_keygen::LicenseFile::verify(
        &checkout.attributes.certificate,
        &key.public_key(),
        None,
    )
    .unwrap();
    assert_eq!(file.data.id, LICENSE_ID);
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-15T00:00:00Z")
        .unwrap()
        .to_utc();
    assert_eq!(file.standing(now), keyward_keygen::FileStanding::Current);
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn the_hosted_api_needs_an_account_and_configuration_is_checked_at_build() {
    assert!(Client::builder().build().unwrap_err().is_config());
    assert!(
        Client::builder()
            .account("a/b")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        Client::builder()
            .account(ACCOUNT)
            .public_key("zz")
            .build()
            .unwrap_err()
            .is_config()
    );
    let client = Client::builder().account(ACCOUNT).build().unwrap();
    assert_eq!(client.base_url(), "https://api.keygen.sh/");
    let from_env = Client::builder()
        .from_env_with(|name| match name {
            "KEYGEN_TOKEN" => Some("prod-canary".into()),
            "KEYGEN_ACCOUNT" => Some("demo".into()),
            "KEYGEN_PUBLIC_KEY" => Some(signer().public_key().to_hex()),
            _ => None,
        })
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(from_env.account(), Some("demo"));
    assert!(from_env.verifies_responses() && from_env.has_token());
    assert!(!format!("{from_env:?}").contains("canary"));
    assert!(
        Client::builder()
            .from_env_with(|_| None)
            .unwrap_err()
            .is_config()
    );
}
