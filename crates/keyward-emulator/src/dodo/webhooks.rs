//! The webhooks the emulated Dodo sends, as Dodo documents them: `license_key.created` (a key is
//! created: `POST /license_keys`, a delivered grant, `add_license`) and
//! `entitlement_grant.created|delivered|revoked`, each in the envelope
//! `{business_id, type, timestamp, data}`, signed with Standard Webhooks.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::state::{State, new_id, timestamp};
use crate::shell::{Outgoing, SendsWebhooks, WebhookError, hmac_sha256};

impl State {
    /// Queues event `event_type` with `data`, at the emulator's present.
    fn emit(&mut self, event_type: &str, data: Value) {
        let occurred_at = self.now();
        let envelope = json!({
            "business_id": self.business_id,
            "type": event_type,
            "timestamp": timestamp(&occurred_at),
            "data": data,
        });
        self.outbox.push(Outgoing {
            event_type: event_type.to_owned(),
            id: new_id("msg"),
            body: envelope.to_string().into_bytes(),
            occurred_at,
        });
    }

    /// Queues `license_key.created` for key `key_id` (`data` is the key with `payload_type`).
    pub(crate) fn emit_key_created(&mut self, key_id: &str) {
        if !self.outbox.recording() {
            return;
        }
        let Some(mut data) = self.key_by_id(key_id).map(|k| self.key_json(k)) else {
            return;
        };
        data["payload_type"] = json!("LicenseKey");
        self.emit("license_key.created", data);
    }

    /// Queues `entitlement_grant.<what>` for grant `grant_id` (`data` is the grant).
    pub(crate) fn emit_grant(&mut self, what: &str, grant_id: &str) {
        if !self.outbox.recording() {
            return;
        }
        let grant = self.grants.iter().find(|g| g.id == grant_id);
        let Some(data) = grant.map(|g| self.grant_json(g, false)) else {
            return;
        };
        self.emit(&format!("entitlement_grant.{what}"), data);
    }
}

/// Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed by the base64 after `whsec_`.
impl SendsWebhooks for State {
    fn signing_key(secret: &str) -> Result<Vec<u8>, WebhookError> {
        let encoded = secret.trim();
        let encoded = encoded.strip_prefix("whsec_").unwrap_or(encoded);
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::Secret("is not `whsec_` followed by base64"))?;
        if key.is_empty() {
            return Err(WebhookError::Secret("is empty"));
        }
        Ok(key)
    }

    fn signed_headers(
        key: &[u8],
        _url: &url::Url,
        event: &Outgoing,
        now: DateTime<Utc>,
    ) -> Vec<(&'static str, String)> {
        let timestamp = now.timestamp().to_string();
        let mut signed = format!("{}.{timestamp}.", event.id).into_bytes();
        signed.extend_from_slice(&event.body);
        let signature = STANDARD.encode(hmac_sha256(key, &signed));
        vec![
            ("content-type", "application/json".to_owned()),
            ("webhook-id", event.id.clone()),
            ("webhook-timestamp", timestamp),
            ("webhook-signature", format!("v1,{signature}")),
        ]
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The reference library's vector in `fixtures/dodo/webhook.license_key.created.signature.json`.
    #[test]
    fn signs_like_the_standard_webhooks_reference() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/dodo/");
        let vector: Value = serde_json::from_str(
            &std::fs::read_to_string(format!("{dir}webhook.license_key.created.signature.json"))
                .unwrap(),
        )
        .unwrap();
        let body = std::fs::read(format!("{dir}webhook.license_key.created.json")).unwrap();
        let headers = &vector["headers"];
        let key = State::signing_key(vector["secret"].as_str().unwrap()).unwrap();
        let event = Outgoing {
            event_type: "license_key.created".to_owned(),
            id: headers["webhook-id"].as_str().unwrap().to_owned(),
            body,
            occurred_at: Utc::now(),
        };
        let at: i64 = headers["webhook-timestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let signed = State::signed_headers(
            &key,
            &url::Url::parse("http://127.0.0.1/").unwrap(),
            &event,
            DateTime::from_timestamp(at, 0).unwrap(),
        );
        let signature = signed.iter().find(|(n, _)| *n == "webhook-signature");
        assert_eq!(
            signature.map(|(_, v)| v.as_str()),
            headers["webhook-signature"].as_str()
        );
        assert!(State::signing_key("whsec_not base64!").is_err());
        assert!(State::signing_key("whsec_").is_err());
    }
}
