//! `licensectl`: license keys at Dodo Payments, Lemon Squeezy, DevPayr or a GetKeyManager server,
//! through one interface; `licensectl demo` runs the whole flow against local emulators.

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
                println!("{report}");
                ExitCode::SUCCESS
            }
            Err(report) => {
                eprintln!("{report}");
                ExitCode::from(EXIT_ERROR)
            }
        };
    }
    let provider = match providers::from_cli(&cli) {
        Ok(provider) => provider,
        Err(e) => {
            eprintln!("licensectl: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match commands::run(provider.as_ref(), cli.command, cli.json).await {
        Ok(outcome) => {
            println!("{}", outcome.text);
            if outcome.affirmative {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_NO)
            }
        }
        Err(e) => {
            eprintln!("licensectl: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
