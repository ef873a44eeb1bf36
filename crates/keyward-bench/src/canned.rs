//! The answers the canned server gives: provider bodies from `fixtures/`, and for GetKeyManager
//! a `verify` success (code 200, which the documentation has no example of) in the documented
//! envelope shape, signed at start-up with the TEST-ONLY product key of `fixtures/`.

use std::path::PathBuf;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use keyward_test_support::{Loopback, Route, Server};

/// The Dodo license key id of `get_license_key.200.json`.
pub const DODO_KEY_ID: &str = "lic_7namTC0VcgrnzrF3GTSwB";
/// The Dodo license key of `get_license_key.200.json`.
pub const DODO_KEY: &str = "2b1f8e2d-c41e-4e8f-b2d3-d9fd61c38f43";
/// The Lemon Squeezy license key id of `license_keys.retrieve.200.json`.
pub const LS_KEY_ID: u64 = 1;
/// The Lemon Squeezy license key of `licenses.validate.200.json`.
pub const LS_KEY: &str = "38b1460a-5104-4067-a91d-77b872934d51";
/// The Polar organization and license key of `polar/licenses.validate.200.json`.
pub const POLAR_ORG: &str = "fda84e25-7b55-4d67-916d-60ead04ff61f";
/// The Polar license key of `polar/licenses.validate.200.json`.
pub const POLAR_KEY: &str = "1C285B2D-6CE6-4BC7-B8BE-ADB6A7E304DA";
/// The Creem license key and instance of `creem/licenses.validate.200.json`.
pub const CREEM_KEY: &str = "ABC123-XYZ456-XYZ456-XYZ456";
/// The Creem instance of `creem/licenses.validate.200.json`.
pub const CREEM_INSTANCE: &str = "inst_xyz789";
/// Where Creem is served: its `/v1/licenses/validate` is Lemon Squeezy's path too.
pub const CREEM_PREFIX: &str = "creem";
/// The Gumroad license key of `gumroad/licenses.verify.200.json`.
pub const GUMROAD_KEY: &str = "85DB562A-C11D4B06-A2335A6B-8C079166";
/// The Gumroad product of `gumroad/licenses.verify.200.json`.
pub const GUMROAD_PRODUCT: &str = "32-nPAicqbLj8B_WswVlMw==";
/// The license key sent to DevPayr and GetKeyManager.
pub const KEY: &str = "BENCH-7F3A-41C2-9B8E-5D60";
/// The DevPayr domain and GetKeyManager identifier sent.
pub const IDENTIFIER: &str = "bench.example.com";
/// The API key every admin call sends.
pub const API_KEY: &str = "sk_bench_0f3e2d1c";
/// The signed timestamp of the GetKeyManager answer; clocks are set 30 s later.
pub const SIGNED_AT: i64 = 1_709_381_806;

/// The repository's `fixtures/` directory.
pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Reads a file under `fixtures/`.
pub fn read(relative: &str) -> Result<Vec<u8>, String> {
    let path = fixtures().join(relative);
    std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads a text file under `fixtures/`.
pub fn read_text(relative: &str) -> Result<String, String> {
    String::from_utf8(read(relative)?).map_err(|_| format!("{relative}: not UTF-8"))
}

/// The TEST-ONLY product public key (PEM) the GetKeyManager answer is signed with.
pub fn gkm_public_key_pem() -> Result<String, String> {
    read_text("signed-license/test-keys/product-2048.pub.pem")
}

/// Every route the benchmarks call.
pub fn routes() -> Result<Vec<Route>, String> {
    Ok(vec![
        Route::json(
            "GET",
            format!("/license_keys/{DODO_KEY_ID}"),
            200,
            &read("dodo/get_license_key.200.json")?,
        ),
        Route::json(
            "POST",
            "/licenses/validate",
            200,
            &read("dodo/validate_license.200.json")?,
        ),
        Route::json(
            "GET",
            format!("/v1/license-keys/{LS_KEY_ID}"),
            200,
            &read("lemonsqueezy/license_keys.retrieve.200.json")?,
        ),
        Route::json(
            "POST",
            "/v1/licenses/validate",
            200,
            &read("lemonsqueezy/licenses.validate.200.json")?,
        ),
        Route::json(
            "POST",
            "/project/has-paid",
            200,
            &read("devpayr/has-paid.license.200.paid.json")?,
        ),
        Route::json("POST", "/api/v1/verify", 200, gkm_verify_body()?.as_bytes()),
        Route::json(
            "POST",
            "/v1/customer-portal/license-keys/validate",
            200,
            &read("polar/licenses.validate.200.json")?,
        ),
        Route::json(
            "POST",
            format!("/{CREEM_PREFIX}/v1/licenses/validate"),
            200,
            &read("creem/licenses.validate.200.json")?,
        ),
        Route::json(
            "POST",
            "/v2/licenses/verify",
            200,
            &read("gumroad/licenses.verify.200.json")?,
        ),
    ])
}

/// The loopback server of `keyward-test-support` answering [`routes`] on the current runtime:
/// keep-alive connections that last the whole run, no request heads kept, so its share of a call
/// stays the same from the first call to the last. Dropping it stops it.
pub async fn serve() -> Result<Server, String> {
    Loopback::routes(routes()?)
        .lifetime(Duration::from_secs(24 * 60 * 60))
        .keep_heads(false)
        .start()
        .await
        .map_err(|e| format!("canned server: {e}"))
}

/// A `verify` success as GetKeyManager sends it: `response`, `response_base64` (the PHP
/// `json_encode` text in base64), `private_key_used`, and the RSA-SHA256 signature over the
/// base64 text.
pub fn gkm_verify_body() -> Result<String, String> {
    let payload =
        format!(r#"{{"code":200,"message":"Valid license key","timestamp":{SIGNED_AT}}}"#);
    let response_base64 = STANDARD.encode(payload.as_bytes());
    let key = private_key(&read_text(
        "signed-license/test-keys/product-2048.TEST-ONLY.pkcs8.pem",
    )?)?;
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        response_base64.as_bytes(),
        &mut signature,
    )
    .map_err(|_| "signing failed")?;
    Ok(format!(
        r#"{{"response":{payload},"response_base64":"{response_base64}","private_key_used":"product","signature":"{}"}}"#,
        STANDARD.encode(signature)
    ))
}

fn private_key(pem: &str) -> Result<RsaKeyPair, String> {
    let der = pem_body(pem)?;
    RsaKeyPair::from_pkcs8(&der).map_err(|e| format!("test key: {e}"))
}

/// The DER inside a PEM block.
pub fn pem_body(pem: &str) -> Result<Vec<u8>, String> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    STANDARD
        .decode(body)
        .map_err(|e| format!("PEM body is not base64: {e}"))
}
