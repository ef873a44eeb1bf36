//! `cargo package` of every published crate, each verified against the others as packaged, the
//! way a release would build them; then a new user's app built from those packages
//! (`app_check`).
//!
//! `cargo package` "publishes" the crates into a temporary local registry inside its target
//! folder and builds each dependent against it. Cargo extracts those crates into
//! `$CARGO_HOME/registry/src/-<hash of that registry's path>/<name>-<version>/` and never
//! extracts again while that folder exists, and it trusts what it built from them: a second run
//! with the same target folder and version numbers verifies the dependents against the first
//! run's sources (seen on CI, a clean clone at a fixed path with a kept `$CARGO_HOME`: a constant
//! added to keyward-core since the previous run was "missing"). So each run builds in a target
//! folder of its own (`<target dir>/package-verify/run-<time>-<pid>`), whose registry no earlier run
//! can have extracted, and afterwards removes that registry's extraction (found by path in the
//! run's own dep-info files, so a run elsewhere on the machine is never touched) and, when the
//! run passed, its folder.

use std::path::{Path, PathBuf};

/// Packages and verifies every published crate.
pub(crate) fn run() -> Result<(), String> {
    let root = crate::workspace_root();
    let packages = published(&root.join("crates"))?;
    let parent = crate::target_dir::main()?.join("package-verify");
    // Earlier runs' folders (a failed run keeps its own for a look).
    remove(&parent)?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let target = parent.join(format!("run-{stamp}-{}", std::process::id()));
    let target_arg = target.to_string_lossy().into_owned();
    let mut args = vec!["package", "--allow-dirty", "--target-dir", &target_arg];
    for package in &packages {
        args.extend(["--package", package.as_str()]);
    }
    let mut result = crate::run("cargo", &args, &[]);
    if result.is_ok() {
        // A new user's app from these packages, built in the same folder (its dependencies are
        // mostly built there already).
        result = crate::app_check::run(&target.join("package"), &target);
    }
    if let Some(cargo_home) = cargo_home() {
        for registry in extracted_registries(&target, &cargo_home) {
            remove_extractions(&registry, &packages)?;
        }
    }
    if result.is_ok() {
        remove(&target)?;
    }
    result
}

/// The packages under `crates/` whose manifest does not say `publish = false`.
fn published(crates: &Path) -> Result<Vec<String>, String> {
    let entries =
        std::fs::read_dir(crates).map_err(|e| format!("cannot read {}: {e}", crates.display()))?;
    let mut names = Vec::new();
    for entry in entries.flatten() {
        let Ok(manifest) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
            continue;
        };
        if manifest.lines().any(|l| l.trim() == "publish = false") {
            continue;
        }
        let name = manifest
            .lines()
            .find_map(|l| l.trim().strip_prefix("name = \"")?.strip_suffix('"'))
            .ok_or_else(|| format!("no package name in {}", entry.path().display()))?;
        names.push(name.to_owned());
    }
    names.sort();
    Ok(names)
}

/// `$CARGO_HOME`, or `~/.cargo` where it is not set.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
}

/// The local registries (`$CARGO_HOME/registry/src/-<hash>`) this run's builds read sources
/// from, as its dep-info files name them.
fn extracted_registries(target: &Path, cargo_home: &Path) -> Vec<PathBuf> {
    let prefix = cargo_home.join("registry").join("src").join("-");
    let prefix = prefix.to_string_lossy();
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(target.join("debug").join("deps")) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "d") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for (at, _) in text.match_indices(prefix.as_ref()) {
            // The registry folder is `-` followed by the hash, up to the next separator.
            let rest = &text[at + prefix.len() - 1..];
            let name: String = rest
                .chars()
                .take_while(|c| *c != '/' && *c != '\\')
                .collect();
            let registry = cargo_home.join("registry").join("src").join(name);
            if !found.contains(&registry) {
                found.push(registry);
            }
        }
    }
    found
}

/// Removes `<package>-<version>` folders of ours from one extracted registry, then the registry
/// folder when nothing else is left in it.
fn remove_extractions(registry: &Path, packages: &[String]) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(registry) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        if is_ours(&entry.file_name().to_string_lossy(), packages) {
            remove(&entry.path())?;
        }
    }
    // Fails (and is meant to) when the folder holds something that is not ours.
    let _ = std::fs::remove_dir(registry);
    Ok(())
}

/// Whether an extracted folder name is `<one of ours>-<version>`.
fn is_ours(folder: &str, packages: &[String]) -> bool {
    package_name(folder).is_some_and(|name| packages.iter().any(|p| p == name))
}

