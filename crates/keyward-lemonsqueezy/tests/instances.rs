//! `license-key-instances` JSON:API against wiremock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::{API_KEY, client, jsonapi, server};
use futures_util::TryStreamExt;
use keyward_lemonsqueezy::{InstanceId, LicenseKeyId, LicenseKeyInstanceId};
use wiremock::Mock;
use wiremock::matchers::{header, method, path, query_param};

#[tokio::test]
async fn retrieve_by_numeric_id() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-key-instances/1"))
        .and(header(
            "authorization",
            format!("Bearer {API_KEY}").as_str(),
        ))
        .and(header("accept", "application/vnd.api+json"))
        .and(header("content-type", "application/vnd.api+json"))
        .respond_with(jsonapi(200, "license_key_instances.retrieve.200.json"))
        .expect(1)
        .mount(&server)
        .await;
    let instance = client(&server)
        .license_key_instances()
        .retrieve(LicenseKeyInstanceId(1))
        .await
        .unwrap()
        .data;
    assert_eq!(instance.id, LicenseKeyInstanceId(1));
    assert_eq!(instance.attributes.license_key_id, LicenseKeyId(1));
    assert_eq!(
        instance.attributes.identifier,
        InstanceId::new("f70a79fa-6054-433e-9c1b-6075344292e4")
    );
    assert_eq!(instance.attributes.name, "example.com");
}

#[tokio::test]
async fn retrieve_with_the_license_key_included() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-key-instances/2"))
        .and(query_param("include", "license-key"))
        .respond_with(jsonapi(
            200,
            "license_key_instances.retrieve.include.200.json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let doc = client(&server)
        .license_key_instances()
        .retrieve_including(LicenseKeyInstanceId(2), &["license-key"])
        .await
        .unwrap();
    assert_eq!(doc.included.len(), 1);
    assert_eq!(doc.included[0]["type"], "license-keys");
    let linkage = doc.data.relationships["license-key"].identifiers();
    assert_eq!(linkage.len(), 1);
    assert_eq!(
        (linkage[0].resource_type.as_str(), linkage[0].id.as_str()),
        ("license-keys", "2")
    );
    let key: keyward_lemonsqueezy::models::LicenseKey =
        serde_json::from_value(doc.included[0].clone()).unwrap();
    assert_eq!(key.attributes.activation_limit, None);
}

#[tokio::test]
async fn list_filters_by_license_key_and_streams() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-key-instances"))
        .and(query_param("filter[license_key_id]", "2"))
        .and(query_param("page[number]", "1"))
        .respond_with(jsonapi(200, "license_key_instances.list.200.json"))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let page = c
        .license_key_instances()
        .list()
        .license_key_id(2)
        .page(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.data.len(), 2);
    assert!(!page.has_next());
    let all: Vec<_> = c
        .license_key_instances()
        .list()
        .license_key_id(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    let names: Vec<_> = all.iter().map(|i| i.attributes.name.as_str()).collect();
    assert_eq!(names, ["Jane-MacBook", "Jane-Desktop"]);
}

#[tokio::test]
async fn find_by_identifier_walks_the_key_instances() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/license-key-instances"))
        .and(query_param("filter[license_key_id]", "2"))
        .and(query_param("page[size]", "100"))
        .respond_with(jsonapi(200, "license_key_instances.list.200.json"))
        .expect(2)
        .mount(&server)
        .await;
    let c = client(&server);
    let found = c
        .license_key_instances()
        .find_by_identifier(
            LicenseKeyId(2),
            &InstanceId::new("f90ec370-fd83-46a5-8bbd-44a241e78665"),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, LicenseKeyInstanceId(3));
    let missing = c
        .license_key_instances()
        .find_by_identifier(LicenseKeyId(2), &InstanceId::new("nope"))
        .await
        .unwrap();
    assert!(missing.is_none());
}
