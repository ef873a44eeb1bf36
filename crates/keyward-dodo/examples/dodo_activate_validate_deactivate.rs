//! Activate a key on a device, validate it, then free the slot: against the Dodo emulator, so it
//! runs with no account. Point `base_url` at nothing (the default) to talk to Dodo itself.
//!
//! `cargo run -p keyward-dodo --example dodo_activate_validate_deactivate`

use keyward_core::SecretLicenseKey;
use keyward_dodo::{Client, DodoErrorExt};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = DodoEmulator::start().await;
    emulator.add_license(LicenseSeed::new("EXAMPLE-KEY-0001").activation_limit(1));
    let client = Client::builder().base_url(emulator.uri()).build()?;
    let key = SecretLicenseKey::new("EXAMPLE-KEY-0001");

    let instance = client.licenses().activate(&key, "Ada's laptop").await?;
    println!("activated instance {}", instance.id);

    match client.licenses().activate(&key, "Ada's desktop").await {
        Err(e) if e.is_activation_limit_reached() => {
            println!("second device refused: limit reached")
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    let check = client.licenses().validate(&key, Some(&instance.id)).await?;
    println!("valid on the laptop: {}", check.valid);

    client.licenses().deactivate(&key, &instance.id).await?;
    let check = client.licenses().validate(&key, Some(&instance.id)).await?;
    println!("valid after deactivating: {}", check.valid);
    Ok(())
}
