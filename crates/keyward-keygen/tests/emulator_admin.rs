//! The client's admin calls against the Keygen emulator and the signed webhooks they cause; each
//! test names the keygen-api feature file it follows.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use keyward_emulator::WebhookTarget;
use keyward_emulator::keygen::{KeygenEmulator, LicenseSeed};
use keyward_keygen::webhooks::{WebhookEndpoint, verify_and_parse};
use keyward_keygen::{PublicKey, SecretLicenseKey};

use crate::emulator::{admin, app};

/// features/api/v1/licenses/show.feature, index.feature and update.feature, and the admin
/// actions: suspend, reinstate, renew, revoke.
#[tokio::test]
async fn admin_calls_change_the_license_and_signed_webhooks_tell_of_it() {
    let emulator = KeygenEmulator::start().await;
    let receiver = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::any())
        .respond_with(wiremock::ResponseTemplate::new(204))
        .mount(&receiver)
        .await;
    let hook_url = format!("{}/keygen/hooks", receiver.uri());
    emulator
        .set_webhooks(WebhookTarget::new(&hook_url, emulator.signing_seed_hex()).attempts(1))
        .unwrap();
    let id = emulator.add_license(LicenseSeed::new("ADMIN-KEY").duration(86_400));
    for n in 0..3 {
        emulator.add_license(LicenseSeed::new(format!("LIST-{n}")));
    }
    let client = admin(&emulator);
    assert_eq!(
        client
            .licenses()
            .get("ADMIN-KEY")
            .await
            .unwrap()
            .into_data()
            .id,
        id
    );
    let pages: Vec<_> = futures_util::TryStreamExt::try_collect(
        client.licenses().list().page(1).per_page(2).pages(),
    )
    .await
    .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.data.len()).collect::<Vec<_>>(),
        [2, 2]
    );
    let cursor: Vec<_> = futures_util::TryStreamExt::try_collect(
        client.licenses().list().cursor(None).per_page(3).stream(),
    )
    .await
    .unwrap();
    assert_eq!(cursor.len(), 4);
    let suspended = client.licenses().suspend(&id).await.unwrap().into_data();
    assert!(suspended.attributes.suspended);
    assert_eq!(
        client.licenses().suspend(&id).await.unwrap_err().status(),
        Some(422)
    );
    client.licenses().reinstate(&id).await.unwrap();
    let renewed = client.licenses().renew(&id).await.unwrap().into_data();
    assert!(renewed.attributes.expiry.is_some());
    client.licenses().revoke(&id).await.unwrap();
    assert!(client.licenses().get(&id).await.unwrap_err().is_not_found());
    // A license key cannot reach the admin calls, even when it sends them.
    let app = app(&emulator, "LIST-0").with_license_key(SecretLicenseKey::new("LIST-0"));
    assert!(app.licenses().suspend("x").await.unwrap_err().is_config());

    let deliveries = emulator.wait_for_webhooks(8, Duration::from_secs(10)).await;
    let events: Vec<&str> = deliveries.iter().map(|d| d.event_type.as_str()).collect();
    assert!(
        events.contains(&"license.suspended") && events.contains(&"license.revoked"),
        "{events:?}"
    );
    let received = receiver.received_requests().await.unwrap();
    let endpoint = WebhookEndpoint::new(&hook_url).unwrap();
    let key = PublicKey::from_hex(&emulator.public_key_hex()).unwrap();
    for request in &received {
        let event = verify_and_parse(
            &key,
            &endpoint,
            &request.headers,
            &request.body,
            chrono::Utc::now(),
            Duration::from_secs(300),
        )
        .unwrap();
        assert!(event.attributes.event.starts_with("license."));
    }
    assert!(!received.is_empty());
}
