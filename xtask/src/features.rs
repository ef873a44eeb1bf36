//! `cargo xtask features`: the feature combinations that matter, checked (`cargo check`, one
//! target dir), and the TLS choice proved in the dependency tree: with `native-tls` alone no
//! rustls, with no TLS feature neither stack.

use std::process::{Command, Output};
use std::time::Instant;

use crate::workspace_root;

/// Checked together in each TLS choice: the transport, each provider, and licensectl (which holds
/// the facade with every provider and the guard). Each gets the same TLS flags and none needs a
/// feature of another beyond them, so checking them at once hides nothing.
const TOGETHER: &[&str] = &[
    "keyward-http",
    "keyward-dodo",
    "keyward-lemonsqueezy",
    "keyward-devpayr",
    "keyward-signed-license",
    "keyward-cli",
];

/// Every package with the `rustls` (default) and `native-tls` features, for the tree checks:
/// those checked together and the facade.
fn tls_packages() -> impl Iterator<Item = &'static str> {
    TOGETHER.iter().copied().chain(["keyward"])
}

/// The TLS choices the other CI steps do not build: none, and native-tls alone. (Default
/// features, rustls, are built by `cargo package`'s verification of every crate; both at once by
/// clippy and the tests, which run with `--all-features`.)
const TLS_CHOICES: &[&[&str]] = &[
    &["--no-default-features"],
    &["--no-default-features", "--features", "native-tls"],
];

/// The facade's optional parts, each checked alone (with native-tls, the less travelled TLS).
const FACADE_FEATURES: &[&str] = &[
    "dodo",
    "lemonsqueezy",
    "devpayr",
    "signed-license",
    "guard",
    "blocking",
];

/// The facade with every part on but native-tls for TLS: the tree that must hold no rustls.
const FACADE_NATIVE: &str = "native-tls,dodo,lemonsqueezy,devpayr,signed-license,guard,blocking";

/// Checks every combination, then the dependency trees.
pub(crate) fn run_all() -> Result<(), String> {
    let started = Instant::now();
    for choice in TLS_CHOICES {
        check(TOGETHER, choice)?;
        // The facade on its own: without default features it holds no provider at all, which
        // licensectl's choice of facade features would hide.
        check(&["keyward"], choice)?;
    }
    for feature in FACADE_FEATURES {
        let features = format!("native-tls,{feature}");
        check(
            &["keyward"],
            &["--no-default-features", "--features", &features],
        )?;
    }
    let checked = started.elapsed().as_secs();
    for package in tls_packages() {
        // keyward-http's own dev-dependencies hold a rustls TLS server (its root-certificate
        // test): its tree is read without dev edges. Every other package is read with them too.
        let edges = if package == "keyward-http" {
            "normal,build,features"
        } else {
            "features"
        };
        assert_tree(package, edges, &["--features", "native-tls"], &["rustls"])?;
        assert_tree(package, edges, &[], &["rustls", "native-tls", "openssl"])?;
    }
    assert_tree(
        "keyward",
        "features",
        &["--features", FACADE_NATIVE],
        &["rustls"],
    )?;
    println!(
        "xtask features: every combination checked in {checked} s, no stray TLS stack ({} s in all)",
        started.elapsed().as_secs()
    );
    Ok(())
}

/// `cargo check` of `packages` with `flags`; a warning fails it too (the rest of CI denies
/// warnings with every feature on, not in these combinations).
fn check(packages: &[&str], flags: &[&str]) -> Result<(), String> {
    let mut args = vec!["check", "--quiet"];
    for package in packages {
        args.extend(["--package", package]);
    }
    args.extend_from_slice(flags);
    let output = cargo(&args)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprint!("{stderr}");
    if !output.status.success() {
        return Err(format!("`cargo {}` failed", args.join(" ")));
    }
    if stderr.lines().any(is_warning) {
        return Err(format!("`cargo {}` printed warnings", args.join(" ")));
    }
    Ok(())
}

/// Runs `cargo <args>` in the workspace root, its output captured.
fn cargo(args: &[&str]) -> Result<Output, String> {
    println!("$ cargo {}", args.join(" "));
    Command::new("cargo")
        .args(args)
        .current_dir(workspace_root())
        .output()
        .map_err(|e| format!("could not start `cargo {}`: {e}", args[0]))
}

/// Whether a line of cargo's output opens a warning (rustc's or cargo's own).
fn is_warning(line: &str) -> bool {
    line.starts_with("warning:") || line.starts_with("warning[")
}

/// `cargo tree -e <edges> -p <package> --no-default-features <flags>` must not mention any of
/// `banned` (case-insensitive). `rustls-pki-types` is allowed: a crate of certificate and key
/// types, no TLS code, that reqwest's native-tls path depends on too.
fn assert_tree(package: &str, edges: &str, flags: &[&str], banned: &[&str]) -> Result<(), String> {
    let mut args = vec![
        "tree",
        "--edges",
        edges,
        "--package",
        package,
        "--no-default-features",
    ];
    args.extend_from_slice(flags);
    let output = cargo(&args)?;
    if !output.status.success() {
        return Err(format!(
            "`cargo {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let tree = String::from_utf8_lossy(&output.stdout);
    let stray = stray_lines(&tree, banned);
    if stray.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` pulls in {}:\n{}",
            args.join(" "),
            banned.join(" or "),
            stray.join("\n")
        ))
    }
}

/// The lines of a `cargo tree` output that mention a banned name (rustls-pki-types aside).
fn stray_lines<'a>(tree: &'a str, banned: &[&str]) -> Vec<&'a str> {
    let mut lines: Vec<&str> = tree
        .lines()
        .filter(|line| {
            let line = line.to_ascii_lowercase().replace("rustls-pki-types", "");
            banned.iter().any(|name| line.contains(name))
        })
        .collect();
    lines.sort_unstable();
    lines.dedup();
    lines
}

#[cfg(test)]
mod tests {
    use super::{is_warning, stray_lines};

    #[test]
    fn warnings_are_recognised() {
        assert!(is_warning("warning: unused import: `adapters::*`"));
        assert!(is_warning("warning[E0001]: something"));
        assert!(!is_warning(
            "   = note: requested on the command line with `-W unreachable-pub`"
        ));
        assert!(!is_warning("$ cargo check --quiet --package keyward"));
    }

    #[test]
    fn only_real_tls_stacks_are_stray() {
        let tree = "keyward v0.1.0\n├── reqwest feature \"__rustls\"\n│   └── rustls-pki-types v1.16.0\n├── hyper-rustls v0.27.10\n└── native-tls v0.2.18\n";
        assert_eq!(
            stray_lines(tree, &["rustls"]),
            vec![
                "├── hyper-rustls v0.27.10",
                "├── reqwest feature \"__rustls\""
            ]
        );
        assert_eq!(
            stray_lines(tree, &["native-tls"]),
            vec!["└── native-tls v0.2.18"]
        );
        assert!(
            stray_lines(
                "keyward v0.1.0\n└── rustls-pki-types v1.16.0\n",
                &["rustls"]
            )
            .is_empty()
        );
    }
}
