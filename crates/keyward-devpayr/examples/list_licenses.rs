//! Create a license in a project, then list every license of the project, page after page:
//! against the DevPayr emulator (seeded with a project), so it runs with no account.
//!
//! `cargo run -p keyward-devpayr --example list_licenses`

use futures_util::TryStreamExt;
use keyward_devpayr::Client;
use keyward_devpayr::models::NewLicense;
use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = DevPayrEmulator::start_seeded().await;
    let client = Client::builder()
        .base_url(emulator.uri())
        .api_key(GLOBAL_KEY)
        .build()?;
    let licenses = client.licenses(SEED_PROJECT);

    let created = licenses.create(&NewLicense::new("Example license")).await?;
    println!(
        "created license {} (the key itself is never printed)",
        created.id
    );

    let all = licenses.stream();
    let mut all = std::pin::pin!(all);
    let mut count = 0;
    while let Some(license) = all.try_next().await? {
        count += 1;
        let title = license.title.as_deref().unwrap_or("(untitled)");
        println!("{} {title} {:?}", license.id, license.status);
    }
    println!("{count} licenses in project {SEED_PROJECT}");
    Ok(())
}
