#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! `keyward::events`: Dodo and Lemon Squeezy webhooks as `LicenseEvent`s, every refusal typed,
//! no panic on any input.
#![cfg(all(feature = "dodo", feature = "lemonsqueezy"))]

#[path = "events/deliveries.rs"]
mod deliveries;
#[path = "events/dodo.rs"]
mod dodo_events;
#[path = "events/hostile.rs"]
mod hostile;
#[path = "events/lemonsqueezy.rs"]
mod lemonsqueezy_events;
#[path = "events/receive.rs"]
mod receive;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use keyward::FixedClock;

/// A fixture from `fixtures/<provider>/`.
pub(crate) fn fixture(provider: &str, name: &str) -> String {
    let path = format!(
        "{}/../../fixtures/{provider}/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {path}: {e}"))
}

/// A fixed clock at Unix second `secs`.
pub(crate) fn clock(secs: i64) -> Arc<FixedClock> {
    Arc::new(FixedClock::new(at(secs)))
}

pub(crate) fn at(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap()
}

/// Headers from name/value pairs.
pub(crate) fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, http::HeaderValue::from_str(value).unwrap());
    }
    map
}
