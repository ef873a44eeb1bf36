//! `cargo xtask features`: the feature combinations that matter, checked (`cargo check`, one
//! target dir), and the TLS and HTTP/2 choices proved in the dependency tree: with `native-tls`
//! alone no rustls, with no TLS feature neither stack, HTTP/2 (`h2`) only with `http2`.

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
    "keyward-polar",
    "keyward-creem",
    "keyward-gumroad",
    "keyward-devpayr",
    "keyward-signed-license",
    "keyward-keygen",
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
    "polar",
    "creem",
    "gumroad",
    "devpayr",
    "signed-license",
    "keygen",
    "guard",
    "blocking",
    "axum",
    "redis",
];

/// The emulator's providers, each built alone (as an app's dev-dependency on one provider's
/// emulator builds it), and none.
const EMULATOR_FEATURES: &[&str] = &[
    "",
    "dodo",
    "lemonsqueezy",
    "polar",
    "creem",
    "gumroad",
    "devpayr",
    "signed-license",
    "keygen",
];

/// The facade with every part on but native-tls for TLS: the tree that must hold no rustls.
const FACADE_NATIVE: &str = "native-tls,dodo,lemonsqueezy,polar,creem,gumroad,devpayr,signed-license,keygen,guard,blocking,axum,redis";

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
    for feature in EMULATOR_FEATURES {
        let mut args = vec!["--no-default-features"];
        if !feature.is_empty() {
            args.extend(["--features", feature]);
        }
        check(&["keyward-emulator"], &args)?;
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
    // HTTP/2 is opt-in everywhere but licensectl (whose default turns it on): absent from the
    // library crates' default trees (dev edges aside: the emulators' server speaks it), present
    // once `http2` is asked for.
    for package in tls_packages().filter(|p| *p != "keyward-cli") {
        let features = if package == "keyward" {
            "rustls,dodo,lemonsqueezy,polar,creem,gumroad,devpayr,signed-license,keygen,guard,blocking,axum,redis"
        } else {
            "rustls"
        };
        assert_tree(
            package,
            "normal,build,features",
            &["--features", features],
            HTTP2,
        )?;
        let with_http2 = format!("{features},http2");
        let tree = tree(
            package,
            "normal,build,features",
            &["--features", &with_http2],
        )?;
        if stray_lines(&tree, HTTP2).is_empty() {
            return Err(format!("{package} with `http2` builds no HTTP/2"));
        }
    }
    println!(
        "xtask features: every combination checked in {checked} s, no stray TLS stack ({} s in all)",
        started.elapsed().as_secs()
    );
    Ok(())
}

/// What HTTP/2 looks like in a `cargo tree --edges features` output: the `h2` crate and
/// reqwest's (or hyper's) `http2` feature.
const HTTP2: &[&str] = &["h2 v", "feature \"http2\""];

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
    let tree = tree(package, edges, flags)?;
    let stray = stray_lines(&tree, banned);
    if stray.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "`cargo tree` of {package} ({}) pulls in {}:\n{}",
            flags.join(" "),
            banned.join(" or "),
            stray.join("\n")
        ))
    }
}

/// The output of `cargo tree -e <edges> -p <package> --no-default-features <flags>`.
fn tree(package: &str, edges: &str, flags: &[&str]) -> Result<String, String> {
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
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
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
    use super::{HTTP2, is_warning, stray_lines};

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

    #[test]
    fn http2_is_the_h2_crate_or_the_http2_feature() {
        let tree = "keyward-http v0.1.0\n├── reqwest feature \"http2\"\n│   └── h2 v0.4.13\n├── sha2 v0.10.9\n└── hyper feature \"http1\"\n";
        assert_eq!(
            stray_lines(tree, HTTP2),
            vec!["│   └── h2 v0.4.13", "├── reqwest feature \"http2\""]
        );
    }
}
