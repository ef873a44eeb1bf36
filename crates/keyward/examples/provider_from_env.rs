//! The facade chosen by configuration: `KEYWARD_PROVIDER` (`dodo`, `lemonsqueezy`, `devpayr` or
//! `signed-license`; default `dodo`) picks the provider, and the same code activates, validates
//! and deactivates through `Arc<dyn LicenseProvider>`. Each provider's emulator is started here,
//! so it runs with no account; in an app, the base URL and API key would come from configuration
//! too.
//!
//! `KEYWARD_PROVIDER=lemonsqueezy cargo run -p keyward --example provider_from_env \
//!     --features dodo,lemonsqueezy,devpayr,signed-license`

use std::sync::Arc;

use keyward::devpayr::models::NewLicense;
use keyward::signed_license::{KeySet, PublicKey};
use keyward::{
    ActivateRequest, ActivationOutcome, DeactivateRequest, DevPayrProvider, DodoProvider,
    LemonSqueezyProvider, LicenseProvider, SignedLicenseProvider, ValidateRequest,
};
use keyward_emulator::devpayr::{DevPayrEmulator, GLOBAL_KEY, SEED_PROJECT};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed as DodoSeed};
use keyward_emulator::lemonsqueezy::{LemonSqueezyEmulator, LicenseSeed as LemonSeed};
use keyward_emulator::signed_license::{LicenseSeed as SignedSeed, SignedLicenseEmulator};

type Error = Box<dyn std::error::Error>;

const KEY: &str = "EXAMPLE-KEY-0001";

/// What the app needs: a provider, the key the user typed, and the running emulator (kept alive).
struct Setup {
    provider: Arc<dyn LicenseProvider>,
    key: String,
    instance_name: &'static str,
    _emulator: Box<dyn std::any::Any>,
}

async fn setup(name: &str) -> Result<Setup, Error> {
    let setup = match name {
        "dodo" => {
            let emulator = DodoEmulator::start().await;
            emulator.add_license(DodoSeed::new(KEY).activation_limit(2));
            let client = keyward::dodo::Client::builder()
                .base_url(emulator.uri())
                .build()?;
            let provider = Arc::new(DodoProvider::new(client));
            Setup {
                provider,
                key: KEY.into(),
                instance_name: "laptop",
                _emulator: Box::new(emulator),
            }
        }
        "lemonsqueezy" => {
            let emulator = LemonSqueezyEmulator::start().await;
            emulator.add_license(LemonSeed::new(KEY).activation_limit(2));
            let client = keyward::lemonsqueezy::Client::builder()
                .base_url(emulator.uri())
                .build()?;
            let provider = Arc::new(LemonSqueezyProvider::new(client));
            Setup {
                provider,
                key: KEY.into(),
                instance_name: "laptop",
                _emulator: Box::new(emulator),
            }
        }
        "devpayr" => {
            // DevPayr checks a license on a domain the seller registered (`app.example.com`).
            let emulator = DevPayrEmulator::start_seeded().await;
            let client = keyward::devpayr::Client::builder()
                .base_url(emulator.uri())
                .api_key(GLOBAL_KEY)
                .build()?;
            let license = client
                .licenses(SEED_PROJECT)
                .create(&NewLicense::new("Example"))
                .await?;
            let provider = Arc::new(DevPayrProvider::new(client, SEED_PROJECT));
            let key = license.uuid.expose().to_owned();
            Setup {
                provider,
                key,
                instance_name: "app.example.com",
                _emulator: Box::new(emulator),
            }
        }
        "signed-license" => {
            // GetKeyManager signs its answers; the client checks them with the server's public key.
            let emulator = SignedLicenseEmulator::start().await;
            emulator.add_license(SignedSeed::new(KEY).activation_limit(2));
            let keys = KeySet::new(PublicKey::from_pem("emulator", emulator.public_key_pem())?);
            let client = keyward::signed_license::Client::builder()
                .base_url(emulator.uri())
                .api_key(emulator.api_key())
                .keys(keys)
                .product_id(1)
                .build()?;
            let provider = Arc::new(SignedLicenseProvider::new(client));
            Setup {
                provider,
                key: KEY.into(),
                instance_name: "laptop",
                _emulator: Box::new(emulator),
            }
        }
        other => return Err(format!("unknown KEYWARD_PROVIDER `{other}`").into()),
    };
    Ok(setup)
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let name = std::env::var("KEYWARD_PROVIDER").unwrap_or_else(|_| "dodo".to_owned());
    let Setup {
        provider,
        key,
        instance_name,
        _emulator,
    } = setup(&name).await?;
    println!("provider: {}", provider.provider());

    // From here on the code is the same for every provider; ask what it can do.
    if !provider.capabilities().activate {
        // DevPayr: the seller registers domains; the app only validates on its own.
        let request = ValidateRequest::new(key.as_str()).instance_name(instance_name);
        let outcome = provider.validate(request).await?;
        println!("valid on {instance_name}: {}", outcome.is_valid());
        return Ok(());
    }
    let activated = provider
        .activate(ActivateRequest::new(key.as_str(), instance_name))
        .await?;
    let instance = match activated {
        ActivationOutcome::Activated { instance, .. } => instance,
        refused => return Err(format!("refused: {:?}", refused.reason()).into()),
    };
    println!("activated instance {}", instance.id);

    let request = ValidateRequest::new(key.as_str()).instance_id(instance.id.clone());
    let outcome = provider.validate(request).await?;
    println!("valid: {} ({:?})", outcome.is_valid(), outcome.reason());

    provider
        .deactivate(DeactivateRequest::new(key.as_str(), instance.id))
        .await?;
    println!("deactivated");
    Ok(())
}
