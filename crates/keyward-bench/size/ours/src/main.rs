//! `size-ours <base-url> <license-key>`: validates the key through the keyward facade and prints
//! `valid` or `invalid`.

use keyward::{LemonSqueezyProvider, LicenseProvider, ValidateRequest};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(key)) = (args.next(), args.next()) else {
        return Err("usage: size-ours <base-url> <license-key>".into());
    };
    let client = keyward::lemonsqueezy::Client::builder()
        .base_url(base)
        .build()?;
    let provider = LemonSqueezyProvider::new(client);
    let outcome = provider.validate(ValidateRequest::new(key)).await?;
    println!(
        "{}",
        if outcome.is_valid() {
            "valid"
        } else {
            "invalid"
        }
    );
    Ok(())
}
