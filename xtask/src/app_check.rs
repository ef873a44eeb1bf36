//! A new user's app, built from the packaged crates: `cargo new`, `cargo add keyward --features
//! lemonsqueezy,blocking` (a path dependency on the packaged `keyward`, the other packaged crates
//! patched in as crates.io would serve them), then a program that activates and validates a key
//! against `licensectl emulate` with no other keyward dependency. It proves that one dependency
//! is enough and that the packages, not only the workspace, build.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::emulate::{DEMO_KEY, Emulators};
use crate::package::package_name;

/// The app's `src/main.rs`: what the root README's "A taste" does, blocking.
const MAIN_RS: &str = r#"//! A throwaway app: one keyward dependency, Lemon Squeezy, the blocking API.
use std::sync::Arc;

use keyward::blocking::BlockingProvider;
use keyward::{ActivateRequest, LemonSqueezyProvider, ValidateRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::var("LEMONSQUEEZY_BASE_URL")?;
    let key = std::env::var("APP_LICENSE_KEY")?;
    let client = keyward::lemonsqueezy::Client::builder().base_url(base_url).build()?;
    let provider = BlockingProvider::new(Arc::new(LemonSqueezyProvider::new(client)))?;
    let activated = provider.activate(ActivateRequest::new(key.as_str(), "throwaway-app"))?;
    let instance = activated.instance().ok_or("activation refused")?.id.clone();
    let outcome = provider.validate(ValidateRequest::new(key.as_str()).instance_id(instance))?;
    if !outcome.is_valid() {
        return Err(format!("not valid: {:?}", outcome.reason()).into());
    }
    println!("throwaway app: activated and valid");
    Ok(())
}
"#;

/// Builds and runs the app from the `.crate` files in `packages` (`cargo package`'s output),
/// building in `target` (shared with the package verification, whose dependencies it reuses).
pub(crate) fn run(packages: &Path, target: &Path) -> Result<(), String> {
    let work = std::env::temp_dir().join(format!("keyward-app-check-{}", std::process::id()));
    let result = build_and_run(packages, target, &work);
    // The temporary folder goes whatever happened; the target folder is the caller's.
    let _ = std::fs::remove_dir_all(&work);
    result
}

fn build_and_run(packages: &Path, target: &Path, work: &Path) -> Result<(), String> {
    let sources = work.join("sources");
    std::fs::create_dir_all(&sources).map_err(|e| format!("{}: {e}", sources.display()))?;
    let crates = extract_all(packages, &sources)?;
    let keyward = crates
        .iter()
        .find(|(name, _)| name == "keyward")
        .map(|(_, path)| path.clone())
        .ok_or("no keyward package among the packaged crates")?;

    // Outside the repository, so `cargo new` joins no workspace.
    let app = work.join("app");
    let app_arg = app.to_string_lossy().into_owned();
    crate::run_in(
        work,
        "cargo",
        &[
            "new", "--quiet", "--bin", "--vcs", "none", "--name", "app", &app_arg,
        ],
        &[],
    )?;
    // What crates.io will serve once they are published: every package, patched in first, since
    // `cargo add` resolves the tree at once.
    let manifest = app.join("Cargo.toml");
    let mut toml =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    toml.push_str(&patch_section(&crates));
    std::fs::write(&manifest, toml).map_err(|e| format!("{}: {e}", manifest.display()))?;
    let keyward_arg = keyward.to_string_lossy().into_owned();
    crate::run_in(
        &app,
        "cargo",
        &[
            "add",
            "--quiet",
            "keyward",
            "--path",
            &keyward_arg,
            "--features",
            "lemonsqueezy,blocking",
        ],
        &[],
    )?;
    let toml =
        std::fs::read_to_string(&manifest).map_err(|e| format!("{}: {e}", manifest.display()))?;
    check_one_keyward_dependency(&toml)?;
    let main = app.join("src").join("main.rs");
    std::fs::write(&main, MAIN_RS).map_err(|e| format!("{}: {e}", main.display()))?;

    let target_arg = target.to_string_lossy().into_owned();
    crate::run_in(
        &app,
        "cargo",
        &["build", "--quiet", "--target-dir", &target_arg],
        &[],
    )?;
    let binary = target
        .join("debug")
        .join(format!("app{}", std::env::consts::EXE_SUFFIX));

    let emulator = Emulators::start()?;
    let base_url = emulator.base_url();
    println!("$ LEMONSQUEEZY_BASE_URL={base_url} {}", binary.display());
    let status = Command::new(&binary)
        .env("LEMONSQUEEZY_BASE_URL", &base_url)
        .env("APP_LICENSE_KEY", DEMO_KEY)
        .status()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    drop(emulator);
    if status.success() {
        Ok(())
    } else {
        Err(format!("the throwaway app failed ({status})"))
    }
}

