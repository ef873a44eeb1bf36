//! Signing exactly as GetKeyManager does: PHP `json_encode` text (compact, `\/`, `\uXXXX`),
//! standard base64, RSASSA-PKCS1-v1_5 SHA-256 over the base64 text.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// TEST ONLY: the emulator's private key. It is published in this repository; never trust it.
pub(crate) const TEST_ONLY_PRIVATE_KEY_PEM: &str =
    include_str!("../../seed/signed-license/emulator-2048.TEST-ONLY.pkcs8.pem");
/// The public half of [`TEST_ONLY_PRIVATE_KEY_PEM`].
pub(crate) const TEST_ONLY_PUBLIC_KEY_PEM: &str =
    include_str!("../../seed/signed-license/emulator-2048.pub.pem");
/// TEST ONLY: a second key, used to sign "with the wrong key".
pub(crate) const OTHER_TEST_ONLY_PRIVATE_KEY_PEM: &str =
    include_str!("../../seed/signed-license/global-2048.TEST-ONLY.pkcs8.pem");

/// The server's text when it has no private key.
pub(crate) const SENTINEL: &str = "Private key not set";

/// Loads a PKCS#8 PEM private key (`None` when it is not one).
pub(crate) fn load_key(pem: &str) -> Option<RsaKeyPair> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(body).ok()?;
    RsaKeyPair::from_pkcs8(&der).ok()
}

/// The base64 signature of `message`.
pub(crate) fn sign(key: &RsaKeyPair, message: &[u8]) -> String {
    let mut signature = vec![0; key.public_modulus_len()];
    match key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        message,
        &mut signature,
    ) {
        Ok(()) => STANDARD.encode(signature),
        Err(_) => String::from(SENTINEL),
    }
}

/// Standard base64.
pub(crate) fn base64(text: &str) -> String {
    STANDARD.encode(text.as_bytes())
}

/// PHP `json_encode` with default flags: serde's compact text with `/` as `\/` and non-ASCII as
/// `\uXXXX` (both occur only inside strings, so a pass over the text is exact).
pub(crate) fn php_json(value: &Value) -> String {
    php_escape(&value.to_string())
}

fn php_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

/// The payload text in the server's key order: `code`, `message`, fields, `timestamp`.
pub(crate) fn payload_text(
    code: &Value,
    message: &str,
    fields: &[(&str, Value)],
    timestamp: i64,
) -> String {
    let mut text = format!(
        "{{\"code\":{},\"message\":{}",
        php_json(code),
        php_json(&Value::String(message.to_owned()))
    );
    for (name, value) in fields {
        text.push_str(&format!(
            ",{}:{}",
            php_json(&Value::String((*name).to_owned())),
            php_json(value)
        ));
    }
    text.push_str(&format!(",\"timestamp\":{timestamp}}}"));
    text
}

/// The whole envelope, as Laravel writes it (`/` escaped in the outer strings too; the payload
/// copy is already PHP text).
pub(crate) fn envelope(
    payload: &str,
    response_base64: &str,
    key_used: &str,
    signature: &str,
) -> String {
    let string = |s: &str| Value::String(s.to_owned()).to_string().replace('/', "\\/");
    format!(
        "{{\"response\":{payload},\"response_base64\":{},\"private_key_used\":{},\"signature\":{}}}",
        string(response_base64),
        string(key_used),
        string(signature),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_json_escapes_slashes_and_non_ascii() {
        let v = serde_json::json!({"u": "https://a/b", "n": "é😀"});
        assert_eq!(
            php_json(&v),
            r#"{"n":"\u00e9\ud83d\ude00","u":"https:\/\/a\/b"}"#
        );
    }

    #[test]
    fn payload_text_matches_a_documented_example() {
        let text = payload_text(
            &serde_json::json!(202),
            "No activation found for this license key/identifier combination",
            &[],
            1_709_000_147,
        );
        assert_eq!(
            base64(&text),
            "eyJjb2RlIjoyMDIsIm1lc3NhZ2UiOiJObyBhY3RpdmF0aW9uIGZvdW5kIGZvciB0aGlzIGxpY2Vuc2Uga2V5XC9pZGVudGlmaWVyIGNvbWJpbmF0aW9uIiwidGltZXN0YW1wIjoxNzA5MDAwMTQ3fQ=="
        );
    }

    #[test]
    fn the_test_keys_load() {
        assert!(load_key(TEST_ONLY_PRIVATE_KEY_PEM).is_some());
        assert!(load_key(OTHER_TEST_ONLY_PRIVATE_KEY_PEM).is_some());
    }
}
