//! `update` over wiremock, with documented payloads signed by a TEST-ONLY key.

use super::*;

/// `update-license-key` is not emulated: the documented payloads (730, 950) are served, signed
/// with a TEST-ONLY key.
#[tokio::test]
async fn update_reads_the_key_and_sends_it_back_whole() {
    let (pair, public) = test_key("product-2048");
    let now = 1_709_003_450;
    let mut listed = plain_response("get-license-keys.730.json");
    listed["timestamp"] = Value::from(now - 5);
    let mut updated = plain_response("update-license-key.950.json");
    updated["timestamp"] = Value::from(now - 3);
    let server = MockServer::start().await;
    let api_key = "00000000-0000-0000-0000-canary000001";
    Mock::given(method("GET"))
        .and(path("/api/v1/get-license-keys"))
        .and(query_param("api_key", api_key))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(envelope(&pair, &listed), "application/json"),
        )
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/update-license-key"))
        .and(body_string(format!(
            "api_key={api_key}&license_key=2f09f12d-7040-4bc6-a506-23f372d09a25\
             &product_id=1&activation_limit=0&validity=365&status=blocked"
        )))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(envelope(&pair, &updated), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let clock = Arc::new(FixedClock::new(DateTime::from_timestamp(now, 0).unwrap()));
    let client = keyward_signed_license::Client::builder()
        .base_url(server.uri())
        .api_key(ApiKey::new(api_key).unwrap())
        .keys(KeySet::new(public))
        .clock(clock)
        .http_options(keyward_http::HttpOptions::new().retry(keyward_http::RetryPolicy::none()))
        .build()
        .unwrap();
    let provider: Box<dyn LicenseAdmin> =
        Box::new(SignedLicenseProvider::new(client).admin().unwrap());
    let mut update = UpdateRequest::new("944516");
    update.activation_limit = Patch::Clear;
    update.disabled = Some(true);
    let license = provider.update(update).await.unwrap();
    assert_eq!(license.id, "944516");
    // raw is the key's part of the verified payload, as the server signed it.
    assert_eq!(license.raw, listed["license_keys"][0]);
    let page = provider.list(ListRequest::new()).await.unwrap();
    assert_eq!(page.items.len(), 10);
    for (i, item) in page.items.iter().enumerate() {
        assert_eq!(item.raw, listed["license_keys"][i], "item {i}");
    }

    let mut dated = UpdateRequest::new("944516");
    dated.expires_at = Patch::Set(Utc::now());
    assert!(provider.update(dated).await.unwrap_err().is_config());
    assert!(
        provider
            .update(UpdateRequest::new("1"))
            .await
            .unwrap_err()
            .is_not_found()
    );
}
