//! Verify a Lemon Squeezy webhook (`X-Signature`: hex HMAC-SHA256 of the exact body bytes) and
//! read the `license_key_created` event. The delivery is signed here with
//! `keyward_lemonsqueezy::webhooks::sign`, the way Lemon Squeezy signs it, so it runs with no account.
//!
//! `cargo run -p keyward-lemonsqueezy --example lemonsqueezy_verify_webhook`

use keyward_lemonsqueezy::webhooks::{self, WebhookKind, WebhookSecret};

const BODY: &str = r#"{
  "meta": { "event_name": "license_key_created", "test_mode": true },
  "data": {
    "type": "license-keys",
    "id": "1",
    "attributes": {
      "store_id": 1, "customer_id": 2, "order_id": 3, "order_item_id": 4, "product_id": 5,
      "user_name": "Ada Lovelace", "user_email": "ada@example.com",
      "key": "EXAMPLE-KEY-0001", "key_short": "XXXX-0001",
      "activation_limit": 2, "instances_count": 0, "disabled": false,
      "status": "inactive", "status_formatted": "Inactive", "expires_at": null,
      "created_at": "2026-03-14T09:21:07.000000Z", "updated_at": "2026-03-14T09:21:07.000000Z",
      "test_mode": true
    }
  }
}"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The signing secret set on the webhook in the Lemon Squeezy dashboard.
    let secret = WebhookSecret::new("example-signing-secret")?;
    // In a web handler: the `X-Signature` header and the body exactly as received.
    let signature = webhooks::sign(&secret, BODY.as_bytes());

    let event = webhooks::verify_and_parse(&secret, BODY.as_bytes(), &signature)?;
    match &event.kind {
        WebhookKind::LicenseKeyCreated(key) => {
            println!(
                "new license {} for {}",
                key.id.get(),
                key.attributes.user_email
            );
        }
        _ => println!("another event: {}", event.meta.event_name),
    }

    // A body changed in transit is refused.
    let tampered = BODY.replace("\"activation_limit\": 2", "\"activation_limit\": 200");
    let refused = webhooks::verify_and_parse(&secret, tampered.as_bytes(), &signature);
    println!("tampered body refused: {}", refused.is_err());
    Ok(())
}
