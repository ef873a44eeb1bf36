//! `licensectl`: license keys at Dodo Payments, Lemon Squeezy, DevPayr or a GetKeyManager server,
//! through one interface; `licensectl demo` runs the whole flow against local emulators.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

mod cli;
mod commands;
mod demo;
mod demo_setup;
mod output;
mod providers;

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
    let provider = match providers::from_cli(&cli) {
        Ok(provider) => provider,
        Err(e) => {
            err(&format!("licensectl: {e}"));
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match commands::run(provider.as_ref(), cli.command, cli.json).await {
        Ok(outcome) => {
            out(&outcome.text);
            if outcome.affirmative {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_NO)
            }
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