/// `keyward-core` of `keyward-core-0.1.0`: the name ends before the first `-<digit>`.
pub(crate) fn package_name(stem: &str) -> Option<&str> {
    stem.match_indices('-')
        .find(|(i, _)| {
            stem[i + 1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
        .map(|(i, _)| &stem[..i])
}

fn remove(path: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("could not remove {}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_end_before_the_version() {
        assert_eq!(package_name("keyward-core-0.1.0"), Some("keyward-core"));
        assert_eq!(package_name("keyward-0.1.0"), Some("keyward"));
        assert_eq!(package_name("keyward-cli-12.3.4-rc.1"), Some("keyward-cli"));
        assert_eq!(package_name("keyward"), None);
    }

    /// One name per crate: the folder is the package's name, and no `[lib]` renames the library
    /// (so `keyward-dodo` is `use keyward_dodo`, in `crates/keyward-dodo`).
    #[test]
    fn every_crate_has_one_name() {
        let crates = crate::workspace_root().join("crates");
        let mut seen = 0;
        for entry in std::fs::read_dir(&crates).unwrap().flatten() {
            let Ok(manifest) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else {
                continue;
            };
            let folder = entry.file_name().to_string_lossy().into_owned();
            let mut section = "";
            for line in manifest.lines().map(str::trim) {
                if line.starts_with('[') {
                    section = line;
                } else if let Some(name) = line.strip_prefix("name = \"") {
                    let name = name.trim_end_matches('"');
                    match section {
                        "[package]" => assert_eq!(name, folder, "crates/{folder}: package name"),
                        "[lib]" => panic!("crates/{folder}: [lib] name = {name:?}"),
                        _ => {}
                    }
                }
            }
            seen += 1;
        }
        assert!(seen >= 10, "{seen} crates read");
    }

    fn ours() -> Vec<String> {
        ["keyward", "keyward-core", "keyward-cli"]
            .map(String::from)
            .to_vec()
    }

    #[test]
    fn only_our_versioned_folders_match() {
        let packages = ours();
        assert!(is_ours("keyward-0.1.0", &packages));
        assert!(is_ours("keyward-core-0.1.0", &packages));
        assert!(is_ours("keyward-cli-12.3.4-rc.1", &packages));
        assert!(!is_ours("keyward-corex-0.1.0", &packages));
        assert!(!is_ours("keyward", &packages));
        assert!(!is_ours("serde-1.0.0", &packages));
        assert!(!is_ours("keywardish-0.1.0", &packages));
    }

    #[test]
    fn removes_only_the_registry_this_run_read() {
        let scratch = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        let home = scratch.join("cargo-home");
        let src = home.join("registry").join("src");
        let target = scratch.join("run");
        let ours_dir = src.join("-14cd1cce6819ff87");
        let elsewhere = src.join("-22c3805da5a543b4").join("keyward-core-0.1.0");
        let crates_io = src
            .join("index.crates.io-1949cf8c6b5b557f")
            .join("serde-1.0.0");
        for dir in [
            ours_dir.join("keyward-core-0.1.0").join("src"),
            ours_dir.join("keyward-0.1.0").join("src"),
            elsewhere.join("src"),
            crates_io.join("src"),
            target.join("debug").join("deps"),
        ] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let dep_info = format!(
            "{out}: {ours}/src/lib.rs {serde}/src/lib.rs\n\n{ours}/src/lib.rs:\n",
            out = target
                .join("debug/deps/keyward_core-819a62eabbe47348")
                .display(),
            ours = ours_dir.join("keyward-core-0.1.0").display(),
            serde = crates_io.display(),
        );
        std::fs::write(
            target.join("debug/deps/keyward_core-819a62eabbe47348.d"),
            dep_info,
        )
        .unwrap();

        let registries = extracted_registries(&target, &home);
        assert_eq!(registries, std::slice::from_ref(&ours_dir));
        remove_extractions(&registries[0], &ours()).unwrap();
        assert!(!ours_dir.exists(), "our registry's extraction is gone");
        assert!(elsewhere.exists(), "another run's extraction is kept");
        assert!(crates_io.exists(), "crates.io's sources are kept");
        std::fs::remove_dir_all(&scratch).unwrap();
    }

    #[test]
    fn the_published_packages_are_read_from_the_manifests() {
        let packages = published(&crate::workspace_root().join("crates")).unwrap();
        assert!(packages.contains(&String::from("keyward-core")));
        assert!(packages.contains(&String::from("keyward-cli")));
        assert!(!packages.contains(&String::from("keyward-bench")));
        assert!(packages.iter().all(|p| p.starts_with("keyward")));
    }
}
