//! What the emulated Keygen signs with the account's Ed25519 key, as keygen-api does: every
//! response (`signature_headers.rb`), every webhook (`webhook_worker.rb`), and license and
//! machine files (`abstract_checkout_service.rb`, optionally AES-256-GCM encrypted).

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use aws_lc_rs::digest::{SHA256, digest};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::Value;
use wiremock::{Request, ResponseTemplate};

use super::state::State;
use super::versions;
use crate::shell::{Outgoing, SendsWebhooks, WebhookError};
use crate::support;

/// The Ed25519 signature of `message` under `seed`, base64.
pub(crate) fn sign(seed: &[u8; 32], message: &[u8]) -> String {
    match Ed25519KeyPair::from_seed_unchecked(seed) {
        Ok(pair) => STANDARD.encode(pair.sign(message).as_ref()),
        Err(_) => String::new(),
    }
}

/// The public key of `seed`, 64 hex characters.
pub(crate) fn public_key_hex(seed: &[u8; 32]) -> String {
    Ed25519KeyPair::from_seed_unchecked(seed)
        .map(|pair| hex::encode(pair.public_key().as_ref()))
        .unwrap_or_default()
}

fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// `Date`, `Digest` and `Keygen-Signature` of a message to `method target` at `host`.
fn signature_headers(
    seed: &[u8; 32],
    keyid: &str,
    (method, target, host): (&str, &str, &str),
    body: &[u8],
    now: DateTime<Utc>,
) -> (String, String, String) {
    let date = http_date(now);
    let digest = format!("sha-256={}", STANDARD.encode(digest(&SHA256, body)));
    let text = format!(
        "(request-target): {} {target}\nhost: {host}\ndate: {date}\ndigest: {digest}",
        method.to_ascii_lowercase()
    );
    let signature = format!(
        r#"keyid="{keyid}", algorithm="ed25519", signature="{}", headers="(request-target) host date digest""#,
        sign(seed, text.as_bytes())
    );
    (date, digest, signature)
}

/// An answer to `request`, signed over its method, path and query, `Host` (without port), date
/// and body digest, with Keygen's headers.
pub(crate) fn response(
    state: &State,
    request: &Request,
    status: u16,
    body: Option<(Vec<u8>, &str)>,
) -> ResponseTemplate {
    let host = support::header(request, "host").unwrap_or_default();
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let bytes = body.as_ref().map(|(b, _)| b.as_slice()).unwrap_or_default();
    let (date, digest, signature) = signature_headers(
        &state.signing_seed,
        &state.account_id,
        (request.method.as_str(), &target, host),
        bytes,
        state.now(),
    );
    let mut template = ResponseTemplate::new(status)
        .insert_header(
            versions::account_header(state, request),
            state.account_id.as_str(),
        )
        .insert_header("keygen-version", versions::named(state, request))
        .insert_header("keygen-edition", state.edition.code())
        .insert_header("date", date.as_str())
        .insert_header("keygen-date", date.as_str())
        .insert_header("digest", digest.as_str())
        .insert_header("keygen-digest", digest.as_str());
    if state.sign_responses {
        template = template.insert_header("keygen-signature", signature.as_str());
    }
    match body {
        Some((bytes, content_type)) => template.set_body_raw(bytes, content_type),
        None => template,
    }
}

/// What signs a check-out: the signature of a message, base64 (`None`: it cannot sign).
pub(crate) type Signer<'a> = &'a dyn Fn(&[u8]) -> Option<String>;

/// A license or machine file certificate for `payload` and its `alg`: `base64+<signing>`, or
/// `aes-256-gcm+<signing>` under SHA-256(`secret`) when a secret is given, signed by `signer`
/// (named `signing`; `None` when it cannot sign).
pub(crate) fn certificate(
    (signing, signer): (&str, Signer<'_>),
    machine: bool,
    payload: &Value,
    secret: Option<&str>,
) -> Option<(String, String)> {
    let plaintext = payload.to_string();
    let (enc, encoding) = match secret {
        Some(secret) => (encrypt(plaintext.as_bytes(), secret)?, "aes-256-gcm"),
        None => (STANDARD.encode(plaintext.as_bytes()), "base64"),
    };
    let alg = format!("{encoding}+{signing}");
    let (prefix, label) = if machine {
        ("machine/", "MACHINE FILE")
    } else {
        ("license/", "LICENSE FILE")
    };
    let sig = signer(format!("{prefix}{enc}").as_bytes())?;
    let envelope = serde_json::json!({"enc": enc, "sig": sig, "alg": alg}).to_string();
    // Ruby's `Base64.encode64`: a newline every 60 characters.
    let encoded = STANDARD.encode(envelope.as_bytes());
    let mut lines = String::new();
    for chunk in encoded.as_bytes().chunks(60) {
        lines.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        lines.push('\n');
    }
    Some((
        format!("-----BEGIN {label}-----\n{lines}-----END {label}-----\n"),
        alg,
    ))
}

/// `ciphertext.iv.tag`, each base64, with a random 12-byte IV.
fn encrypt(plaintext: &[u8], secret: &str) -> Option<String> {
    let key = LessSafeKey::new(
        UnboundKey::new(&AES_256_GCM, digest(&SHA256, secret.as_bytes()).as_ref()).ok()?,
    );
    let mut iv = [0u8; 12];
    aws_lc_rs::rand::fill(&mut iv).ok()?;
    let mut sealed = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(Nonce::assume_unique_for_key(iv), Aad::empty(), &mut sealed)
        .ok()?;
    Some(format!(
        "{}.{}.{}",
        STANDARD.encode(&sealed),
        STANDARD.encode(iv),
        STANDARD.encode(tag.as_ref())
    ))
}

/// Keygen signs webhooks with the account key, not a per-endpoint secret: the target's
/// secret is the emulator's signing seed (`KeygenEmulator::signing_seed_hex`), so that the
/// delivery thread holds the key without reaching into the state.
impl SendsWebhooks for State {
    fn signing_key(secret: &str) -> Result<Vec<u8>, WebhookError> {
        let seed = hex::decode(secret.trim())
            .map_err(|_| WebhookError::Secret("is not the emulator's signing seed (hex)"))?;
        if seed.len() != 32 {
            return Err(WebhookError::Secret(
                "is not the emulator's signing seed (32 bytes)",
            ));
        }
        Ok(seed)
    }

    fn signed_headers(
        key: &[u8],
        url: &url::Url,
        event: &Outgoing,
        now: DateTime<Utc>,
    ) -> Vec<(&'static str, String)> {
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&key[..32.min(key.len())]);
        let target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        let host = url.host_str().unwrap_or_default();
        let keyid = "";
        let (date, digest, signature) =
            signature_headers(&seed, keyid, ("post", &target, host), &event.body, now);
        vec![
            ("content-type", "application/json".to_owned()),
            (
                "user-agent",
                "Keygen/1.7 (+https://keygen.sh/docs/api/webhooks/)".to_owned(),
            ),
            ("keygen-version", "1.7".to_owned()),
            ("date", date.clone()),
            ("keygen-date", date),
            ("digest", digest.clone()),
            ("keygen-digest", digest),
            ("keygen-signature", signature),
        ]
    }
}
