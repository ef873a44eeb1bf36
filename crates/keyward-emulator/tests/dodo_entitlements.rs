//! The Dodo emulator's entitlements and grants, over plain HTTP: listing and reading
//! entitlements, an entitlement's and a customer's grants with filters and pages, manual
//! fulfilment (pending → delivered, the key then activates and validates), revoking
//! (idempotent, disables the key).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use keyward_emulator::SeedError;
use keyward_emulator::dodo::{DodoEmulator, EntitlementSeed, GrantSeed};
use reqwest::{Client, Method};
use serde_json::{Value, json};

const NOW: &str = "2026-01-15T10:00:00Z";

async fn call(
    dodo: &DodoEmulator,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = Client::new()
        .request(method, format!("{}{path}", dodo.uri()))
        .bearer_auth(dodo.api_key());
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn public(dodo: &DodoEmulator, action: &str, body: Value) -> (u16, Value) {
    let response = Client::new()
        .post(format!("{}/licenses/{action}", dodo.uri()))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn emulator() -> (DodoEmulator, String, String) {
    let dodo = DodoEmulator::start().await;
    dodo.set_now(NOW.parse().unwrap());
    let auto = dodo.add_entitlement(EntitlementSeed::new("Pro").activation_limit(3));
    let manual = dodo.add_entitlement(
        EntitlementSeed::new("Studio")
            .manual()
            .activation_limit(1)
            .duration(1, "Year")
            .product("pdt_studio"),
    );
    (dodo, auto, manual)
}

#[tokio::test]
async fn entitlements_are_listed_paged_and_read() {
    let (dodo, auto, manual) = emulator().await;
    let (status, list) = call(&dodo, Method::GET, "/entitlements", None).await;
    assert_eq!(status, 200);
    assert_eq!(ids(&list), [auto.clone(), manual.clone()]);
    let (_, second) = call(
        &dodo,
        Method::GET,
        "/entitlements?page_size=1&page_number=1",
        None,
    )
    .await;
    assert_eq!(ids(&second), [manual.as_str()]);

    let (status, one) = call(&dodo, Method::GET, &format!("/entitlements/{manual}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(one["integration_type"], "license_key");
    let config = &one["integration_config"];
    assert_eq!(config["fulfillment_mode"], "manual");
    assert_eq!(config["activations_limit"], 1);
    assert_eq!(
        (
            config["duration_count"].clone(),
            config["duration_interval"].clone()
        ),
        (json!(1), json!("Year"))
    );
    assert_eq!(
        call(&dodo, Method::GET, "/entitlements/ent_nope", None)
            .await
            .0,
        404
    );

    let unauthorised = Client::new()
        .get(format!("{}/entitlements", dodo.uri()))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorised.status().as_u16(), 401);
}

#[tokio::test]
async fn a_manual_grant_is_pending_until_a_key_is_delivered_then_the_key_works() {
    let (dodo, _, manual) = emulator().await;
    let grant = dodo.add_grant(GrantSeed::new(&manual, "cus_ada")).unwrap();
    let path = format!("/entitlements/{manual}/grants?status=Pending");
    let (_, pending) = call(&dodo, Method::GET, &path, None).await;
    assert_eq!(ids(&pending), [grant.as_str()]);
    assert_eq!(pending["items"][0]["status"], "Pending");
    assert_eq!(pending["items"][0]["license_key"], Value::Null);
    assert_eq!(
        public(&dodo, "validate", json!({"license_key": "STUDIO-0001"}))
            .await
            .1["valid"],
        false
    );

    let deliver = format!("/grants/{grant}/license-key");
    let (status, delivered) = call(
        &dodo,
        Method::POST,
        &deliver,
        Some(json!({"key": "STUDIO-0001"})),
    )
    .await;
    assert_eq!(status, 200, "{delivered}");
    assert_eq!(delivered["status"], "Delivered");
    assert_eq!(delivered["delivered_at"], "2026-01-15T10:00:00.000000Z");
    let key = &delivered["license_key"];
    assert_eq!(
        (key["key"].clone(), key["status"].clone()),
        (json!("STUDIO-0001"), json!("active"))
    );
    // The entitlement's configuration: one activation, a year from delivery.
    assert_eq!(key["activations_limit"], 1);
    assert_eq!(key["expires_at"], "2027-01-15T10:00:00.000000Z");

    let (status, instance) = public(
        &dodo,
        "activate",
        json!({"license_key": "STUDIO-0001", "name": "mac"}),
    )
    .await;
    assert_eq!(status, 201, "{instance}");
    assert_eq!(instance["product"]["product_id"], "pdt_studio");
    let validated = public(
        &dodo,
        "validate",
        json!({"license_key": "STUDIO-0001", "license_key_instance_id": instance["id"]}),
    )
    .await;
    assert_eq!(validated.1["valid"], true);
    assert_eq!(
        dodo.grant(&grant).unwrap()["license_key"]["activations_used"],
        1
    );
    let path = format!("/license_key_instances?grant_id={grant}");
    assert_eq!(
        ids(&call(&dodo, Method::GET, &path, None).await.1),
        [instance["id"].as_str().unwrap()]
    );

    // Delivered once only; a key body is required.
    let again = call(
        &dodo,
        Method::POST,
        &deliver,
        Some(json!({"key": "STUDIO-0002"})),
    )
    .await;
    assert_eq!(again.0, 409, "{}", again.1);
    let other = dodo.add_grant(GrantSeed::new(&manual, "cus_bob")).unwrap();
    let missing = call(
        &dodo,
        Method::POST,
        &format!("/grants/{other}/license-key"),
        Some(json!({})),
    )
    .await;
    assert_eq!(missing.0, 422);
    let taken = call(
        &dodo,
        Method::POST,
        &format!("/grants/{other}/license-key"),
        Some(json!({"key": "STUDIO-0001"})),
    )
    .await;
    assert_eq!(taken.0, 409);
    assert_eq!(
        dodo.grant(&other).unwrap()["status"],
        "Pending",
        "a refused delivery changes nothing"
    );
    // Explicit limit and expiry win over the entitlement's.
    let (_, custom) = call(
        &dodo,
        Method::POST,
        &format!("/grants/{other}/license-key"),
        Some(json!({"key": "STUDIO-0003", "activations_limit": null, "expires_at": null})),
    )
    .await;
    assert_eq!(
        (
            custom["license_key"]["activations_limit"].clone(),
            custom["license_key"]["expires_at"].clone()
        ),
        (Value::Null, Value::Null)
    );
    assert_eq!(
        call(
            &dodo,
            Method::POST,
            "/grants/entg_nope/license-key",
            Some(json!({"key": "X"}))
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn revoking_is_idempotent_and_disables_the_key() {
    let (dodo, auto, manual) = emulator().await;
    let grant = dodo
        .add_grant(GrantSeed::new(&auto, "cus_ada").key("PRO-0001"))
        .unwrap();
    assert_eq!(dodo.grant(&grant).unwrap()["status"], "Delivered");
    assert_eq!(
        public(&dodo, "validate", json!({"license_key": "PRO-0001"}))
            .await
            .1["valid"],
        true
    );

    let path = format!("/entitlements/{auto}/grants/{grant}");
    assert_eq!(
        call(
            &dodo,
            Method::DELETE,
            &format!("/entitlements/{manual}/grants/{grant}"),
            None
        )
        .await
        .0,
        404
    );
    let (status, revoked) = call(&dodo, Method::DELETE, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(revoked["status"], "Revoked");
    assert_eq!(revoked["license_key"]["status"], "disabled");
    dodo.advance(chrono::Duration::hours(1));
    let (status, again) = call(&dodo, Method::DELETE, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        again["revoked_at"], revoked["revoked_at"],
        "revoking again changes nothing"
    );

    assert_eq!(
        public(&dodo, "validate", json!({"license_key": "PRO-0001"}))
            .await
            .1["valid"],
        false
    );
    let (status, refused) = public(
        &dodo,
        "activate",
        json!({"license_key": "PRO-0001", "name": "pc"}),
    )
    .await;
    assert_eq!(
        (status, refused["code"].clone()),
        (403, json!("INACTIVE_LICENSE_KEY"))
    );
}

#[tokio::test]
async fn grants_filter_by_customer_and_status_and_page() {
    let (dodo, auto, manual) = emulator().await;
    let ada1 = dodo.add_grant(GrantSeed::new(&auto, "cus_ada")).unwrap();
    let bob = dodo.add_grant(GrantSeed::new(&auto, "cus_bob")).unwrap();
    let ada2 = dodo.add_grant(GrantSeed::new(&manual, "cus_ada")).unwrap();
    let ada3 = dodo.add_grant(GrantSeed::new(&auto, "cus_ada")).unwrap();

    let list = |query: &str| format!("/entitlements/{auto}/grants{query}");
    assert_eq!(
        ids(&call(&dodo, Method::GET, &list(""), None).await.1),
        [ada1.as_str(), bob.as_str(), ada3.as_str()]
    );
    assert_eq!(
        ids(
            &call(&dodo, Method::GET, &list("?customer_id=cus_ada"), None)
                .await
                .1
        ),
        [ada1.as_str(), ada3.as_str()]
    );
    assert_eq!(
        ids(&call(
            &dodo,
            Method::GET,
            &list("?page_size=2&page_number=1"),
            None
        )
        .await
        .1),
        [ada3.as_str()]
    );
    assert_eq!(
        ids(&call(&dodo, Method::GET, &list("?status=Pending"), None)
            .await
            .1),
        Vec::<String>::new()
    );
    assert_eq!(
        call(&dodo, Method::GET, &list("?page_size=x"), None)
            .await
            .0,
        422
    );
    assert_eq!(
        call(&dodo, Method::GET, "/entitlements/ent_nope/grants", None)
            .await
            .0,
        404
    );

    let customer = |query: &str| format!("/customers/cus_ada/entitlement-grants{query}");
    let (_, all) = call(&dodo, Method::GET, &customer(""), None).await;
    assert_eq!(ids(&all), [ada1.as_str(), ada2.as_str(), ada3.as_str()]);
    // This listing spells the status in lower case, as the SDK's customers types do.
    assert_eq!(all["items"][1]["status"], "pending");
    assert_eq!(
        ids(
            &call(&dodo, Method::GET, &customer("?status=pending"), None)
                .await
                .1
        ),
        [ada2.as_str()]
    );
    let licensed = customer("?integration_type=license_key&status=delivered&page_size=1");
    assert_eq!(
        ids(&call(&dodo, Method::GET, &licensed, None).await.1),
        [ada1.as_str()]
    );
    assert!(
        ids(&call(
            &dodo,
            Method::GET,
            &customer("?integration_type=discord"),
            None
        )
        .await
        .1)
        .is_empty()
    );
}

#[tokio::test]
async fn grant_seeds_are_refused_with_typed_errors_that_do_not_quote_keys() {
    let (dodo, auto, _) = emulator().await;
    let unknown = dodo
        .add_grant(GrantSeed::new("ent_nope", "cus_ada"))
        .unwrap_err();
    assert!(
        matches!(
            unknown,
            SeedError::Unknown {
                what: "entitlement",
                ..
            }
        ),
        "{unknown}"
    );
    dodo.add_grant(GrantSeed::new(&auto, "cus_ada").key("SECRET-DUP-KEY"))
        .unwrap();
    let duplicate = dodo
        .add_grant(GrantSeed::new(&auto, "cus_bob").key("SECRET-DUP-KEY"))
        .unwrap_err();
    assert!(matches!(duplicate, SeedError::Exists { .. }));
    assert!(!format!("{duplicate} {duplicate:?}").contains("SECRET-DUP-KEY"));
    let dump = dodo.dump();
    assert_eq!(
        dump["state"]["entitlement_grants"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "the refused grant is gone"
    );
}

#[tokio::test]
async fn a_grant_fails_with_its_error_and_then_takes_no_key() {
    let (dodo, auto, manual) = emulator().await;
    // Seeded as failed: never delivered, no key issued, even with automatic fulfilment.
    let seeded = dodo
        .add_grant(GrantSeed::new(&auto, "cus_ada").failed("KEY_LIMIT", "No keys left"))
        .unwrap();
    let grant = dodo.grant(&seeded).unwrap();
    assert_eq!(grant["status"], "Failed");
    assert_eq!(grant["error_code"], "KEY_LIMIT");
    assert_eq!(grant["error_message"], "No keys left");
    assert_eq!(grant["license_key"], Value::Null);
    assert_eq!(grant["delivered_at"], Value::Null);

    // A pending grant fails through the control; a delivery afterwards is refused.
    let pending = dodo.add_grant(GrantSeed::new(&manual, "cus_bob")).unwrap();
    assert_eq!(dodo.grant(&pending).unwrap()["error_code"], Value::Null);
    dodo.fail_grant(&pending, "MAIL_BOUNCED", "The customer's address bounced")
        .unwrap();
    let (status, _) = call(
        &dodo,
        Method::POST,
        &format!("/grants/{pending}/license-key"),
        Some(json!({"key": "LATE-KEY"})),
    )
    .await;
    assert_eq!(status, 409);
    let (_, found) = public(&dodo, "validate", json!({"license_key": "LATE-KEY"})).await;
    assert_ne!(found["valid"], true, "no key was created: {found}");

    // Both spellings of the status filter find failed grants.
    let (_, failed) = call(
        &dodo,
        Method::GET,
        &format!("/entitlements/{manual}/grants?status=Failed"),
        None,
    )
    .await;
    assert_eq!(ids(&failed), [pending.as_str()]);
    let (_, customer) = call(
        &dodo,
        Method::GET,
        "/customers/cus_ada/entitlement-grants?status=failed",
        None,
    )
    .await;
    assert_eq!(ids(&customer), [seeded.as_str()]);
    assert_eq!(customer["items"][0]["status"], "failed");

    // Only a pending grant can fail; an unknown one is named.
    let delivered = dodo.add_grant(GrantSeed::new(&auto, "cus_cy")).unwrap();
    let conflict = dodo.fail_grant(&delivered, "X", "y").unwrap_err();
    assert!(
        matches!(conflict, SeedError::Conflict { what: "grant", .. }),
        "{conflict}"
    );
    assert_eq!(dodo.grant(&delivered).unwrap()["status"], "Delivered");
    let unknown = dodo.fail_grant("entg_nope", "X", "y").unwrap_err();
    assert!(
        matches!(unknown, SeedError::Unknown { what: "grant", .. }),
        "{unknown}"
    );
}
