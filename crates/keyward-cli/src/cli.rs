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
    /// Polar (`POLAR_ORGANIZATION_ID`; `POLAR_ACCESS_TOKEN` for the admin commands).
    Polar,
    /// Creem (`CREEM_API_KEY`, the secret key: licensectl runs on your side).
    Creem,
    /// Gumroad (`GUMROAD_PRODUCT_ID`; `GUMROAD_ACCESS_TOKEN` for enable and disable).
    Gumroad,
    /// DevPayr.
    Devpayr,
    /// A GetKeyManager server (RSA-signed answers).
    SignedLicense,
    /// Keygen (Ed25519-signed answers).
    Keygen,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the demo: every provider's emulator on loopback, the same licensing flow through one
    /// interface. Needs no account and no network.
    Demo,
    /// Run the emulators on loopback until Ctrl-C or SIGTERM, for other programs and
    /// languages to use: prints their URLs, test keys and the environment lines to paste.
    Emulate(EmulateArgs),
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
        /// The provider's license id; `-` reads it from standard input (Gumroad's is the
        /// license key: pass it this way).
        id: String,
    },
    /// List licenses, one page (or every page with `--all`).
    List {
        /// The page: a number or the cursor printed by the previous page.
        #[arg(long, conflicts_with = "all")]
        page: Option<String>,
        /// How many per page.
        #[arg(long)]
        page_size: Option<u32>,
        /// Walk every page (a progress count on standard error when it is a terminal).
        #[arg(long)]
        all: bool,
    },
    /// Create a license. The provider generates the key unless `--key-file` gives one.
    Create(CreateArgs),
    /// Import an existing key: like `create`, the key read from `--key-file` (`-` for standard
    /// input), never from the command line.
    Import(CreateArgs),
    /// Change a license's activation limit or expiry.
    Update {
        /// The provider's license id; `-` reads it from standard input (Gumroad's is the
        /// license key: pass it this way).
        id: String,
        /// The new activation limit.
        #[arg(long, conflicts_with = "unlimited")]
        limit: Option<u32>,
        /// No activation limit.
        #[arg(long)]
        unlimited: bool,
        /// The new expiry (RFC 3339, e.g. 2027-01-31T00:00:00Z).
        #[arg(long, conflicts_with = "never_expires")]
        expires_at: Option<String>,
        /// No expiry.
        #[arg(long)]
        never_expires: bool,
    },
    /// Disable a license: it stops validating.
    Disable {
        /// The provider's license id; `-` reads it from standard input (Gumroad's is the
        /// license key: pass it this way).
        id: String,
    },
    /// Enable a disabled license again.
    Enable {
        /// The provider's license id; `-` reads it from standard input (Gumroad's is the
        /// license key: pass it this way).
        id: String,
    },
    /// Every license of the provider, as JSON Lines or CSV on standard output.
    Export {
        /// The format.
        #[arg(long, value_enum, default_value = "jsonl")]
        format: ExportFormat,
        /// Include the full license keys (a warning goes to standard error).
        #[arg(long)]
        include_keys: bool,
    },
    /// Copy every license from one provider to another, the same key text, limit and expiry.
    /// A dry run unless `--apply`.
    Migrate(MigrateArgs),
    /// List a license's activations.
    Instances {
        /// The provider's license id; `-` reads it from standard input.
        license_id: String,
    },
}

/// What `create` and `import` take.
#[derive(Debug, clap::Args)]
pub(crate) struct CreateArgs {
    /// A file holding the key (its first line); `-` reads standard input.
    #[arg(long)]
    pub key_file: Option<String>,
    /// The product the license is for.
    #[arg(long)]
    pub product: Option<String>,
    /// The customer it belongs to (Dodo needs one).
    #[arg(long)]
    pub customer: Option<String>,
    /// A title (DevPayr needs one).
    #[arg(long)]
    pub title: Option<String>,
    /// How many activations; unlimited when absent.
    #[arg(long)]
    pub limit: Option<u32>,
    /// When it expires (RFC 3339); never when absent.
    #[arg(long)]
    pub expires_at: Option<String>,
}

