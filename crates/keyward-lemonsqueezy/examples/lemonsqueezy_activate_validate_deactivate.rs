//! Activate a key on a device, validate it, then free the slot: against the Lemon Squeezy
//! emulator, so it runs with no account. Leave `base_url` out to talk to Lemon Squeezy itself.
//!
//! `cargo run -p keyward-lemonsqueezy --example lemonsqueezy_activate_validate_deactivate`

use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed};
use keyward_lemonsqueezy::{Client, Refusal, SecretLicenseKey};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = LemonSqueezyEmulator::start().await;
    emulator.add_license(LicenseSeed::new("EXAMPLE-KEY-0001").activation_limit(1));
    // The License API needs no API key.
    let client = Client::builder().base_url(emulator.uri()).build()?;
    let key = SecretLicenseKey::new("EXAMPLE-KEY-0001");

    let laptop = client.licenses().activate(&key, "Ada's laptop").await?;
    let instance = laptop.instance_id().ok_or("not activated")?.clone();
    println!("activated instance {}", instance.as_str());

    // A refusal is an answer (`Ok`), not an error.
    let desktop = client.licenses().activate(&key, "Ada's desktop").await?;
    if desktop.refusal() == Some(&Refusal::ActivationLimitReached) {
        println!("second device refused: limit reached");
    }

    let check = client.licenses().validate(&key, Some(&instance)).await?;
    println!("valid on the laptop: {}", check.is_accepted());

    client.licenses().deactivate(&key, &instance).await?;
    let check = client.licenses().validate(&key, Some(&instance)).await?;
    println!("after deactivating: {:?}", check.refusal());
    Ok(())
}
