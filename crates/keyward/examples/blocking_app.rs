//! A blocking app (no `#[tokio::main]`, no `.await`), as in a desktop GUI or a build script:
//! `keyward::blocking::BlockingProvider` runs the provider on its own small runtime.
//!
//! Only the emulator, which stands in for Dodo Payments here, needs an async runtime: it runs on
//! one of its own.
//!
//! `cargo run -p keyward --features blocking,dodo --example blocking_app`

use std::sync::Arc;

use keyward::blocking::BlockingProvider;
use keyward::{ActivateRequest, DeactivateRequest, DodoProvider, ValidateRequest};
use keyward_emulator::dodo::{DodoEmulator, LicenseSeed};

const KEY: &str = "EXAMPLE-KEY-0001";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Stand-in for Dodo: the emulator, served by a runtime that lives until `main` returns.
    let server = tokio::runtime::Runtime::new()?;
    let emulator = server.block_on(DodoEmulator::start());
    emulator.add_license(LicenseSeed::new(KEY));

    // The app: plain function calls.
    let client = keyward::dodo::Client::builder()
        .base_url(emulator.uri())
        .build()?;
    let provider = BlockingProvider::new(Arc::new(DodoProvider::new(client)))?;

    let activated = provider.activate(ActivateRequest::new(KEY, "this computer"))?;
    let instance = activated.instance().ok_or("activation refused")?.clone();
    let outcome = provider.validate(ValidateRequest::new(KEY).instance_id(instance.id.clone()))?;
    println!("license valid: {}", outcome.is_valid());
    provider.deactivate(DeactivateRequest::new(KEY, instance.id))?;
    println!("deactivated");
    Ok(())
}
