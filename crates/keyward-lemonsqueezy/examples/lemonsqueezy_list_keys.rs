//! List every license key, page after page, with the admin API (bearer API key): against the
//! Lemon Squeezy emulator, so it runs with no account.
//!
//! `cargo run -p keyward-lemonsqueezy --example lemonsqueezy_list_keys`

use futures_util::TryStreamExt;
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use keyward_lemonsqueezy::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = LemonSqueezyEmulator::start().await;
    for n in 1..=5 {
        emulator.add_license(LicenseSeed::new(format!("EXAMPLE-KEY-{n:04}")));
    }
    let client = Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;

    // Two per page: the stream asks for the next page when it needs it.
    let keys = client.license_keys().list().per_page(2).stream();
    let mut keys = std::pin::pin!(keys);
    let mut count = 0;
    while let Some(key) = keys.try_next().await? {
        count += 1;
        let attributes = &key.attributes;
        println!(
            "{} {:?} (short key {})",
            key.id.get(),
            attributes.status,
            attributes.key_short
        );
    }
    println!("{count} keys");
    Ok(())
}
