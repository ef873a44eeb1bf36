//! `cargo package` of every published crate, verified the way a release would build them.
//!
//! `cargo package --workspace` "publishes" each crate into a temporary local registry under
//! `target/package/` and builds the dependents against it. Cargo extracts those crates into
//! `$CARGO_HOME/registry/src/-<hash of that registry's path>/<name>-<version>/` and never
//! extracts again while that folder exists: a second run from the same checkout path, with the
//! same version numbers, verifies the dependents against the first run's sources (seen on CI: a
//! constant added to keyward-core since the previous run was "missing"). The builds made from
//! those sources are trusted the same way. So the old extractions of our own crates are removed
//! first (nothing else in `$CARGO_HOME` is touched) and the packages are built in a target folder
//! of their own that starts empty each run (about a minute more than sharing `target/`).

use std::path::{Path, PathBuf};

/// Every package this workspace publishes (checked against the manifests by a test).
pub(crate) const PUBLISHED: &[&str] = &[
    "keyward-core",
    "keyward-http",
    "keyward-dodo",
    "keyward-lemonsqueezy",
    "keyward-devpayr",
    "keyward-signed-license",
    "keyward",
    "keyward-emulator",
    "keyward-cli",
];

/// Packages and verifies every published crate, in dependency order.
pub(crate) fn run() -> Result<(), String> {
    if let Some(cargo_home) = cargo_home() {
        remove_stale_extractions(&cargo_home)?;
    }
    let target = crate::workspace_root()
        .join("target")
        .join("package-verify");
    if target.exists() {
        std::fs::remove_dir_all(&target)
            .map_err(|e| format!("could not remove {}: {e}", target.display()))?;
    }
    crate::run(
        "cargo",
        &[
            "package",
            "--workspace",
            "--exclude",
            "license-bench",
            "--exclude",
            "license-test-support",
            "--exclude",
            "xtask",
            "--allow-dirty",
            "--target-dir",
            "target/package-verify",
        ],
        &[],
    )
}

/// `$CARGO_HOME`, or `~/.cargo` where it is not set.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

/// Removes earlier extractions of our packages from local registries (their folders under
/// `registry/src/` start with `-`: a local path has no host name); crates.io's are left alone.
/// Returns what was removed.
fn remove_stale_extractions(cargo_home: &Path) -> Result<Vec<PathBuf>, String> {
    let src = cargo_home.join("registry").join("src");
    let mut removed = Vec::new();
    let Ok(registries) = std::fs::read_dir(&src) else {
        return Ok(removed);
    };
    for registry in registries.flatten() {
        if !registry.file_name().to_string_lossy().starts_with('-') {
            continue;
        }
        let Ok(crates) = std::fs::read_dir(registry.path()) else {
            continue;
        };
        for extracted in crates.flatten() {
            if is_ours(&extracted.file_name().to_string_lossy()) {
                let path = extracted.path();
                std::fs::remove_dir_all(&path)
                    .map_err(|e| format!("could not remove {}: {e}", path.display()))?;
                removed.push(path);
            }
        }
    }
    Ok(removed)
}

/// Whether an extracted folder name is `<one of ours>-<version>`.
fn is_ours(folder: &str) -> bool {
    PUBLISHED.iter().any(|name| {
        folder
            .strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_versioned_folders_match() {
        assert!(is_ours("keyward-0.1.0"));
        assert!(is_ours("keyward-core-0.1.0"));
        assert!(is_ours("keyward-cli-12.3.4-rc.1"));
        assert!(!is_ours("keyward-corex-0.1.0"));
        assert!(!is_ours("keyward"));
        assert!(!is_ours("serde-1.0.0"));
        assert!(!is_ours("keywardish-0.1.0"));
    }

    #[test]
    fn removes_local_registry_extractions_of_ours_only() {
        let home = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        let src = home.join("registry").join("src");
        let keep = [
            src.join("index.crates.io-1949cf8c6b5b557f")
                .join("keyward-core-0.1.0"),
            src.join("-14cd1cce6819ff87").join("serde-1.0.0"),
        ];
        let stale = [
            src.join("-14cd1cce6819ff87").join("keyward-core-0.1.0"),
            src.join("-22c3805da5a543b4").join("keyward-0.1.0"),
        ];
        for dir in keep.iter().chain(&stale) {
            std::fs::create_dir_all(dir.join("src")).unwrap();
            std::fs::write(dir.join(".cargo-ok"), "{\"v\":1}").unwrap();
        }

        let mut removed = remove_stale_extractions(&home).unwrap();
        removed.sort();
        let mut expected = stale.to_vec();
        expected.sort();
        assert_eq!(removed, expected);
        assert!(keep.iter().all(|dir| dir.exists()));
        assert!(stale.iter().all(|dir| !dir.exists()));
        std::fs::remove_dir_all(&home).unwrap();
    }

    #[test]
    fn published_list_matches_the_manifests() {
        let root = crate::workspace_root();
        let mut from_manifests = Vec::new();
        for entry in std::fs::read_dir(root.join("crates")).unwrap() {
            let manifest = std::fs::read_to_string(entry.unwrap().path().join("Cargo.toml"));
            let Ok(manifest) = manifest else { continue };
            if manifest.lines().any(|l| l.trim() == "publish = false") {
                continue;
            }
            let name = manifest
                .lines()
                .find_map(|l| l.trim().strip_prefix("name = \""))
                .and_then(|rest| rest.strip_suffix('"'))
                .unwrap()
                .to_string();
            from_manifests.push(name);
        }
        from_manifests.sort();
        let mut listed: Vec<String> = PUBLISHED.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(listed, from_manifests);
    }
}
