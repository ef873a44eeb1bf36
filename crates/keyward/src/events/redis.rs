//! The [`DeliveryStore`] every replica shares: [`RedisDeliveryStore`] (feature `redis`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use keyward_core::{ErrorKind, LicenseError};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{RedisError, Script};

use super::memory::DEFAULT_RETENTION;
use super::store::{Delivery, DeliveryStore, Reservation};

/// A [`DeliveryStore`] in Redis, for several replicas receiving the same webhooks: each
/// reserve, acknowledge and release is one Lua script, so it is atomic across replicas.
///
/// A delivery's record expires after the retention; a license's record (the time and state of
/// its last applied event, and which delivery holds it) never does, so a stale event is caught
/// however old it is. Times come from the receivers' injected clock, not from Redis. `Debug`
/// never shows the URL (it may hold a password).
///
/// ```no_run
/// # async fn run() -> Result<(), keyward::LicenseError> {
/// use std::sync::Arc;
/// use keyward::events::{LemonSqueezyEvents, RedisDeliveryStore};
///
/// let store = RedisDeliveryStore::builder("redis://127.0.0.1:6379/").connect().await?;
/// let events = LemonSqueezyEvents::builder("signing-secret")
///     .store(Arc::new(store))
///     .build()?;
/// # let _ = events; Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisDeliveryStore {
    connection: ConnectionManager,
    scripts: Arc<Scripts>,
    prefix: String,
    retention: Duration,
}

struct Scripts {
    reserve: Script,
    acknowledge: Script,
    release: Script,
}

impl fmt::Debug for RedisDeliveryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDeliveryStore")
            .field("prefix", &self.prefix)
            .field("retention", &self.retention)
            .finish_non_exhaustive()
    }
}

/// Configures a [`RedisDeliveryStore`]; [`connect`](Self::connect) checks and connects.
pub struct RedisDeliveryStoreBuilder {
    url: String,
    prefix: String,
    retention: Duration,
    timeout: StdDuration,
}

impl fmt::Debug for RedisDeliveryStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisDeliveryStoreBuilder")
            .field("prefix", &self.prefix)
            .field("retention", &self.retention)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisDeliveryStore {
    /// Starts a configuration for the Redis at `url` (`redis://[:password@]host:port/db`):
    /// keys under `keyward:events:`, deliveries remembered for 10 minutes, a 2-second timeout
    /// for connecting and for each script.
    pub fn builder(url: &str) -> RedisDeliveryStoreBuilder {
        RedisDeliveryStoreBuilder {
            url: url.to_owned(),
            prefix: String::from("keyward:events:"),
            retention: DEFAULT_RETENTION,
            timeout: StdDuration::from_secs(2),
        }
    }

    fn keys(&self, delivery: &Delivery<'_>) -> Vec<String> {
        let mut keys = vec![format!("{}d:{}", self.prefix, delivery.id)];
        if let Some(key) = delivery.key {
            keys.push(format!("{}k:{key}", self.prefix));
        }
        keys
    }
}

impl RedisDeliveryStoreBuilder {
    /// Puts every key under this prefix (to share one Redis between apps).
    #[must_use]
    pub fn prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_owned();
        self
    }

    /// How long an acknowledged delivery is remembered (default 10 minutes).
    #[must_use]
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// How long connecting, and each script, may take before the store answers an error
    /// (default 2 seconds).
    #[must_use]
    pub fn timeout(mut self, timeout: StdDuration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connects (the connection reconnects by itself after Redis comes back), or a config
    /// error for a bad URL or a retention that is not positive, or the connection's error.
    pub async fn connect(self) -> Result<RedisDeliveryStore, LicenseError> {
        if self.retention <= Duration::zero() {
            return Err(LicenseError::config("the retention must be positive"));
        }
        let client = redis::Client::open(self.url.as_str())
            .map_err(|_| LicenseError::config("the Redis URL is not valid"))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1)
            .set_max_delay(self.timeout);
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(store_error)?;
        Ok(RedisDeliveryStore {
            connection,
            scripts: Arc::new(Scripts {
                reserve: Script::new(include_str!("redis/reserve.lua")),
                acknowledge: Script::new(include_str!("redis/acknowledge.lua")),
                release: Script::new(include_str!("redis/release.lua")),
            }),
            prefix: self.prefix,
            retention: self.retention,
        })
    }
}

#[async_trait]
impl DeliveryStore for RedisDeliveryStore {
    fn retention(&self) -> Duration {
        self.retention
    }

    async fn reserve(&self, delivery: &Delivery<'_>) -> Result<Reservation, LicenseError> {
        let mut call = self.scripts.reserve.prepare_invoke();
        call.key(self.keys(delivery))
            .arg(delivery.id)
            .arg(millis(delivery.now))
            .arg(millis(delivery.lease_end()))
            .arg(self.retention.num_milliseconds().max(1))
            .arg(delivery.occurred_at.map(millis));
        let (outcome, detail): (String, String) = call
            .invoke_async(&mut self.connection.clone())
            .await
            .map_err(store_error)?;
        match outcome.as_str() {
            "reserved" => Ok(Reservation::Reserved {
                previous: Some(detail).filter(|s| !s.is_empty()),
            }),
            "done" => Ok(Reservation::Done),
            "busy" => Ok(Reservation::Busy),
            "stale" => detail
                .parse()
                .ok()
                .and_then(DateTime::from_timestamp_millis)
                .map(|last_applied| Reservation::Stale { last_applied })
                .ok_or_else(|| LicenseError::decode("the Redis store kept a bad time")),
            _ => Err(LicenseError::decode(
                "the Redis store answered an unknown outcome",
            )),
        }
    }

    async fn acknowledge(
        &self,
        delivery: &Delivery<'_>,
        state: Option<&str>,
    ) -> Result<(), LicenseError> {
        let mut call = self.scripts.acknowledge.prepare_invoke();
        call.key(self.keys(delivery))
            .arg(delivery.id)
            .arg(delivery.occurred_at.map(millis))
            .arg(state.unwrap_or_default())
            .arg(self.retention.num_milliseconds().max(1));
        call.invoke_async::<i64>(&mut self.connection.clone())
            .await
            .map(drop)
            .map_err(store_error)
    }

    async fn release(&self, delivery: &Delivery<'_>) -> Result<(), LicenseError> {
        let mut call = self.scripts.release.prepare_invoke();
        call.key(self.keys(delivery)).arg(delivery.id);
        call.invoke_async::<i64>(&mut self.connection.clone())
            .await
            .map(drop)
            .map_err(store_error)
    }
}

fn millis(at: DateTime<Utc>) -> i64 {
    at.timestamp_millis()
}

fn store_error(error: RedisError) -> LicenseError {
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else if error.is_io_error() || error.is_connection_dropped() || error.is_connection_refusal()
    {
        ErrorKind::Network
    } else {
        ErrorKind::Server
    };
    LicenseError::new(kind, "the Redis delivery store failed").with_source(error)
}
