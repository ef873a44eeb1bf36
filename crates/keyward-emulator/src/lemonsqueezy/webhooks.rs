//! The webhooks the emulated Lemon Squeezy sends: `license_key_created` (`add_license`, a sale)
//! and `license_key_updated` (a `PATCH`, `set_disabled`, `set_expires_at`, and — a guess the
//! fixtures follow — an activation or deactivation), each `{meta, data}` with the key's JSON:API
//! resource, PHP-escaped (`\/`) as Lemon Squeezy sends it, signed with `X-Signature`.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::state::{KeyRecord, State};
use crate::shell::{Outgoing, SendsWebhooks, WebhookError, hmac_sha256};

impl State {
    /// Queues `license_key_created` for key `key_id`; as in Lemon Squeezy's own deliveries, a new
    /// key's `instances_count` is `null`.
    pub(crate) fn emit_created(&mut self, key_id: u64) {
        self.emit("license_key_created", key_id);
    }

    /// Changes key `id` as any change to a key does: `change` applies, `updated_at` moves to now
    /// and `license_key_updated` is queued with the key's state then. An unknown `id` changes
    /// nothing.
    pub(crate) fn change_key(&mut self, id: u64, change: impl FnOnce(&mut KeyRecord)) {
        let now = self.now();
        if let Some(key) = self.keys.iter_mut().find(|k| k.id == id) {
            change(key);
            key.updated_at = now;
            self.emit("license_key_updated", id);
        }
    }

    fn emit(&mut self, event_name: &str, key_id: u64) {
        if !self.outbox.recording() {
            return;
        }
        let Some(key) = self.key_by_id(key_id) else {
            return;
        };
        let mut data = self.key_resource(key);
        if event_name == "license_key_created" {
            data["attributes"]["instances_count"] = Value::Null;
        }
        let body = json!({
            "meta": {
                "test_mode": key.test_mode,
                "event_name": event_name,
                "webhook_id": self.webhook_id,
            },
            "data": data,
        });
        let id = uuid::Uuid::new_v4().to_string();
        self.outbox.push(Outgoing {
            event_type: event_name.to_owned(),
            id,
            body: php_escaped(&body).into_bytes(),
            occurred_at: self.now(),
        });
    }
}

/// Compact JSON with `/` written `\/`, as PHP's `json_encode` writes it (a `/` only occurs
/// inside strings, so this stays valid JSON).
fn php_escaped(value: &Value) -> String {
    value.to_string().replace('/', "\\/")
}

/// `X-Signature`: lower-case hex HMAC-SHA256 of the body, keyed by the secret's text.
impl SendsWebhooks for State {
    fn signing_key(secret: &str) -> Result<Vec<u8>, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::Secret("is empty"));
        }
        Ok(secret.as_bytes().to_vec())
    }

    fn signed_headers(
        key: &[u8],
        _url: &url::Url,
        event: &Outgoing,
        _now: DateTime<Utc>,
    ) -> Vec<(&'static str, String)> {
        vec![
            ("content-type", "application/json".to_owned()),
            ("x-event-name", event.event_type.clone()),
            ("x-signature", hex::encode(hmac_sha256(key, &event.body))),
        ]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// `fixtures/lemonsqueezy/webhooks.signatures.txt`, for the exact bytes of each fixture.
    #[test]
    fn signs_as_the_fixture_signatures_say() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/lemonsqueezy/");
        let expected = std::fs::read_to_string(format!("{dir}webhooks.signatures.txt")).unwrap();
        let key = State::signing_key("lemon-test-signing-secret").unwrap();
        let mut checked = 0;
        for line in expected.lines().filter(|l| !l.starts_with('#')) {
            let (file, signature) = line.split_once('\t').unwrap();
            let body = std::fs::read(format!("{dir}{file}")).unwrap();
            let value: Value = serde_json::from_slice(&body).unwrap();
            let escaped = php_escaped(&value);
            assert!(escaped.contains(r"https:\/\/api.lemonsqueezy.com\/v1\/"));
            assert_eq!(serde_json::from_str::<Value>(&escaped).unwrap(), value);
            let event = Outgoing {
                event_type: value["meta"]["event_name"].as_str().unwrap().to_owned(),
                id: String::new(),
                body,
                occurred_at: Utc::now(),
            };
            let headers = State::signed_headers(
                &key,
                &url::Url::parse("http://127.0.0.1/").unwrap(),
                &event,
                Utc::now(),
            );
            assert!(headers.contains(&("x-signature", signature.to_owned())));
            checked += 1;
        }
        assert_eq!(checked, 2);
        assert!(State::signing_key("").is_err());
    }
}
