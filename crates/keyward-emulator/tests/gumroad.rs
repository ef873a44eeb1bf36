#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Gumroad emulator: through the real `keyward-gumroad` client where it can go, over raw
//! HTTP for what the client never sends (no `product_id`, legacy permalinks, JSON bodies, the
//! token as a parameter).

use chrono::{TimeZone, Utc};
use keyward_emulator::gumroad::{
    DEFAULT_ACCESS_TOKEN, DEFAULT_PRODUCT_ID, GumroadEmulator, LicenseSeed,
};
use keyward_gumroad::{
    Client, GumroadErrorExt, HttpOptions, Refusal, RetryPolicy, SecretLicenseKey,
};
use serde_json::{Value, json};

const KEY: &str = "85DB562A-C11D4B06-A2335A6B-8C079166";
const NOT_FOUND: &str = "That license does not exist for the provided product.";

fn client(gumroad: &GumroadEmulator, token: Option<&str>) -> Client {
    let mut builder = Client::builder()
        .product_id(DEFAULT_PRODUCT_ID)
        .base_url(gumroad.uri())
        .http_options(HttpOptions::new().retry(RetryPolicy::none()));
    if let Some(token) = token {
        builder = builder.api_key(token);
    }
    builder.build().unwrap()
}

fn key(text: &str) -> SecretLicenseKey {
    SecretLicenseKey::new(text)
}

/// A raw request: a form body (pairs) or a JSON one, and extra headers.
async fn send(
    gumroad: &GumroadEmulator,
    method: reqwest::Method,
    path: &str,
    form: &[(&str, &str)],
    json_body: Option<Value>,
) -> (u16, Value) {
    let request = reqwest::Client::new().request(method, format!("{}{path}", gumroad.uri()));
    let request = match json_body {
        Some(body) => request.json(&body),
        None => request.form(form),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn verify_form(gumroad: &GumroadEmulator, form: &[(&str, &str)]) -> (u16, Value) {
    send(
        gumroad,
        reqwest::Method::POST,
        "/v2/licenses/verify",
        form,
        None,
    )
    .await
}

#[tokio::test]
async fn verify_via_the_client_never_changes_uses_and_verify_and_count_does() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).uses(2));
    let licenses = client(&gumroad, None).licenses();
    let license = licenses.verify(&key(KEY)).await.unwrap();
    assert_eq!((license.uses, gumroad.uses(KEY)), (2, Some(2)));
    let purchase = license.purchase.unwrap();
    assert_eq!(purchase.product_id.as_deref(), Some(DEFAULT_PRODUCT_ID));
    assert_eq!(purchase.license_key.as_ref().unwrap().expose(), KEY);
    assert!(!purchase.is_void());
    licenses.verify(&key(KEY)).await.unwrap();
    assert_eq!(gumroad.uses(KEY), Some(2));
    let counted = licenses.verify_and_count(&key(KEY)).await.unwrap();
    assert_eq!((counted.uses, gumroad.uses(KEY)), (3, Some(3)));
}

#[tokio::test]
async fn unknown_keys_and_other_products_are_404_with_gumroads_message() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).product("other-product=="));
    let licenses = client(&gumroad, Some(DEFAULT_ACCESS_TOKEN)).licenses();
    for missing in ["NOPE-0000", KEY] {
        let e = licenses.verify(&key(missing)).await.unwrap_err();
        assert_eq!(e.status(), Some(404));
        assert_eq!(e.gumroad_refusal(), Some(Refusal::NotFound));
        assert_eq!(e.gumroad_message(), Some(NOT_FOUND));
        let e = licenses.disable(&key(missing)).await.unwrap_err();
        assert_eq!(e.gumroad_refusal(), Some(Refusal::NotFound));
    }
    let (status, body) = verify_form(&gumroad, &[("product_id", DEFAULT_PRODUCT_ID)]).await;
    assert_eq!(
        (status, body),
        (404, json!({"success": false, "message": NOT_FOUND}))
    );
}

