//! A thousand callers (issue 14 item 5; correctness only, timing belongs in the bench): 1,000
//! concurrent validates through one client and through the facade against each emulator, and
//! 10,000 concurrent signed verifications, all answered, none refused as a replay.

use std::future::Future;
use std::sync::Arc;

use super::serial;
use keyward::{
    ActivateRequest, ApiKey, DevPayrProvider, DodoProvider, LemonSqueezyProvider, LicenseProvider,
    SignedLicenseProvider, ValidateRequest,
};
use keyward_core::{LicenseError, SecretLicenseKey};
use keyward_emulator::{devpayr, dodo, lemonsqueezy, signed_license};
use keyward_test_support::{Server, relay};

/// Concurrent callers per client.
const CALLERS: usize = 1_000;
/// The default bound on one client's connections.
const DEFAULT_MAX_CONNECTIONS: usize = 32;
/// Connections briefly over the bound while one is handed back to the pool.
const TRANSIENT: usize = 2;
/// Concurrent signed verifications.
const SIGNED: usize = 10_000;
const KEY: &str = "LOAD-KEY-0001-AAAA";
/// The domain DevPayr checks are made for.
const DOMAIN: &str = "app.example.com";

/// Runs `count` copies of `call` at once; returns the failures (an error, or `false`: not valid).
async fn all<F, Fut>(count: usize, call: F) -> Vec<String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<bool, LicenseError>> + Send + 'static,
{
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..count {
        tasks.spawn(call());
    }
    let mut failures = Vec::new();
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(true)) => {}
            Ok(Ok(false)) => failures.push("answered not valid".to_owned()),
            Ok(Err(err)) => failures.push(err.to_string()),
            Err(join) => failures.push(format!("panicked: {join}")),
        }
    }
    failures
}

fn report(what: &str, count: usize, failures: &[String]) {
    println!(
        "load: {what}: {count} concurrent, {} failed",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{what}: {:?}",
        &failures[..failures.len().min(5)]
    );
}

/// The connections one client (and its clones, and the facade over it) opened at once stayed
/// within `HttpOptions::max_connections` (default 32).
fn within_bound(what: &str, proxy: &Server) {
    let (peak, accepted) = (proxy.counters().peak(), proxy.counters().accepted());
    println!("load: {what}: peak {peak} connections open at once, {accepted} opened in all");
    // In-flight requests are bounded exactly, connections nearly: 3 Dodo runs of 7 here saw 33 open at
    // once (a connection not yet back in the pool when the next caller's turn came, so a new one
    // opened and the surplus was closed). Unbounded would be hundreds (681-991 before the fix).
    let bound = DEFAULT_MAX_CONNECTIONS + TRANSIENT;
    assert!((1..=bound).contains(&peak), "{what}: peak {peak}");
}

/// One facade provider, shared by every caller.
async fn through_facade(what: &str, provider: Arc<dyn LicenseProvider>, request: ValidateRequest) {
    let failures = all(CALLERS, || {
        let provider = provider.clone();
        let request = request.clone();
        async move { provider.validate(request).await.map(|o| o.is_valid()) }
    })
    .await;
    report(&format!("{what} facade validate"), CALLERS, &failures);
}

/// `CALLERS` concurrent calls through clones of one client, each with the key.
async fn through_client<C, F, Fut>(what: &str, client: &C, call: F)
where
    C: Clone,
    F: Fn(C, SecretLicenseKey) -> Fut,
    Fut: Future<Output = Result<bool, LicenseError>> + Send + 'static,
{
    let key = SecretLicenseKey::new(KEY);
    let failures = all(CALLERS, || call(client.clone(), key.clone())).await;
    report(&format!("{what} client"), CALLERS, &failures);
}

/// A client of `$krate` for an emulator that hands out its API key.
macro_rules! keyed_client {
    ($krate:ident, $emulator:expr, $url:expr) => {
        ::$krate::Client::builder()
            .base_url($url)
            .api_key($emulator.api_key())
            .build()
            .unwrap()
    };
}

async fn dodo_load() {
    let emulator = dodo::DodoEmulator::start().await;
    emulator.add_license(dodo::LicenseSeed::new(KEY));
    let proxy = relay(&emulator.uri()).await.unwrap();
    let client = keyed_client!(keyward_dodo, emulator, proxy.url().to_owned());
    through_client("dodo validate", &client, |c, k| async move {
        c.licenses().validate(&k, None).await.map(|v| v.valid)
    })
    .await;
    let provider = Arc::new(DodoProvider::new(client));
    through_facade("dodo", provider, ValidateRequest::new(KEY)).await;
    within_bound("dodo", &proxy);
}

