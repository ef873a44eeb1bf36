//! `--dodo-webhook-url` / `--lemonsqueezy-webhook-url`: the emulators POST signed webhooks to
//! the user's handler. The secrets come from the environment (`DODO_WEBHOOK_SECRET`,
//! `LEMONSQUEEZY_WEBHOOK_SECRET`), never from the command line, where `ps` shows them.

use keyward_emulator::dodo::DodoEmulator;
use keyward_emulator::lemonsqueezy::LemonSqueezyEmulator;
use keyward_emulator::{Emulator, SendsWebhooks, WebhookTarget};

use crate::cli::EmulateArgs;

/// The variable holding the Dodo signing secret (`whsec_…`).
pub(super) const DODO_SECRET_VAR: &str = "DODO_WEBHOOK_SECRET";
/// The variable holding the Lemon Squeezy signing secret.
pub(super) const LEMONSQUEEZY_SECRET_VAR: &str = "LEMONSQUEEZY_WEBHOOK_SECRET";

/// Points the emulators at the webhook URLs asked for, each signed with the secret its
/// environment variable holds; returns `(provider, url)` for the printout.
pub(super) fn apply(
    args: &EmulateArgs,
    dodo: &DodoEmulator,
    lemonsqueezy: &LemonSqueezyEmulator,
) -> Result<Vec<(&'static str, String)>, String> {
    let mut targets = Vec::new();
    if let Some(url) = &args.dodo_webhook_url {
        target(dodo, url, "--dodo-webhook-url", DODO_SECRET_VAR)?;
        targets.push(("dodo", url.clone()));
    }
    if let Some(url) = &args.lemonsqueezy_webhook_url {
        let flag = "--lemonsqueezy-webhook-url";
        target(lemonsqueezy, url, flag, LEMONSQUEEZY_SECRET_VAR)?;
        targets.push(("lemonsqueezy", url.clone()));
    }
    Ok(targets)
}

fn target<P: SendsWebhooks>(
    emulator: &Emulator<P>,
    url: &str,
    flag: &str,
    var: &str,
) -> Result<(), String> {
    let secret = std::env::var(var)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            format!(
                "{flag} needs the signing secret in the environment variable {var} (not a flag: \
             the command line is visible to other users in `ps`)"
            )
        })?;
    emulator
        .set_webhooks(WebhookTarget::new(url, secret))
        .map_err(|e| format!("{flag}: {e} ({var})"))
}
