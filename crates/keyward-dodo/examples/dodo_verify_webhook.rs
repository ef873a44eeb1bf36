//! Verify a Dodo webhook delivery (Standard Webhooks: HMAC-SHA256 over
//! `"{webhook-id}.{webhook-timestamp}.{body}"`) and read the `license_key.created` event. The
//! delivery is signed here the way Dodo signs it, so it runs with no account.
//!
//! `cargo run -p keyward-dodo --example dodo_verify_webhook`

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use keyward_dodo::webhooks::{WebhookEvent, WebhookHeaders, WebhookVerifier};

/// The secret shown in Dodo's dashboard (`whsec_` + base64); here a made-up one.
const SECRET: &str = "whsec_ZXhhbXBsZS13ZWJob29rLXNlY3JldC0wMDAx";

const BODY: &str = r#"{
  "business_id": "bus_example",
  "type": "license_key.created",
  "timestamp": "2026-03-14T09:21:07Z",
  "data": {
    "payload_type": "LicenseKey",
    "id": "lic_example",
    "business_id": "bus_example",
    "created_at": "2026-03-14T09:21:07Z",
    "customer_id": "cus_example",
    "instances_count": 0,
    "key": "EXAMPLE-KEY-0001",
    "product_id": "pdt_example",
    "source": "auto",
    "status": "active",
    "activations_limit": 5,
    "expires_at": null,
    "payment_id": "pay_example",
    "subscription_id": null
  }
}"#;

/// What Dodo puts in `webhook-signature`.
fn sign_like_dodo(id: &str, timestamp: &str, body: &[u8]) -> Result<String, base64::DecodeError> {
    let secret = STANDARD.decode(SECRET.trim_start_matches("whsec_"))?;
    let key = hmac::Key::new(hmac::HMAC_SHA256, &secret);
    let signed = [id.as_bytes(), b".", timestamp.as_bytes(), b".", body].concat();
    Ok(format!("v1,{}", STANDARD.encode(hmac::sign(&key, &signed))))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = sign_like_dodo("msg_example_1", &timestamp, BODY.as_bytes())?;
    // In a web handler: `WebhookHeaders::from_header_map(request.headers())?`.
    let headers = WebhookHeaders {
        id: "msg_example_1",
        timestamp: &timestamp,
        signature: &signature,
    };

    let verifier = WebhookVerifier::new(SECRET)?;
    match verifier.verify_event(&headers, BODY.as_bytes())? {
        WebhookEvent::LicenseKeyCreated(created) => {
            println!(
                "new license {} for {}",
                created.data.id, created.data.customer_id
            );
        }
        other => println!("another event: {}", other.event_type()),
    }

    // A body changed in transit is refused.
    let tampered = BODY.replace("\"activations_limit\": 5", "\"activations_limit\": 500");
    let refused = verifier.verify(&headers, tampered.as_bytes());
    println!("tampered body refused: {}", refused.is_err());
    Ok(())
}