#[tokio::test]
async fn disable_enable_and_decrement_through_the_client() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).uses(1));
    let licenses = client(&gumroad, Some(DEFAULT_ACCESS_TOKEN)).licenses();
    let disabled = licenses.disable(&key(KEY)).await.unwrap();
    assert!(disabled.success && gumroad.is_disabled(KEY) == Some(true));
    let e = licenses.verify_and_count(&key(KEY)).await.unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(e.gumroad_refusal(), Some(Refusal::Disabled));
    assert_eq!(
        e.gumroad_message(),
        Some("This license key has been disabled.")
    );
    assert_eq!(
        gumroad.uses(KEY),
        Some(1),
        "a refused verify counts nothing"
    );
    // Disabling twice is a state set: still 200.
    licenses.disable(&key(KEY)).await.unwrap();
    licenses.enable(&key(KEY)).await.unwrap();
    assert_eq!(gumroad.is_disabled(KEY), Some(false));
    assert_eq!(licenses.verify(&key(KEY)).await.unwrap().uses, 1);
    let down = licenses.decrement_uses_count(&key(KEY)).await.unwrap();
    assert_eq!(down.uses, 0);
    let floor = licenses.decrement_uses_count(&key(KEY)).await.unwrap();
    assert_eq!((floor.uses, gumroad.uses(KEY)), (0, Some(0)));
}

#[tokio::test]
async fn the_token_routes_need_the_token_as_header_or_parameter() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).uses(3));
    // Without a token the client refuses before sending: the raw request below is the 401.
    let e = client(&gumroad, None).licenses().enable(&key(KEY)).await;
    assert!(e.unwrap_err().is_config());
    let licenses = client(&gumroad, Some("wrong-token")).licenses();
    for e in [
        licenses.enable(&key(KEY)).await.unwrap_err(),
        licenses.disable(&key(KEY)).await.unwrap_err(),
        licenses.decrement_uses_count(&key(KEY)).await.unwrap_err(),
        // Before anything else: an unknown key is 401 too.
        licenses.enable(&key("NOPE")).await.unwrap_err(),
    ] {
        assert_eq!(e.status(), Some(401));
        assert!(e.is_unauthorized());
    }
    assert_eq!(gumroad.is_disabled(KEY), Some(false));
    let put = reqwest::Method::PUT;
    let fields = [("product_id", DEFAULT_PRODUCT_ID), ("license_key", KEY)];
    let path = "/v2/licenses/decrement_uses_count";
    for name in ["access_token", "bearer_token"] {
        let form = [fields[0], fields[1], (name, DEFAULT_ACCESS_TOKEN)];
        let (status, body) = send(&gumroad, put.clone(), path, &form, None).await;
        assert_eq!(
            (status, body["success"].clone()),
            (200, json!(true)),
            "{name}"
        );
    }
    let query = format!("{path}?access_token={DEFAULT_ACCESS_TOKEN}");
    let (status, body) = send(&gumroad, put.clone(), &query, &fields, None).await;
    assert_eq!((status, body["uses"].clone()), (200, json!(0)));
    gumroad.set_api_key("rotated");
    let (status, _) = send(&gumroad, put, &query, &fields, None).await;
    assert_eq!(status, 401);
    let response = reqwest::Client::new()
        .put(format!("{}{path}", gumroad.uri()))
        .form(&fields)
        .send()
        .await
        .unwrap();
    let challenge = response.headers()["www-authenticate"].to_str().unwrap();
    assert!(
        challenge.starts_with("Bearer realm=\"Doorkeeper\""),
        "{challenge}"
    );
    assert_eq!(response.text().await.unwrap(), "");
}

#[tokio::test]
async fn a_new_product_without_product_id_is_500_naming_it() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).permalink("pencil"));
    let form = [("product_permalink", "pencil"), ("license_key", KEY)];
    let (status, body) = verify_form(&gumroad, &form).await;
    assert_eq!(status, 500);
    assert_eq!(
        body["message"],
        format!(
            "The 'product_id' parameter is required to verify the license for this product. \
             Please set 'product_id' to '{DEFAULT_PRODUCT_ID}' in the request."
        )
    );
    assert_eq!(gumroad.uses(KEY), Some(0));
}

