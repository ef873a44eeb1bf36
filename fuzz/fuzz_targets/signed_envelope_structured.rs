//! signed-license, structure-aware: envelope-shaped JSON whose payload (code, message,
//! timestamp, fields of any JSON type) is built by `arbitrary` and, unless the input says
//! otherwise, validly signed with the test product key, so the fuzzer reaches what runs after the
//! signature: payload parsing, freshness (timestamps anywhere in `i64`), echoes, replay, offline
//! age, and every model decode.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use keyward_fuzz::{CANARY, now};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// How the envelope is signed.
#[derive(Arbitrary, Debug)]
enum Signature {
    Valid,
    ValidThenFlipped(u16),
    Sentinel,
    Missing,
    Text(String),
    NotAString(i64),
}

/// A timestamp near "now" (most inputs) or anywhere.
#[derive(Arbitrary, Debug)]
enum Timestamp {
    Offset(i32),
    Absolute(i64),
    Text(String),
    Float(f64),
    Missing,
}

/// A JSON value, depth-bounded by the input's length.
#[derive(Debug)]
struct Json(Value);

impl<'a> Arbitrary<'a> for Json {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        fn value(u: &mut Unstructured<'_>, depth: u32) -> arbitrary::Result<Value> {
            let pick = if depth > 4 {
                u.int_in_range(0..=5)?
            } else {
                u.int_in_range(0..=7)?
            };
            Ok(match pick {
                0 => Value::Null,
                1 => Value::Bool(u.arbitrary()?),
                2 => json!(u.arbitrary::<i64>()?),
                3 => json!(u.arbitrary::<u64>()?),
                4 => {
                    serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number)
                }
                5 => Value::String(text(u)?),
                6 => {
                    let n = u.int_in_range(0..=4)?;
                    Value::Array(
                        (0..n)
                            .map(|_| value(u, depth + 1))
                            .collect::<Result<_, _>>()?,
                    )
                }
                _ => {
                    let n = u.int_in_range(0..=4)?;
                    let mut map = Map::new();
                    for _ in 0..n {
                        map.insert(name(u)?, value(u, depth + 1)?);
                    }
                    Value::Object(map)
                }
            })
        }
        value(u, 0).map(Json)
    }
}

/// Field names the models read, the canary, or anything.
fn name(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    const NAMES: &[&str] = &[
        "license_key",
        "key",
        "identifier",
        "product_id",
        "status",
        "expiry_date",
        "activated_at",
        "max_activations",
        "activations",
        "license_keys",
        "downloadables",
        "contracts",
        "contract",
        "products",
        "generators",
        "data",
        "meta_id",
        "count",
        "meta",
        "owner_email",
        "url",
        "id",
        "name",
        "value",
        "domain",
        "hardware_id",
        "expires_at",
        "limit",
    ];
    if u.ratio(3, 4)? {
        Ok((*u.choose(NAMES)?).to_owned())
    } else {
        text(u)
    }
}

fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => CANARY.to_owned(),
        1 => String::from("host-1"),
        _ => u.arbitrary()?,
    })
}

#[derive(Arbitrary, Debug)]
struct Envelope {
    code: Json,
    code_pick: Option<u16>,
    message: Option<Json>,
    timestamp: Timestamp,
    fields: Vec<(u8, Json)>,
    signature: Signature,
    global_hint: bool,
    plain_copy: Option<bool>,
    newest_seen: Option<i64>,
}

fn build(u: &mut Unstructured<'_>) -> arbitrary::Result<(Vec<u8>, Option<i64>)> {
    let e: Envelope = u.arbitrary()?;
    let mut payload = Map::new();
    payload.insert(
        "code".into(),
        e.code_pick.map_or(e.code.0, |c| json!(u32::from(c) % 1000)),
    );
    if let Some(message) = e.message {
        payload.insert("message".into(), message.0);
    }
    let stamp = now().timestamp();
    match e.timestamp {
        Timestamp::Offset(o) => {
            payload.insert(
                "timestamp".into(),
                json!(stamp.saturating_add(i64::from(o))),
            );
        }
        Timestamp::Absolute(t) => {
            payload.insert("timestamp".into(), json!(t));
        }
        Timestamp::Text(t) => {
            payload.insert("timestamp".into(), json!(t));
        }
        Timestamp::Float(f) => {
            payload.insert("timestamp".into(), json!(f));
        }
        Timestamp::Missing => {}
    }
    for (pick, value) in e.fields {
        let mut names = Unstructured::new(std::slice::from_ref(&pick));
        payload.insert(name(&mut names)?, value.0);
    }
    let payload = Value::Object(payload);
    let response_base64 = STANDARD.encode(payload.to_string());
    let signature = match e.signature {
        Signature::Valid => json!(keyward_fuzz::signed::sign(response_base64.as_bytes())),
        Signature::ValidThenFlipped(at) => {
            let mut raw = STANDARD
                .decode(keyward_fuzz::signed::sign(response_base64.as_bytes()))
                .unwrap_or_default();
            if !raw.is_empty() {
                let i = usize::from(at) % raw.len();
                raw[i] ^= 1;
            }
            json!(STANDARD.encode(raw))
        }
        Signature::Sentinel => json!(keyward_signed_license::UNSIGNED_SENTINEL),
        Signature::Missing => Value::Null,
        Signature::Text(t) => json!(t),
        Signature::NotAString(n) => json!([n]),
    };
    let mut envelope = Map::new();
    envelope.insert("response_base64".into(), json!(response_base64));
    if !signature.is_null() {
        envelope.insert("signature".into(), signature);
    }
    if e.global_hint {
        envelope.insert("private_key_used".into(), json!("global"));
    }
    match e.plain_copy {
        Some(true) => {
            envelope.insert("response".into(), payload);
        }
        Some(false) => {
            envelope.insert("response".into(), json!({"code": 200, "message": "forged"}));
        }
        None => {}
    }
    Ok((
        Value::Object(envelope).to_string().into_bytes(),
        e.newest_seen,
    ))
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok((body, newest_seen)) = build(&mut u) {
        keyward_fuzz::signed::check_envelope(&body, newest_seen);
    }
});
