//! The command line.

use clap::{Parser, Subcommand, ValueEnum};

/// Manage and check license keys at Dodo Payments, Lemon Squeezy, DevPayr or a GetKeyManager
/// server, through one interface.
///
/// Credentials come from the environment, never from arguments: DODO_PAYMENTS_API_KEY,
/// LEMONSQUEEZY_API_KEY, DEVPAYR_API_KEY, GETKEYMANAGER_API_KEY (with
/// GETKEYMANAGER_PUBLIC_KEY_FILE, the pinned product public key). A license key given as `-` is
/// read from standard input.
#[derive(Debug, Parser)]
#[command(name = "licensectl", version)]
pub(crate) struct Cli {
    /// The provider to talk to.
    #[arg(long, short, value_enum, env = "LICENSECTL_PROVIDER", global = true)]
    pub provider: Option<ProviderName>,

    /// Override the provider's base URL (required for GetKeyManager, which is self-hosted).
    #[arg(long, env = "LICENSECTL_BASE_URL", global = true)]
    pub base_url: Option<String>,

    /// DevPayr: the project the licenses belong to.
    #[arg(long, env = "DEVPAYR_PROJECT_ID", global = true)]
    pub project: Option<u64>,

    /// Print JSON instead of text.
    #[arg(long, global = true)]
    pub json: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProviderName {
    /// Dodo Payments.
    Dodo,
    /// Lemon Squeezy.
    Lemonsqueezy,
    /// DevPayr.
    Devpayr,
    /// A GetKeyManager server (RSA-signed answers).
    SignedLicense,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the demo: every provider's emulator on loopback, the same licensing flow through one
    /// interface. Needs no account and no network.
    Demo,
    /// What the provider supports.
    Capabilities,
    /// Check a license key. Exit code 0 when valid, 1 when invalid.
    Validate {
        /// The license key; `-` reads it from standard input, which keeps it out of the process
        /// list and the shell history.
        key: String,
        /// The activation to check against.
        #[arg(long)]
        instance_id: Option<String>,
        /// The machine or domain to check for (DevPayr: the domain).
        #[arg(long)]
        instance_name: Option<String>,
    },
    /// Activate a license key on a machine. Exit code 0 when activated, 1 when refused.
    Activate {
        /// The license key; `-` reads it from standard input, which keeps it out of the process
        /// list and the shell history.
        key: String,
        /// A name for this activation (machine name, domain).
        instance_name: String,
    },
    /// Free an activation.
    Deactivate {
        /// The license key; `-` reads it from standard input, which keeps it out of the process
        /// list and the shell history.
        key: String,
        /// The activation to free.
        instance_id: String,
    },
    /// Show one license by the provider's id.
    Get {
        /// The provider's license id.
        id: String,
    },
    /// List licenses, one page.
    List {
        /// The page: a number or the cursor printed by the previous page.
        #[arg(long)]
        page: Option<String>,
        /// How many per page.
        #[arg(long)]
        page_size: Option<u32>,
    },
    /// List a license's activations.
    Instances {
        /// The provider's license id.
        license_id: String,
    },
}
