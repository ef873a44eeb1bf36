#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The Redis delivery store against a real `redis-server` on loopback (started and stopped by
//! each test): two replicas behind the axum route share one Redis; each delivery is handled
//! once, a crash is redelivered and applied once, a Redis outage answers 503 and loses nothing,
//! and 10,000 scrambled deliveries leave every license as the provider has it.
#![cfg(all(feature = "redis", feature = "axum", feature = "lemonsqueezy"))]

#[path = "events_redis/provider.rs"]
mod provider;

use std::sync::Arc;
use std::time::Instant;

use chrono::Duration;
use keyward::FixedClock;
use keyward::events::{
    Delivery, DeliveryStore, EventRejection, LemonSqueezyEvents, RedisDeliveryStore, Reservation,
    Webhooks,
};
use keyward_test_support::RedisServer;
use tokio::task::JoinSet;

use provider::{App, deliver, history, post, replica, start};

async fn store(redis: &RedisServer) -> Arc<dyn DeliveryStore> {
    Arc::new(
        RedisDeliveryStore::builder(&redis.url())
            .timeout(std::time::Duration::from_millis(500))
            .connect()
            .await
            .unwrap(),
    )
}

/// Two replicas, each with its own connection to the same Redis, and the app behind them.
async fn two_replicas(
    redis: &RedisServer,
    clock: &Arc<FixedClock>,
) -> (Arc<App>, [axum::Router; 2]) {
    let app = Arc::new(App::default());
    let a = replica(&app, store(redis).await, clock);
    let b = replica(&app, store(redis).await, clock);
    (app, [a, b])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_delivery_sent_to_both_replicas_and_retried_runs_the_handler_once() {
    let redis = RedisServer::start_in_memory().unwrap();
    let clock = Arc::new(FixedClock::new(start()));
    let (app, replicas) = two_replicas(&redis, &clock).await;
    let sent = history(20, 10);
    let mut tasks = JoinSet::new();
    for license in 0..20 {
        let replicas = replicas.clone();
        let mine: Vec<_> = sent
            .iter()
            .filter(|s| s.license == license)
            .cloned()
            .collect();
        tasks.spawn(async move {
            for delivery in &mine {
                // Both replicas at once, each retried until it answers 200; then retried again.
                tokio::join!(
                    deliver(&replicas, 0, delivery),
                    deliver(&replicas, 1, delivery)
                );
                for replica in &replicas {
                    assert_eq!(
                        post(replica, delivery).await,
                        200,
                        "a replay is acknowledged"
                    );
                }
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    assert_eq!(app.runs(), (200, 1), "200 deliveries, each handled once");
    assert_eq!(app.wrong(20, 9), 0);
}

#[tokio::test]
async fn a_crash_between_reserve_and_acknowledge_is_redelivered_and_applied_once() {
    let redis = RedisServer::start_in_memory().unwrap();
    let clock = Arc::new(FixedClock::new(start()));
    let (app, replicas) = two_replicas(&redis, &clock).await;
    // The crashing process: it reserves each delivery, then dies before its handler finishes.
    let crashing = LemonSqueezyEvents::builder("lemon-test-signing-secret")
        .clock(clock.clone())
        .store(store(&redis).await)
        .build()
        .unwrap();
    let sent = history(10, 3);
    for delivery in &sent {
        let headers = provider_headers(&delivery.signature);
        let reserved = crashing.verify(&headers, &delivery.body).await;
        assert!(reserved.is_ok(), "{reserved:?}");
        assert_eq!(
            post(&replicas[0], delivery).await,
            409,
            "held by the crashed one"
        );
        clock.advance(keyward::events::DEFAULT_LEASE);
        assert_eq!(post(&replicas[1], delivery).await, 200, "its lease ran out");
        assert_eq!(post(&replicas[0], delivery).await, 200, "a replay now");
        let replay = crashing.verify(&headers, &delivery.body).await;
        assert!(matches!(replay, Err(EventRejection::Replayed { .. })));
    }
    assert_eq!(app.runs(), (30, 1), "every crashed delivery applied, once");
    assert_eq!(app.wrong(10, 2), 0);
}

fn provider_headers(signature: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert("x-signature", signature.parse().unwrap());
    headers
}

#[tokio::test]
async fn redis_stopped_mid_run_answers_503_and_loses_nothing() {
    let mut redis = RedisServer::start().unwrap();
    let clock = Arc::new(FixedClock::new(start()));
    let (app, replicas) = two_replicas(&redis, &clock).await;
    let sent = history(10, 20);
    let mut refused = Vec::new();
    for (i, delivery) in sent.iter().enumerate() {
        if i == 60 {
            redis.stop();
        }
        if i == 60 {
            for replica in &replicas {
                refused.push(post(replica, delivery).await);
            }
            redis.start_again().unwrap();
        }
        refused.extend(deliver(&replicas, i, delivery).await);
    }
    assert!(
        refused.contains(&503),
        "the outage was answered 503: {refused:?}"
    );
    assert!(refused.iter().all(|s| *s == 503), "{refused:?}");
    for delivery in &sent[..60] {
        assert_eq!(post(&replicas[0], delivery).await, 200, "still remembered");
    }
    assert_eq!(app.runs(), (200, 1), "nothing lost, nothing applied twice");
    assert_eq!(app.wrong(10, 19), 0);
}

/// A deterministic shuffle (xorshift), so a failure reproduces.
fn scramble<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_scrambled_deliveries_across_two_replicas_end_as_the_provider_has_them() {
    let redis = RedisServer::start_in_memory().unwrap();
    let clock = Arc::new(FixedClock::new(start()));
    let (app, replicas) = two_replicas(&redis, &clock).await;
    let mut sent = history(100, 100);
    scramble(&mut sent, 0x9E37_79B9_7F4A_7C15);
    let sent = Arc::new(sent);
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for worker in 0..32 {
        let (replicas, sent) = (replicas.clone(), Arc::clone(&sent));
        tasks.spawn(async move {
            let mut retried = 0;
            for (i, delivery) in sent.iter().enumerate().skip(worker).step_by(32) {
                retried += deliver(&replicas, i, delivery).await.len();
                if i % 10 == 0 {
                    // The provider's retry of a delivery already answered, at the other replica
                    // (a stale one is not recorded: 409 while its license is busy, then 200).
                    retried += deliver(&replicas, i + 1, delivery).await.len();
                }
            }
            retried
        });
    }
    let mut retried = 0;
    while let Some(done) = tasks.join_next().await {
        retried += done.unwrap();
    }
    let elapsed = started.elapsed();
    let (runs, most) = app.runs();
    eprintln!(
        "10,000 deliveries (+1,000 duplicates, +{retried} retries after 409 Busy) over 2 replicas in \
         {elapsed:.2?} ({:.0} deliveries/s, debug build): handler ran {runs} times, {} stale \
         events reported and not applied, duplicates applied: {}",
        10_000.0 / elapsed.as_secs_f64(),
        10_000 - runs,
        u32::from(most > 1)
    );
    assert_eq!(most, 1, "no delivery applied twice");
    assert_eq!(
        app.wrong(100, 99),
        0,
        "every license as the provider has it"
    );
}

#[tokio::test]
async fn the_redis_store_follows_the_reservation_rule() {
    let redis = RedisServer::start_in_memory().unwrap();
    let store = store(&redis).await;
    let at = |s| start() + Duration::seconds(s);
    let lease = Duration::seconds(30);
    let d = |id, occurred, now| Delivery::new(id, Some("k"), Some(at(occurred)), at(now), lease);
    let reserved = |p: Option<&str>| Reservation::Reserved {
        previous: p.map(str::to_owned),
    };
    assert_eq!(
        store.reserve(&d("a", 10, 100)).await.unwrap(),
        reserved(None)
    );
    assert_eq!(
        store.reserve(&d("b", 20, 101)).await.unwrap(),
        Reservation::Busy
    );
    store.release(&d("a", 10, 102)).await.unwrap();
    assert_eq!(
        store.reserve(&d("b", 20, 103)).await.unwrap(),
        reserved(None)
    );
    store
        .acknowledge(&d("b", 20, 104), Some("b|1|active"))
        .await
        .unwrap();
    assert_eq!(
        store.reserve(&d("b", 20, 105)).await.unwrap(),
        Reservation::Done
    );
    assert_eq!(
        store.reserve(&d("a", 10, 106)).await.unwrap(),
        Reservation::Stale {
            last_applied: at(20)
        }
    );
    assert_eq!(
        store.reserve(&d("c", 30, 107)).await.unwrap(),
        reserved(Some("b|1|active"))
    );
    assert_eq!(
        store.reserve(&d("c", 30, 120)).await.unwrap(),
        Reservation::Busy
    );
    assert_eq!(
        store.reserve(&d("c", 30, 140)).await.unwrap(),
        reserved(Some("b|1|active")),
        "the crashed holder's lease ran out"
    );
    store
        .acknowledge(&d("z", 25, 141), Some("z"))
        .await
        .unwrap();
    store.acknowledge(&d("c", 30, 142), None).await.unwrap();
    assert_eq!(
        store.reserve(&d("e", 40, 143)).await.unwrap(),
        reserved(None)
    );
    let unkeyed = Delivery::new("u", None, None, at(0), lease);
    assert_eq!(store.reserve(&unkeyed).await.unwrap(), reserved(None));
    assert!(
        !format!("{store:?}").contains("127.0.0.1"),
        "Debug hides the URL"
    );
}
