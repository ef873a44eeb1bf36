//! The client against wiremock: key management, products and contracts, with the documented
//! bodies.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::common;

use common::wire::*;
use keyward_core::ErrorKind;
use keyward_signed_license::ResponseCode;
use keyward_signed_license::models::*;

#[tokio::test]
async fn license_key_management() {
    let (server, c) = serve("assign-license-key.800.json", "POST", "assign-license-key").await;
    assert!(
        c.assign_license_key(&lk("k-9"), Some("Bo"), Some("bo@x.test"))
            .await
            .unwrap()
            .is_done()
    );
    let f = sent(&server).await;
    assert_eq!(
        (
            f["license_key"].as_str(),
            f["owner_name"].as_str(),
            f["email"].as_str()
        ),
        ("k-9", "Bo", "bo@x.test")
    );
    let (_s, c) = serve("assign-license-key.801.json", "POST", "assign-license-key").await;
    assert_eq!(
        refused(&c.assign_license_key(&lk("k"), None, None).await.unwrap()),
        ResponseCode::InvalidOrAlreadyAssigned
    );

    let req = RandomAssign::new(1, 7, "o@x.test")
        .owner_name("O")
        .generate(true);
    let (server, c) = serve(
        "random-assign-license-keys.803.json",
        "POST",
        "random-assign-license-keys",
    )
    .await;
    let r = c.random_assign_license_keys(&req).await.unwrap();
    assert_eq!(r.done().unwrap().len(), 7);
    let f = sent(&server).await;
    assert_eq!(
        (
            f["product_id"].as_str(),
            f["quantity"].as_str(),
            f["generate"].as_str()
        ),
        ("1", "7", "1")
    );
    let (_s, c) = serve(
        "random-assign-license-keys.802.json",
        "POST",
        "random-assign-license-keys",
    )
    .await;
    let r = c.random_assign_license_keys(&req).await.unwrap();
    assert_eq!(refused(&r), ResponseCode::InsufficientLicenseKeys);
    assert_eq!(r.verified().value().fields()["available_quantity"], 5);
    for file in [
        "random-assign-license-keys.805.json",
        "random-assign-license-keys.806.json",
    ] {
        let (_s, c) = serve(file, "POST", "random-assign-license-keys").await;
        assert!(
            c.random_assign_license_keys(&req)
                .await
                .unwrap_err()
                .is_not_found()
        );
    }
    let (server, c) = serve(
        "random-assign-license-keys-queued.807.json",
        "POST",
        "random-assign-license-keys-queued",
    )
    .await;
    assert!(
        c.random_assign_license_keys_queued(&req, "https://shop.test/hook?s=1", "order-1")
            .await
            .unwrap()
            .is_done()
    );
    assert_eq!(sent(&server).await["identifier"], "order-1");

    let spec = LicenseKeySpec::new(1, 2, 365, LicenseKeyStatus::Available).owner("A", "a@x.test");
    let (server, c) = serve(
        "create-license-keys.900.json",
        "POST",
        "create-license-keys",
    )
    .await;
    let r = c
        .create_license_keys(&[lk("n-1"), lk("n-2")], &spec)
        .await
        .unwrap();
    let created = r.done().unwrap();
    assert_eq!((created.created, created.duplicate), (3, 1));
    let f = sent(&server).await;
    assert_eq!(
        (
            f["license_keys"].as_str(),
            f["status"].as_str(),
            f["validity"].as_str()
        ),
        (r#"["n-1","n-2"]"#, "available", "365")
    );
    let (_s, c) = serve("update-license-key.950.json", "POST", "update-license-key").await;
    assert!(
        c.update_license_key(&lk("n-1"), &spec)
            .await
            .unwrap()
            .is_done()
    );
    let (_s, c) = serve("delete-license-key.850.json", "POST", "delete-license-key").await;
    assert!(c.delete_license_key(&lk("n-1")).await.unwrap().is_done());
    let (server, c) = serve("get-license-keys.730.json", "GET", "get-license-keys").await;
    let r = c.license_keys().await.unwrap();
    assert_eq!(r.done().unwrap()[0].status, LicenseKeyStatus::Available);
    sent(&server).await;
    let (server, c) = serve(
        "get-available-license-keys-count.741.json",
        "GET",
        "get-available-license-keys-count",
    )
    .await;
    assert_eq!(
        c.available_license_keys_count(Some(1))
            .await
            .unwrap()
            .done(),
        Some(&696)
    );
    assert_eq!(sent(&server).await["product_id"], "1");
    let (_s, c) = serve(
        "get-available-license-keys-count.740.json",
        "GET",
        "get-available-license-keys-count",
    )
    .await;
    assert!(
        c.available_license_keys_count(None)
            .await
            .unwrap_err()
            .is_not_found()
    );
    let (server, c) = serve("generate.815.json", "POST", "generate").await;
    let r = c.generate(3, 10).await.unwrap();
    assert_eq!(r.done().unwrap().len(), 10);
    assert_eq!(sent(&server).await["generator_id"], "3");
}

#[tokio::test]
async fn products_and_generators() {
    let (server, c) = serve("get-all-products.810.json", "GET", "get-all-products").await;
    let r = c.products().await.unwrap();
    assert_eq!(r.done().unwrap()[0].meta_data.len(), 2);
    sent(&server).await;
    let p = NewProduct::new("App", "An app");
    let (server, c) = serve("create-product.750.json", "POST", "create-product").await;
    assert_eq!(c.create_product(&p).await.unwrap().done(), Some(&5));
    let f = sent(&server).await;
    assert_eq!(
        (
            f["name"].as_str(),
            f["source"].as_str(),
            f["status"].as_str()
        ),
        ("App", "internal", "active")
    );
    for file in ["create-product.751.json", "create-product.751.2.json"] {
        let (_s, c) = serve(file, "POST", "create-product").await;
        let e = c.create_product(&p).await.unwrap_err();
        assert_eq!(
            (e.kind(), e.http().unwrap().provider_code.as_deref()),
            (ErrorKind::Rejected, Some("751"))
        );
    }
    let (_s, c) = serve("update-product.650.json", "POST", "update-product").await;
    assert!(c.update_product(5, &p).await.unwrap().is_done());
    let (_s, c) = serve("update-product.651.json", "POST", "update-product").await;
    assert!(c.update_product(99, &p).await.is_err());
    let (_s, c) = serve("delete-product.550.json", "POST", "delete-product").await;
    assert!(c.delete_product(5).await.unwrap().is_done());
    let (_s, c) = serve(
        "create-product-meta.273.json",
        "POST",
        "create-product-meta",
    )
    .await;
    assert!(c.create_product_meta(1, "k", "v").await.unwrap().is_done());
    let (_s, c) = serve(
        "create-product-meta.274.json",
        "POST",
        "create-product-meta",
    )
    .await;
    assert!(
        c.create_product_meta(9, "k", "v")
            .await
            .unwrap_err()
            .is_not_found()
    );
    let (_s, c) = serve(
        "update-product-meta.373.json",
        "POST",
        "update-product-meta",
    )
    .await;
    assert!(c.update_product_meta(1, "k", "v").await.unwrap().is_done());
    let (_s, c) = serve(
        "update-product-meta.372.json",
        "POST",
        "update-product-meta",
    )
    .await;
    assert_eq!(
        refused(&c.update_product_meta(1, "k", "v").await.unwrap()),
        ResponseCode::ProductMetaKeyMissingOnUpdate
    );
    let (server, c) = serve(
        "delete-product-meta.482.json",
        "POST",
        "delete-product-meta",
    )
    .await;
    assert!(c.delete_product_meta(1, "k").await.unwrap().is_done());
    assert_eq!(sent(&server).await["product_id"], "1");
    let (_s, c) = serve("get-all-generators.820.json", "GET", "get-all-generators").await;
    let r = c.generators().await.unwrap();
    assert_eq!(r.done().unwrap()[0].method.as_deref(), Some("uuid"));
}

#[tokio::test]
async fn contracts() {
    let (server, c) = serve("get-all-contracts.846.json", "GET", "get-all-contracts").await;
    assert_eq!(
        c.contracts().await.unwrap().done().unwrap()[0].license_keys_quantity,
        Some(65)
    );
    sent(&server).await;
    let spec = ContractSpec::new("ck-1", "Test Contract", 1, 65);
    let (server, c) = serve("create-contract.841.json", "POST", "create-contract").await;
    let r = c.create_contract(&spec).await.unwrap();
    let contract = r.done().unwrap();
    assert_eq!(
        (contract.id, contract.product_id, contract.can_generate),
        (10, Some(1), true)
    );
    let f = sent(&server).await;
    assert_eq!(
        (f["contract_name"].as_str(), f["can_destroy_all"].as_str()),
        ("Test Contract", "0")
    );
    let (_s, c) = serve("create-contract.825.json", "POST", "create-contract").await;
    assert_eq!(
        c.create_contract(&spec).await.unwrap_err().kind(),
        ErrorKind::Rejected
    );
    let (_s, c) = serve("update-contract.842.json", "POST", "update-contract").await;
    assert_eq!(
        c.update_contract(8, &spec)
            .await
            .unwrap()
            .done()
            .unwrap()
            .id,
        8
    );
    let (_s, c) = serve("update-contract.825.json", "POST", "update-contract").await;
    assert!(c.update_contract(8, &spec).await.is_err());
    let (_s, c) = serve("delete-contract.843.json", "POST", "delete-contract").await;
    assert!(c.delete_contract(10).await.unwrap().is_done());
    let (server, c) = serve("delete-contract.844.json", "POST", "delete-contract").await;
    assert_eq!(
        refused(&c.delete_contract(11).await.unwrap()),
        ResponseCode::ContractNotFound
    );
    assert_eq!(sent(&server).await["contract_id"], "11");
    let (_s, c) = serve("get-all-contracts.740.json", "GET", "get-all-contracts").await;
    assert!(c.contracts().await.unwrap_err().is_not_found());
}
