//! `cargo xtask examples`: build every example, then run each one. Every example starts the
//! emulator it needs on loopback, so no account or network is needed.

use crate::run;

/// Environment variables an example runs with.
type Env = &'static [(&'static str, &'static str)];

/// (package, example, environment) for every example to run.
const EXAMPLES: &[(&str, &str, Env)] = &[
    ("keyward-dodo", "dodo_activate_validate_deactivate", &[]),
    ("keyward-dodo", "dodo_list_keys", &[]),
    ("keyward-dodo", "dodo_verify_webhook", &[]),
    (
        "keyward-lemonsqueezy",
        "lemonsqueezy_activate_validate_deactivate",
        &[],
    ),
    ("keyward-lemonsqueezy", "lemonsqueezy_list_keys", &[]),
    ("keyward-lemonsqueezy", "lemonsqueezy_verify_webhook", &[]),
    ("keyward-devpayr", "list_licenses", &[]),
    (
        "keyward",
        "provider_from_env",
        &[("KEYWARD_PROVIDER", "dodo")],
    ),
    (
        "keyward",
        "provider_from_env",
        &[("KEYWARD_PROVIDER", "lemonsqueezy")],
    ),
    (
        "keyward",
        "provider_from_env",
        &[("KEYWARD_PROVIDER", "devpayr")],
    ),
    (
        "keyward",
        "provider_from_env",
        &[("KEYWARD_PROVIDER", "signed-license")],
    ),
    ("keyward", "blocking_app", &[]),
    // The axum webhook server, fed by the Dodo and Lemon Squeezy emulators' webhooks.
    ("keyward", "webhook_server", &[]),
];

/// Builds all examples (all features, as CI's other steps), then runs each with the same
/// features so nothing is rebuilt.
pub(crate) fn run_all() -> Result<(), String> {
    run(
        "cargo",
        &["build", "--workspace", "--examples", "--all-features"],
        &[],
    )?;
    for (package, example, env) in EXAMPLES {
        run(
            "cargo",
            &[
                "run",
                "--quiet",
                "--all-features",
                "--package",
                package,
                "--example",
                example,
            ],
            env,
        )?;
    }
    Ok(())
}
