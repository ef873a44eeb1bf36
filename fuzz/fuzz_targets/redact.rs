//! The one redaction path (keyward_core::redact) and decode-error building (decode_json) on any
//! text: never a panic; the request's secret never survives; secret-looking JSON fields are
//! blanked; valid JSON stays valid JSON after blanking; truncation respects its bound.
#![no_main]

use keyward_fuzz::{CANARY, assert_no_canary};
use libfuzzer_sys::fuzz_target;
use keyward_core::{
    MAX_ERROR_BODY_CHARS, Redactor, blank_secret_values, decode_json, mask_uuids, truncate,
    without_values,
};
use serde_json::Value;

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Model {
    id: u64,
    key: String,
    status: Option<String>,
    data: Option<Vec<Model>>,
}

fuzz_target!(|data: &[u8]| {
    let mut redactor = Redactor::default();
    redactor.add(CANARY);
    let text = String::from_utf8_lossy(data);
    let redacted = redactor.redact(&text);
    let body = redactor.redact_body(data);
    let json = redactor.redact_json(data).map(|v| v.to_string());
    let decode = decode_json::<Model>(data, |s| redactor.redact(s))
        .err()
        .map(|e| format!("{e} {e:?}"));
    let vec_decode = decode_json::<Vec<Model>>(data, |s| redactor.redact(s))
        .err()
        .map(|e| format!("{e} {e:?}"));
    let mut texts = vec![redacted, body.clone()];
    texts.extend(json);
    texts.extend(decode);
    texts.extend(vec_decode);
    assert_no_canary(&texts);

    assert!(
        body.chars().count() <= MAX_ERROR_BODY_CHARS + 40,
        "{}",
        body.len()
    );
    let blanked = blank_secret_values(&text);
    if serde_json::from_str::<Value>(&text).is_ok() {
        assert!(
            serde_json::from_str::<Value>(&blanked).is_ok(),
            "blanking broke valid JSON: {text:?} -> {blanked:?}"
        );
    }
    let _ = mask_uuids(&text);
    let _ = without_values(&text);
    let cut = truncate(&text, 64);
    assert!(cut.chars().count() <= 64 + 40, "{cut}");
});
