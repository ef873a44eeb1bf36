//! A license-webhook server on axum: Dodo and Lemon Squeezy events, verified, reserved, applied
//! to the app's license table (an idempotent upsert), acknowledged.
//!
//! `cargo run -p keyward --features axum,dodo,lemonsqueezy --example webhook_server` starts the
//! Dodo and Lemon Squeezy emulators, points their webhooks at this server, changes licenses
//! there, and prints each event as the server applies it; it exits once all arrived.
//!
//! With `-- --serve 127.0.0.1:8787` it only serves, for `licensectl emulate
//! --dodo-webhook-url http://127.0.0.1:8787/webhooks/dodo --lemonsqueezy-webhook-url
//! http://127.0.0.1:8787/webhooks/lemonsqueezy`. Both take the signing secrets from
//! `DODO_WEBHOOK_SECRET` and `LEMONSQUEEZY_WEBHOOK_SECRET` (demo secrets when unset).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, Utc};
use keyward::events::axum::webhook;
use keyward::events::{DodoEvents, EventKind, LemonSqueezyEvents, LicenseEvent};
use keyward_emulator::dodo::{DodoEmulator, EntitlementSeed, GrantSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use keyward_emulator::{DeliveryState, Emulator, SendsWebhooks, WebhookTarget};

const DEMO_DODO_SECRET: &str = "whsec_ZG9kby1maXh0dXJlLXNlY3JldC0wMTIzNDU2Nzg5YWI=";
const DEMO_LEMON_SECRET: &str = "lemon-test-signing-secret";

/// A row of the app's license table: whether the license may be used, as of when.
type Row = (bool, Option<DateTime<Utc>>);

/// The app's license table, per license (or grant).
#[derive(Debug, Default)]
struct Licenses(Mutex<HashMap<String, Row>>);

impl Licenses {
    /// The app's handler. Idempotent: applying the same event twice changes nothing, and an
    /// event older than the row is skipped (the library already reports those as stale).
    fn apply(&self, event: &LicenseEvent) -> Result<(), String> {
        let usable = match event.kind {
            EventKind::Revoked | EventKind::Suspended | EventKind::Expired => Some(false),
            EventKind::Reinstated | EventKind::Renewed | EventKind::Delivered => Some(true),
            EventKind::Created | EventKind::Updated => event.license.as_ref().map(|l| {
                matches!(
                    l.status,
                    keyward::LicenseStatus::Active | keyward::LicenseStatus::Inactive
                )
            }),
            EventKind::Failed => Some(false),
            _ => None,
        };
        let key = event
            .order_key
            .clone()
            .ok_or("the event names no license")?;
        let mut rows = self.0.lock().map_err(|_| "the table is poisoned")?;
        let row = rows.entry(key.clone()).or_insert((false, None));
        if row.1.is_some() && row.1 > event.occurred_at {
            return Ok(());
        }
        if let Some(usable) = usable {
            *row = (usable, event.occurred_at);
        }
        println!("{:<28} {:?} → usable: {}", key, event.kind, row.0);
        Ok(())
    }
}

fn secret(var: &str, demo: &str) -> String {
    std::env::var(var)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| demo.to_owned())
}

/// The server: one route per provider, both applying to the same table.
fn app(licenses: &Arc<Licenses>) -> Result<Router, keyward::LicenseError> {
    let dodo = DodoEvents::new(&secret("DODO_WEBHOOK_SECRET", DEMO_DODO_SECRET))?;
    let lemon = LemonSqueezyEvents::new(&secret("LEMONSQUEEZY_WEBHOOK_SECRET", DEMO_LEMON_SECRET))?;
    let table = Arc::clone(licenses);
    let apply = move |event: LicenseEvent| {
        let table = Arc::clone(&table);
        async move { table.apply(&event) }
    };
    Ok(Router::new()
        .route("/webhooks/dodo", webhook(dodo, apply.clone()))
        .route("/webhooks/lemonsqueezy", webhook(lemon, apply)))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let licenses = Arc::new(Licenses::default());
    let args: Vec<String> = std::env::args().skip(1).collect();
    let serve_only = args.first().map(String::as_str) == Some("--serve");
    let address = args.get(1).map_or("127.0.0.1:0", String::as_str);
    let listener = tokio::net::TcpListener::bind(address).await?;
    let url = format!("http://{}/webhooks", listener.local_addr()?);
    let server = axum::serve(listener, app(&licenses)?);
    if serve_only {
        println!("listening on {url}/dodo and {url}/lemonsqueezy");
        return Ok(server.await?);
    }
    tokio::spawn(async move { server.await });
    demo(&url).await?;
    let rows = licenses.0.lock().map_err(|_| "poisoned")?;
    let usable: Vec<bool> = {
        let mut rows: Vec<_> = rows.iter().collect();
        rows.sort();
        rows.into_iter().map(|(_, (usable, _))| *usable).collect()
    };
    // dodo:grant (revoked), dodo:license (created, active), lemonsqueezy:license (reinstated).
    if usable != [false, true, true] {
        return Err(format!("unexpected license table: {rows:?}").into());
    }
    println!("all webhooks applied");
    Ok(())
}

/// Changes licenses at both emulators, whose webhooks go to `url`, and waits for them.
async fn demo(url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let dodo = DodoEmulator::start().await;
    dodo.set_webhooks(target(url, "dodo", DEMO_DODO_SECRET))?;
    let lemon = LemonSqueezyEmulator::start().await;
    lemon.set_webhooks(target(url, "lemonsqueezy", DEMO_LEMON_SECRET))?;

    // Dodo: a grant is created, a key delivered to it, then it is revoked (a refund).
    let entitlement = dodo.add_entitlement(EntitlementSeed::new("Pro").manual());
    let grant = dodo.add_grant(GrantSeed::new(&entitlement, "cus_ada"))?;
    let api = keyward::dodo::Client::builder()
        .base_url(dodo.uri())
        .api_key(dodo.api_key())
        .build()?;
    let key = keyward::SecretLicenseKey::new("EXAMPLE-DODO-0001");
    let deliver = keyward::dodo::DeliverLicenseKey::new(key);
    api.grants().deliver_license_key(&grant, &deliver).await?;
    api.entitlements()
        .revoke_grant(&entitlement, &grant)
        .await?;
    arrived(&dodo, 4).await?;

    // Lemon Squeezy: a key is created, disabled (Suspended), enabled again (Reinstated).
    let id = lemon.add_license(LicenseSeed::new("EXAMPLE-LEMON-0001"));
    lemon.set_disabled(id, true);
    lemon.set_disabled(id, false);
    arrived(&lemon, 3).await
}

fn target(url: &str, provider: &str, demo: &str) -> WebhookTarget {
    let var = format!("{}_WEBHOOK_SECRET", provider.to_uppercase());
    WebhookTarget::new(format!("{url}/{provider}"), secret(&var, demo))
        .backoff(Duration::from_millis(50))
}

async fn arrived<P: SendsWebhooks>(
    emulator: &Emulator<P>,
    count: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let deliveries = emulator
        .wait_for_webhooks(count, Duration::from_secs(10))
        .await;
    let delivered = deliveries
        .iter()
        .filter(|d| d.state == DeliveryState::Delivered)
        .count();
    if delivered != count {
        return Err(format!("{delivered} of {count} webhooks delivered: {deliveries:?}").into());
    }
    Ok(())
}