/// What `emulate` takes. Ports left out are free ones chosen at start.
#[derive(Debug, clap::Args)]
pub(crate) struct EmulateArgs {
    /// The first of nine consecutive ports: Dodo, Lemon Squeezy, DevPayr, GetKeyManager, the
    /// control API, then Keygen, Polar, Creem and Gumroad (the flags below override one each).
    #[arg(long)]
    pub port: Option<u16>,
    /// Dodo Payments' port.
    #[arg(long)]
    pub dodo_port: Option<u16>,
    /// Lemon Squeezy's port.
    #[arg(long)]
    pub lemonsqueezy_port: Option<u16>,
    /// Polar's port (default `--port` + 6).
    #[arg(long)]
    pub polar_port: Option<u16>,
    /// Creem's port (default `--port` + 7).
    #[arg(long)]
    pub creem_port: Option<u16>,
    /// Gumroad's port (default `--port` + 8).
    #[arg(long)]
    pub gumroad_port: Option<u16>,
    /// DevPayr's port.
    #[arg(long)]
    pub devpayr_port: Option<u16>,
    /// GetKeyManager's port.
    #[arg(long)]
    pub signed_license_port: Option<u16>,
    /// Keygen's port (default `--port` + 5).
    #[arg(long)]
    pub keygen_port: Option<u16>,
    /// The control API's port (`/_emulator/…`).
    #[arg(long)]
    pub control_port: Option<u16>,
    /// A seed file (JSON): keys, products, limits and expiries per provider; the demo's keys
    /// when absent.
    #[arg(long)]
    pub seed: Option<std::path::PathBuf>,
    /// Where to write GetKeyManager's public key (PEM); a temporary file when absent.
    #[arg(long)]
    pub public_key_file: Option<std::path::PathBuf>,
    /// POSTs Dodo's webhooks here, signed with the `whsec_…` secret in `DODO_WEBHOOK_SECRET`.
    #[arg(long)]
    pub dodo_webhook_url: Option<String>,
    /// POSTs Lemon Squeezy's webhooks here, signed with `LEMONSQUEEZY_WEBHOOK_SECRET`.
    #[arg(long)]
    pub lemonsqueezy_webhook_url: Option<String>,
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExportFormat {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

/// What `migrate` takes.
#[derive(Debug, clap::Args)]
pub(crate) struct MigrateArgs {
    /// The provider the licenses are read from.
    #[arg(long, value_enum)]
    pub from: ProviderName,
    /// The provider the licenses are created at.
    #[arg(long, value_enum)]
    pub to: ProviderName,
    /// The source provider's base URL, if not its default.
    #[arg(long)]
    pub from_base_url: Option<String>,
    /// The target provider's base URL, if not its default.
    #[arg(long)]
    pub to_base_url: Option<String>,
    /// The mapping file (JSON): source product ids to target product ids, and target customers.
    #[arg(long)]
    pub mapping: std::path::PathBuf,
    /// The journal (JSON Lines): what was done, so a rerun skips it. Its header binds it to this
    /// migration (providers, base URLs, environment, account, mapping); a run holds a lock on it.
    #[arg(long, default_value = "licensectl-migration.jsonl")]
    pub journal: std::path::PathBuf,
    /// Do it; without this flag a dry run: the target is read, the plan written, nothing created.
    #[arg(long)]
    pub apply: bool,
    /// Leave licenses of unmapped products behind instead of stopping.
    #[arg(long)]
    pub skip_unmapped: bool,
    /// The plan (JSON Lines). A dry run writes it (by default beside the journal, as
    /// `<journal>.plan.jsonl`); with `--apply` only what it says is done.
    #[arg(long)]
    pub plan: Option<std::path::PathBuf>,
    /// Creates in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Creates a second at most, across all of them (0: no limit). By default 20: neither Dodo
    /// nor GetKeyManager documents a limit. A `429` pauses every create for its `Retry-After`
    /// whatever the rate.
    #[arg(long, value_name = "PER_SECOND", value_parser = rate)]
    pub rate: Option<f64>,
    /// The same refusal (or failure) this many times in a row stops the run.
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..))]
    pub breaker: u32,
    /// Try again the licenses the target refused in an earlier run (they stay refused
    /// otherwise).
    #[arg(long)]
    pub retry_refused: bool,
    /// Go on with a journal written under another mapping (fixed after a refusal); without
    /// it a changed mapping is refused.
    #[arg(long)]
    pub mapping_changed: bool,
}

/// A `--rate`: a finite number, 0 or more.
fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate >= 0.0 => Ok(rate),
        _ => Err(String::from(
            "a number of creates a second, 0 or more (0: no limit)",
        )),
    }
}