#[tokio::test]
async fn an_older_product_verifies_by_permalink_legacy_names_first() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(
        LicenseSeed::new(KEY)
            .requires_product_id(false)
            .permalink("QMGY")
            .custom_permalink("pencil"),
    );
    let k = ("license_key", KEY);
    let table: [(&[(&str, &str)], u16); 7] = [
        (&[("product_permalink", "qmgy")], 200),
        (&[("product_permalink", "PENCIL")], 200),
        (&[("link_id", "pencil")], 200),
        (&[("id", "pencil"), ("product_permalink", "nope")], 200),
        (&[("id", "nope"), ("product_permalink", "pencil")], 404),
        (&[("product_permalink", "nope")], 404),
        (&[], 404),
    ];
    for (given, expected) in table {
        let form: Vec<(&str, &str)> = given.iter().copied().chain([k]).collect();
        let (status, body) = verify_form(&gumroad, &form).await;
        assert_eq!(status, expected, "{given:?}: {body}");
    }
    assert_eq!(gumroad.uses(KEY), Some(4), "each verify counted a use");
}

#[tokio::test]
async fn increment_uses_count_is_off_only_when_false() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY));
    let base = [("product_id", DEFAULT_PRODUCT_ID), ("license_key", KEY)];
    let mut expected = 0;
    for (value, counts) in [
        (Some("false"), false),
        (Some("true"), true),
        (Some("0"), true),
        (Some("False"), true),
        (None, true),
    ] {
        let mut form = base.to_vec();
        form.extend(value.map(|v| ("increment_uses_count", v)));
        let (status, body) = verify_form(&gumroad, &form).await;
        expected += u64::from(counts);
        assert_eq!(
            (status, body["uses"].clone()),
            (200, json!(expected)),
            "{value:?}"
        );
    }
    let post = reqwest::Method::POST;
    let path = "/v2/licenses/verify";
    for (flag, counts) in [
        (json!(false), false),
        (json!("false"), false),
        (json!(0), true),
    ] {
        let body = json!({"product_id": DEFAULT_PRODUCT_ID, "license_key": KEY,
                          "increment_uses_count": flag});
        let (status, answer) = send(&gumroad, post.clone(), path, &[], Some(body)).await;
        expected += u64::from(counts);
        assert_eq!((status, answer["uses"].clone()), (200, json!(expected)));
    }
    let body = json!({"product_id": DEFAULT_PRODUCT_ID, "license_key": ["x"]});
    let (status, answer) = send(&gumroad, post, path, &[], Some(body)).await;
    assert_eq!(
        (status, answer["message"].clone()),
        (400, json!("The 'license_key' parameter must be a string."))
    );
}

/// The purchase keys of SPEC L222-265 (a one-time purchase).
const SPEC_KEYS: [&str; 28] = [
    "id",
    "product_name",
    "created_at",
    "variants",
    "custom_fields",
    "quantity",
    "refunded",
    "chargebacked",
    "email",
    "seller_id",
    "product_id",
    "permalink",
    "product_permalink",
    "short_product_id",
    "price",
    "currency",
    "order_number",
    "sale_id",
    "sale_timestamp",
    "license_key",
    "is_gift_receiver_purchase",
    "disputed",
    "dispute_won",
    "gumroad_fee",
    "discover_fee_charged",
    "can_contact",
    "referrer",
    "card",
];

fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn the_purchase_has_gumroads_keys_and_a_void_purchase_still_verifies() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).refunded());
    let ended = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
    gumroad.add_license(LicenseSeed::new("SUB-1").subscription_ended_at(ended));
    gumroad.add_license(LicenseSeed::new("CB-1").chargebacked());
    let base = [
        ("product_id", DEFAULT_PRODUCT_ID),
        ("increment_uses_count", "false"),
    ];
    let (status, body) = verify_form(&gumroad, &[base[0], base[1], ("license_key", KEY)]).await;
    assert_eq!(status, 200);
    assert_eq!(keys(&body), ["purchase", "success", "uses"]);
    let mut spec: Vec<String> = SPEC_KEYS.iter().map(|k| (*k).to_owned()).collect();
    spec.sort();
    assert_eq!(keys(&body["purchase"]), spec);
    assert_eq!(
        keys(&body["purchase"]["card"]),
        ["bin", "expiry_month", "expiry_year", "type", "visual"]
    );
    assert_eq!(body["purchase"]["refunded"], true);
    let (_, sub) = verify_form(&gumroad, &[base[0], base[1], ("license_key", "SUB-1")]).await;
    let purchase = &sub["purchase"];
    assert!(purchase.get("chargebacked").is_none(), "{purchase}");
    assert_eq!(purchase["subscription_ended_at"], "2026-03-01T00:00:00Z");
    assert_eq!(purchase["subscription_cancelled_at"], Value::Null);
    assert_eq!(purchase["recurrence"], "monthly");
    assert!(purchase["subscription_id"].is_string());
    let licenses = client(&gumroad, None).licenses();
    for void in [KEY, "SUB-1", "CB-1"] {
        let purchase = licenses.verify(&key(void)).await.unwrap().purchase.unwrap();
        assert!(purchase.is_void(), "{void}");
    }
}

#[tokio::test]
async fn revoked_access_and_another_sellers_license() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new("REVOKED").access_revoked());
    gumroad.add_license(LicenseSeed::new("THEIRS").other_seller());
    let licenses = client(&gumroad, Some(DEFAULT_ACCESS_TOKEN)).licenses();
    for e in [
        licenses.verify(&key("REVOKED")).await.unwrap_err(),
        licenses.enable(&key("REVOKED")).await.unwrap_err(),
    ] {
        assert_eq!(e.gumroad_refusal(), Some(Refusal::AccessExpired));
    }
    assert!(
        licenses.verify(&key("THEIRS")).await.is_ok(),
        "verify is public"
    );
    let e = licenses.disable(&key("THEIRS")).await.unwrap_err();
    assert_eq!(
        (e.status(), e.gumroad_message()),
        (Some(404), Some("Not found"))
    );
    assert_eq!(gumroad.is_disabled("THEIRS"), Some(false));
}

#[tokio::test]
async fn both_path_styles_and_unknown_routes() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY));
    let form = [("product_id", DEFAULT_PRODUCT_ID), ("license_key", KEY)];
    let post = reqwest::Method::POST;
    let (status, _) = send(
        &gumroad,
        post.clone(),
        "/api/v2/licenses/verify",
        &form,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = send(
        &gumroad,
        reqwest::Method::GET,
        "/v2/licenses/verify",
        &form,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = send(&gumroad, post, "/v2/licenses/enable", &form, None).await;
    assert_eq!((status, body["error"].clone()), (404, json!("Not found")));
}

#[tokio::test]
async fn dump_lists_the_licenses_and_debug_shows_no_secret() {
    let gumroad = GumroadEmulator::start().await;
    gumroad.add_license(LicenseSeed::new(KEY).disabled());
    let id = gumroad.add_license(LicenseSeed::new(KEY).uses(9));
    gumroad.mark_seed();
    let dump = gumroad.dump();
    assert_eq!(dump["provider"], "GumroadEmulator");
    let licenses = dump["state"]["licenses"].as_array().unwrap();
    assert_eq!(licenses.len(), 1, "the same key twice is one license");
    assert_eq!(licenses[0]["disabled"], true);
    assert_eq!(licenses[0]["purchase"]["id"], id);
    assert_eq!(licenses[0]["purchase"]["license_key"], KEY);
    let licenses = client(&gumroad, Some(DEFAULT_ACCESS_TOKEN)).licenses();
    licenses.enable(&key(KEY)).await.unwrap();
    gumroad.reset();
    assert_eq!(gumroad.is_disabled(KEY), Some(true));
    let shown = format!("{gumroad:?}");
    assert!(
        !shown.contains(KEY) && !shown.contains(DEFAULT_ACCESS_TOKEN),
        "{shown}"
    );
}