/// Extracts every `<name>-<version>.crate` in `packages` into `sources`; answers each package's
/// name and folder.
fn extract_all(packages: &Path, sources: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let entries = std::fs::read_dir(packages)
        .map_err(|e| format!("cannot read {}: {e}", packages.display()))?;
    let mut crates = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".crate"))
        else {
            continue;
        };
        let status = Command::new("tar")
            .arg("-xzf")
            .arg(&path)
            .arg("-C")
            .arg(sources)
            .status()
            .map_err(|e| format!("could not start tar: {e}"))?;
        if !status.success() {
            return Err(format!("tar could not extract {}", path.display()));
        }
        let name = package_name(stem).ok_or_else(|| format!("no version in {stem}.crate"))?;
        crates.push((name.to_owned(), sources.join(stem)));
    }
    crates.sort();
    Ok(crates)
}

/// The app's manifest after `cargo add` has exactly one keyward dependency: `keyward`.
fn check_one_keyward_dependency(manifest: &str) -> Result<(), String> {
    let ours: Vec<&str> = manifest
        .lines()
        .skip_while(|l| l.trim() != "[dependencies]")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('['))
        .filter_map(|l| l.split(['=', '.']).next())
        .map(str::trim)
        .filter(|name| *name == "keyward" || name.starts_with("keyward-"))
        .collect();
    if ours == ["keyward"] {
        Ok(())
    } else {
        Err(format!(
            "the app should depend on keyward alone, it names {ours:?}"
        ))
    }
}

/// `[patch.crates-io]` pointing every packaged crate at its extracted folder, as crates.io
/// would serve it once published.
fn patch_section(crates: &[(String, PathBuf)]) -> String {
    let mut section = String::from("\n[patch.crates-io]\n");
    for (name, path) in crates {
        let path = path.to_string_lossy().replace('\\', "/");
        section.push_str(&format!("{name} = {{ path = \"{path}\" }}\n"));
    }
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_may_name_keyward_alone() {
        let one = "[package]\nname = \"app\"\n\n[dependencies]\nkeyward = { version = \"0.1.0\", path = \"/x\" }\n";
        assert!(check_one_keyward_dependency(one).is_ok());
        let two = format!("{one}keyward-lemonsqueezy = \"0.1.0\"\n");
        assert!(check_one_keyward_dependency(&two).is_err());
        // The patch table names every package; only the dependencies count.
        let patched = format!("{one}\n[patch.crates-io]\nkeyward-core = {{ path = \"/c\" }}\n");
        assert!(check_one_keyward_dependency(&patched).is_ok());
        assert!(check_one_keyward_dependency("[dependencies]\n").is_err());
    }

    #[test]
    fn every_packaged_crate_is_patched_in() {
        let section = patch_section(&[
            (String::from("keyward"), PathBuf::from("/s/keyward-0.1.0")),
            (
                String::from("keyward-core"),
                PathBuf::from("/s/keyward-core-0.1.0"),
            ),
        ]);
        assert!(section.starts_with("\n[patch.crates-io]\n"));
        assert!(section.contains("keyward = { path = \"/s/keyward-0.1.0\" }\n"));
        assert!(section.contains("keyward-core = { path = \"/s/keyward-core-0.1.0\" }\n"));
    }
}
