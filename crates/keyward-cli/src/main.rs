//! `licensectl`: license keys at Dodo Payments, Lemon Squeezy, DevPayr or a GetKeyManager server,
//! through one interface; `licensectl demo` runs the whole flow against local emulators.
//!
//! # Feature flags
//!
//! - `rustls` (default): TLS through rustls, with aws-lc-rs.
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux, Secure Transport on
//!   macOS, SChannel on Windows): `cargo install keyward-cli --no-default-features --features
//!   native-tls` builds no rustls.
//! - `http2` (default): HTTP/2 to the providers, offered over TLS (ALPN).
//!
//! The system's proxy (`HTTPS_PROXY`, `NO_PROXY`, …) is followed.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use keyward_core::LicenseError;

mod admin;
mod cli;
mod commands;
mod demo;
mod demo_gumroad;
mod demo_keygen;
mod demo_setup;
mod emulate;
mod listing;
mod migrate;
mod output;
mod providers;
#[cfg(test)]
mod testing;

use cli::{Cli, Command};

/// Exit code for an invalid license or a refused activation.
const EXIT_NO: u8 = 1;
/// Exit code for an error: the answer could not be obtained.
const EXIT_ERROR: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Demo) {
        return match demo::run().await {
            Ok(report) => {
                out(&report);
                ExitCode::SUCCESS
            }
            Err(report) => {
                err(&report);
                ExitCode::from(EXIT_ERROR)
            }
        };
    }
    let command = match cli.command {
        Command::Emulate(args) => {
            return match emulate::run(args, cli.json).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    err(&format!("licensectl emulate: {message}"));
                    ExitCode::from(EXIT_ERROR)
                }
            };
        }
        Command::Migrate(args) => {
            return finish(
                migrate::run(args, cli.project, cli.json).await,
                "the target",
            );
        }
        command => command,
    };
    let provider = match providers::from_cli(cli.provider, cli.base_url.as_deref(), cli.project) {
        Ok(provider) => provider,
        Err(e) => {
            err(&format!("licensectl: {e}"));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let name = provider.app().provider().as_str();
    finish(commands::run(&provider, command, cli.json).await, name)
}

/// Prints a command's outcome and gives its exit code: 0 yes, 1 no, 2 error. An operation the
/// provider lacks says so in words a script can look for.
fn finish(result: Result<commands::Outcome, LicenseError>, provider: &str) -> ExitCode {
    match result {
        Ok(outcome) => {
            // Nothing to print is no line at all: an empty export is an empty file.
            if !outcome.text.is_empty() {
                out(&outcome.text);
            }
            if outcome.affirmative {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_NO)
            }
        }
        Err(e) if e.is_unsupported() => {
            let provider = e.provider().unwrap_or(provider);
            err(&format!("licensectl: not supported by {provider}: {e}"));
            ExitCode::from(EXIT_ERROR)
        }
        Err(e) => {
            err(&format!("licensectl: {e}"));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Prints a line to standard output. A closed pipe (`licensectl list | head -1`) is not a
/// reason to panic and lose the exit code: the reader has seen what it wanted.
fn out(text: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// Prints a line to standard error, like [`out`].
fn err(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
