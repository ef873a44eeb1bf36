//! Disk a CI run frees between its steps. A fresh-clone `cargo xtask ci` holds the debug build
//! (about 3 GB with its test executables and examples), then the packaged crates' build (about
//! 2 GB) beside it, then the fuzz build (about 2 GB); a CI machine's disk holds only part of that.
//! Each step here removes what no later step reads, and only where `CI` is set: on a developer's
//! machine the next build would have to start over.

use std::path::Path;

use crate::target_dir;

/// Whether this run is on a CI machine (`CI` set, as CI services and `.ci/run` set it).
fn on_ci() -> bool {
    std::env::var_os("CI").is_some()
}

/// After the steps that run tests and examples: removes the linked test executables and
/// examples of the debug build. What follows reads only its libraries, its `licensectl` and its
/// dep-info files (the package step), and relinks the few test binaries it runs again.
pub(crate) fn free_test_executables() -> Result<(), String> {
    if !on_ci() {
        return Ok(());
    }
    let debug = target_dir::main()?.join("debug");
    println!(
        "$ rm {}/deps/<executables> {}/examples (CI: no later step runs them)",
        debug.display(),
        debug.display()
    );
    remove_dir(&debug.join("examples"))?;
    let deps = debug.join("deps");
    let Ok(entries) = std::fs::read_dir(&deps) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if is_linked_executable(&path) {
            std::fs::remove_file(&path)
                .map_err(|e| format!("could not remove {}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// Before the fuzz build: removes the whole debug build, which the fuzz build shares nothing of.
pub(crate) fn free_debug_build() -> Result<(), String> {
    if !on_ci() {
        return Ok(());
    }
    let debug = target_dir::main()?.join("debug");
    println!(
        "$ rm -r {} (CI: the fuzz build shares none of it)",
        debug.display()
    );
    remove_dir(&debug)
}

/// A linked program in `deps/`: test harnesses and binaries have no extension there, unlike
/// libraries (`.rlib`, `.rmeta`, proc macros' `.so`, which later builds reuse) and dep-info
/// (`.d`, which the package step reads). Not for Windows, whose executables end in `.exe`: CI
/// runs on Linux.
fn is_linked_executable(path: &Path) -> bool {
    path.is_file() && path.extension().is_none()
}

fn remove_dir(dir: &Path) -> Result<(), String> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(format!("could not remove {}: {e}", dir.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_linked_programs_are_chosen() {
        let dir = std::env::temp_dir().join(format!("xtask-ci-disk-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let names = [
            ("integration-0a1b2c", true),
            ("licensectl-0a1b2c", true),
            ("libkeyward_core-0a1b2c.rlib", false),
            ("libkeyward_core-0a1b2c.rmeta", false),
            ("libserde_derive-0a1b2c.so", false),
            ("integration-0a1b2c.d", false),
        ];
        for (name, _) in names {
            std::fs::write(dir.join(name), b"x").unwrap();
        }
        std::fs::create_dir_all(dir.join("a-folder")).unwrap();
        for (name, chosen) in names {
            assert_eq!(is_linked_executable(&dir.join(name)), chosen, "{name}");
        }
        assert!(!is_linked_executable(&dir.join("a-folder")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
