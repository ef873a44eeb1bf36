//! The webhook delivery stores: one delivery's reserve + acknowledge, in memory and in a real
//! Redis on loopback (started here, as the tests do), one at a time and many in flight.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use keyward::events::{Delivery, DeliveryStore, MemoryDeliveryStore, RedisDeliveryStore};
use keyward_test_support::RedisServer;

/// How many deliveries each measurement handles, spread over this many licenses.
pub const DELIVERIES: usize = 10_000;
const LICENSES: usize = 100;
/// How many deliveries are in flight at once in the concurrent run.
pub const IN_FLIGHT: usize = 64;

/// One store's numbers: the time of each delivery handled alone, and deliveries per second with
/// [`IN_FLIGHT`] at once.
#[derive(Debug)]
pub struct Measured {
    /// Which store.
    pub name: &'static str,
    /// Each sequential delivery's reserve + acknowledge.
    pub sequential: Vec<Duration>,
    /// Deliveries per second, [`IN_FLIGHT`] at a time.
    pub concurrent: f64,
}

/// Measures the in-memory store, then the Redis store on a fresh `redis-server` keeping its data
/// in memory, then on one that syncs its append-only file to disk on every write.
pub async fn measure() -> Result<Vec<Measured>, String> {
    let memory: Arc<dyn DeliveryStore> = Arc::new(MemoryDeliveryStore::default());
    let fast = RedisServer::start_in_memory().map_err(|e| e.to_string())?;
    let durable = RedisServer::start().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (name, store) in [
        ("memory", memory),
        ("redis", connect(&fast).await?),
        ("redis, fsync always", connect(&durable).await?),
    ] {
        out.push(Measured {
            name,
            sequential: sequential(&store, "s").await?,
            concurrent: concurrent(&store, "c").await?,
        });
    }
    Ok(out)
}

async fn connect(redis: &RedisServer) -> Result<Arc<dyn DeliveryStore>, String> {
    let store = RedisDeliveryStore::builder(&redis.url())
        .connect()
        .await
        .map_err(|e| e.to_string())?;
    Ok(Arc::new(store))
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_781_000_000, 0).unwrap_or_default()
}

/// Reserves then acknowledges delivery `i` of run `run`.
async fn handle(store: &dyn DeliveryStore, run: &str, i: usize) -> Result<(), String> {
    let id = format!("{run}-{i}");
    let key = format!("{run}-license-{}", i % LICENSES);
    let occurred = now() + chrono::Duration::seconds(i as i64);
    let delivery = Delivery::new(
        &id,
        Some(&key),
        Some(occurred),
        now(),
        chrono::Duration::seconds(60),
    );
    store.reserve(&delivery).await.map_err(|e| e.to_string())?;
    store
        .acknowledge(&delivery, Some("|5|active"))
        .await
        .map_err(|e| e.to_string())
}

async fn sequential(store: &Arc<dyn DeliveryStore>, run: &str) -> Result<Vec<Duration>, String> {
    let mut samples = Vec::with_capacity(DELIVERIES);
    for i in 0..DELIVERIES {
        let started = Instant::now();
        handle(store.as_ref(), run, i).await?;
        samples.push(started.elapsed());
    }
    Ok(samples)
}

async fn concurrent(store: &Arc<dyn DeliveryStore>, run: &str) -> Result<f64, String> {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..IN_FLIGHT {
        let (store, run) = (Arc::clone(store), run.to_owned());
        tasks.spawn(async move {
            // Each worker takes every IN_FLIGHT-th delivery: one license is never held by two.
            for i in (worker..DELIVERIES).step_by(IN_FLIGHT) {
                handle(store.as_ref(), &run, i).await?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok(DELIVERIES as f64 / started.elapsed().as_secs_f64())
}
