//! List every license key, page after page, with the admin API (bearer API key): against the Dodo
//! emulator, so it runs with no account.
//!
//! `cargo run -p keyward-dodo --example dodo_list_keys`

use futures_util::TryStreamExt;
use keyward_dodo::{Client, ListLicenseKeys};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = DodoEmulator::start().await;
    for n in 1..=5 {
        emulator.add_license(LicenseSeed::new(format!("EXAMPLE-KEY-{n:04}")));
    }
    let client = Client::builder()
        .base_url(emulator.uri())
        .api_key(emulator.api_key())
        .build()?;

    // Two per page: the stream asks for the next page when it needs it.
    let keys = client
        .license_keys()
        .list_all(ListLicenseKeys::new().page_size(2));
    let mut keys = std::pin::pin!(keys);
    let mut count = 0;
    while let Some(key) = keys.try_next().await? {
        count += 1;
        println!(
            "{} {:?} (activations: {})",
            key.id, key.status, key.instances_count
        );
    }
    println!("{count} keys");
    Ok(())
}
