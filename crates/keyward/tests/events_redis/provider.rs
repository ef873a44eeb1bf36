//! A Lemon Squeezy that sends signed `license_key_updated` deliveries of many licenses, each
//! license through many versions, and the app behind two replicas that applies them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use chrono::{DateTime, Duration, Utc};
use keyward::events::{DeliveryStore, LemonSqueezyEvents, LicenseEvent};
use keyward::{FixedClock, LicenseStatus};
use keyward_lemonsqueezy::webhooks::{WebhookSecret, sign};
use serde_json::Value;
use tower::ServiceExt;

const SECRET: &str = "lemon-test-signing-secret";
const TEMPLATE: &str =
    include_str!("../../../../fixtures/lemonsqueezy/webhooks.license_key_updated.json");

/// When the provider's history starts.
pub(crate) fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_781_000_000, 0).unwrap()
}

/// One signed delivery of license `license`.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) license: u64,
    pub(crate) signature: String,
    pub(crate) body: Vec<u8>,
}

/// What a license looks like at a version, as the app keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Kept {
    pub(crate) status: LicenseStatus,
    pub(crate) limit: Option<u32>,
    pub(crate) updated_at: Option<DateTime<Utc>>,
}

/// The provider's state of `license` at `version`: status cycles active → disabled → active
/// → expired, the limit grows; one second per version.
pub(crate) fn state(version: u32) -> Kept {
    let status = ["active", "disabled", "active", "expired"][version as usize % 4];
    Kept {
        status: LicenseStatus::parse(status),
        limit: Some(version + 1),
        updated_at: Some(start() + Duration::seconds(i64::from(version))),
    }
}

/// The delivery of `license` at `version`, signed.
pub(crate) fn delivery(license: u64, version: u32) -> Sent {
    let kept = state(version);
    let mut event: Value = serde_json::from_str(TEMPLATE).unwrap();
    let data = &mut event["data"];
    data["id"] = license.to_string().into();
    let a = &mut data["attributes"];
    a["status"] = kept.status.as_str().into();
    a["disabled"] = (kept.status == LicenseStatus::Disabled).into();
    a["activation_limit"] = kept.limit.into();
    a["updated_at"] = kept.updated_at.unwrap().to_rfc3339().into();
    let body = serde_json::to_vec(&event).unwrap();
    let signature = sign(&WebhookSecret::new(SECRET).unwrap(), &body);
    Sent {
        license,
        signature,
        body,
    }
}

/// Every delivery of `licenses` licenses through `versions` versions, in the provider's order.
pub(crate) fn history(licenses: u64, versions: u32) -> Vec<Sent> {
    (0..versions)
        .flat_map(|v| (0..licenses).map(move |l| delivery(l, v)))
        .collect()
}

/// The app: how often its handler ran per delivery, and the state it keeps per license (a plain
/// overwrite, so only the library's per-license order keeps it right).
#[derive(Debug, Default)]
pub(crate) struct App {
    pub(crate) runs: Mutex<HashMap<String, u32>>,
    pub(crate) licenses: Mutex<HashMap<String, Kept>>,
}

impl App {
    fn apply(&self, event: &LicenseEvent) {
        *self
            .runs
            .lock()
            .unwrap()
            .entry(event.delivery_id.clone())
            .or_default() += 1;
        let license = event.license.as_ref().unwrap();
        let kept = Kept {
            status: license.status.clone(),
            limit: license.activation_limit,
            updated_at: license.updated_at,
        };
        self.licenses
            .lock()
            .unwrap()
            .insert(license.id.clone(), kept);
    }

    /// Handler runs in all, and the most any one delivery ran.
    pub(crate) fn runs(&self) -> (u32, u32) {
        let runs = self.runs.lock().unwrap();
        (
            runs.values().sum(),
            runs.values().copied().max().unwrap_or(0),
        )
    }

    /// Licenses whose kept state differs from the provider's at `last` version.
    pub(crate) fn wrong(&self, licenses: u64, last: u32) -> usize {
        let kept = self.licenses.lock().unwrap();
        (0..licenses)
            .filter(|l| kept.get(&l.to_string()) != Some(&state(last)))
            .count()
    }
}

/// A receiver process: the axum route over Lemon Squeezy events with `store`.
pub(crate) fn replica(
    app: &Arc<App>,
    store: Arc<dyn DeliveryStore>,
    clock: &Arc<FixedClock>,
) -> Router {
    let events = LemonSqueezyEvents::builder(SECRET)
        .clock(clock.clone())
        .store(store)
        .build()
        .unwrap();
    let app = Arc::clone(app);
    let apply = move |event: LicenseEvent| {
        let app = Arc::clone(&app);
        async move {
            app.apply(&event);
            Ok::<(), std::convert::Infallible>(())
        }
    };
    Router::new().route("/webhooks", keyward::events::axum::webhook(events, apply))
}

/// POSTs a delivery to a replica; the status it answers.
pub(crate) async fn post(replica: &Router, sent: &Sent) -> u16 {
    let request = http::Request::post("/webhooks")
        .header("x-signature", &sent.signature)
        .header("x-event-name", "license_key_updated")
        .body(Body::from(sent.body.clone()))
        .unwrap();
    let response = replica.clone().oneshot(request).await.unwrap();
    response.status().as_u16()
}

/// Delivers until a replica answers 200, as the provider's retries do (alternating replicas,
/// a short pause between tries); the statuses seen before.
pub(crate) async fn deliver(replicas: &[Router], first: usize, sent: &Sent) -> Vec<u16> {
    let mut refused = Vec::new();
    for attempt in 0..10_000 {
        let status = post(&replicas[(first + attempt) % replicas.len()], sent).await;
        if status == 200 {
            return refused;
        }
        refused.push(status);
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    panic!("never accepted: {refused:?}")
}