async fn lemonsqueezy_load() {
    let emulator = lemonsqueezy::LemonSqueezyEmulator::start().await;
    emulator.add_license(lemonsqueezy::LicenseSeed::new(KEY));
    let proxy = relay(&emulator.uri()).await.unwrap();
    let client = keyed_client!(keyward_lemonsqueezy, emulator, proxy.url().to_owned());
    through_client("lemonsqueezy validate", &client, |c, k| async move {
        c.licenses().validate(&k, None).await.map(|a| a.confirmed)
    })
    .await;
    let provider = Arc::new(LemonSqueezyProvider::new(client));
    through_facade("lemonsqueezy", provider, ValidateRequest::new(KEY)).await;
    within_bound("lemonsqueezy", &proxy);
}

async fn devpayr_load() {
    let emulator = devpayr::DevPayrEmulator::start_seeded().await;
    emulator
        .add_license(devpayr::LicenseSeed::new(KEY))
        .unwrap();
    let proxy = relay(&emulator.uri()).await.unwrap();
    let client = ::keyward_devpayr::Client::builder()
        .base_url(proxy.url().to_owned())
        .api_key(devpayr::GLOBAL_KEY)
        .build()
        .unwrap();
    through_client("devpayr has-paid", &client, |c, k| async move {
        c.has_paid(&k)
            .domain(DOMAIN)
            .send()
            .await
            .map(|c| c.is_paid())
    })
    .await;
    let provider = Arc::new(DevPayrProvider::new(client, devpayr::SEED_PROJECT).domain(DOMAIN));
    through_facade("devpayr", provider, ValidateRequest::new(KEY)).await;
    within_bound("devpayr", &proxy);
}

fn signed_client(
    emulator: &signed_license::SignedLicenseEmulator,
    url: String,
) -> ::keyward_signed_license::Client {
    let pem = emulator.public_key_pem();
    ::keyward_signed_license::Client::builder()
        .base_url(url)
        .api_key(ApiKey::new(emulator.api_key()).unwrap())
        .keys(::keyward_signed_license::KeySet::new(
            ::keyward_signed_license::PublicKey::from_pem("emulator", pem).unwrap(),
        ))
        .product_id(1)
        .build()
        .unwrap()
}

/// Verifications through one client: done, never refused as a replay.
async fn verify_all(client: &::keyward_signed_license::Client, count: usize) -> Vec<String> {
    let key = SecretLicenseKey::new(KEY);
    all(count, || {
        let (client, key) = (client.clone(), key.clone());
        async move {
            let reply = client.verify(&key, "load-host").await?;
            Ok(matches!(
                reply.answer(),
                ::keyward_signed_license::models::Answer::Done(())
            ))
        }
    })
    .await
}

async fn signed_load() {
    let emulator = signed_license::SignedLicenseEmulator::start().await;
    emulator.add_license(signed_license::LicenseSeed::new(KEY));
    let proxy = relay(&emulator.uri()).await.unwrap();
    let client = signed_client(&emulator, proxy.url().to_owned());
    let provider: Arc<dyn LicenseProvider> =
        Arc::new(SignedLicenseProvider::new(client.clone()).with_product_id(1));
    let activated = provider
        .activate(ActivateRequest::new(KEY, "load-host"))
        .await
        .unwrap();
    assert!(activated.instance().is_some(), "{activated:?}");
    report(
        "getkeymanager client verify",
        CALLERS,
        &verify_all(&client, CALLERS).await,
    );
    let request = ValidateRequest::new(KEY).instance_id("load-host");
    through_facade("getkeymanager", provider, request).await;
    let failures = verify_all(&client, SIGNED).await;
    let replays = failures.iter().filter(|f| f.contains("replay")).count();
    println!(
        "load: getkeymanager: {SIGNED} concurrent signed verifications, {replays} replay refusals"
    );
    report("getkeymanager signed verify", SIGNED, &failures);
    within_bound("getkeymanager", &proxy);
}

#[test]
fn dodo_under_load() {
    serial(dodo_load());
}

#[test]
fn lemonsqueezy_under_load() {
    serial(lemonsqueezy_load());
}

#[test]
fn devpayr_under_load() {
    serial(devpayr_load());
}

#[test]
fn signed_license_under_load() {
    serial(signed_load());
}
