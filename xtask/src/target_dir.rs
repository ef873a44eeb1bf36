//! Where a workspace's build output goes, as cargo itself decides it: `cargo metadata`'s
//! `target_directory`, which honours `CARGO_TARGET_DIR`, `CARGO_BUILD_TARGET_DIR` and
//! `build.target-dir` in `.cargo/config.toml`. Every path of built files in the xtask comes from
//! here, never from a literal `target/`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Environment variables set (`Some`) or removed (`None`) for the `cargo` a function runs, on
/// top of this process's environment. Tests pass their own; the tasks pass [`INHERIT`].
pub(crate) type EnvOverrides<'a> = &'a [(&'a str, Option<&'a OsStr>)];

/// No override: cargo sees this process's environment.
pub(crate) const INHERIT: EnvOverrides<'static> = &[];

/// The target directory of the workspace whose root is `dir`, as cargo run in `dir` (with `env`)
/// resolves it: a relative `CARGO_TARGET_DIR` is taken relative to `dir`, as the builds the xtask
/// starts there take it.
pub(crate) fn of(dir: &Path, env: EnvOverrides<'_>) -> Result<PathBuf, String> {
    let mut command = Command::new(cargo());
    command
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(dir);
    for (name, value) in env {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
    let output = command
        .output()
        .map_err(|e| format!("could not start `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo metadata` in {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let json = String::from_utf8_lossy(&output.stdout);
    let path = target_directory(&json).ok_or_else(|| {
        format!(
            "`cargo metadata` in {} printed no target_directory",
            dir.display()
        )
    })?;
    Ok(PathBuf::from(path))
}

/// The main workspace's target directory.
pub(crate) fn main() -> Result<PathBuf, String> {
    of(&crate::workspace_root(), INHERIT)
}

/// The cargo that runs the xtask (`$CARGO`), or the one on the path.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The `target_directory` string of `cargo metadata`'s JSON, unescaped. The key is matched with
/// its quotes, which cannot occur unescaped inside a JSON string value.
fn target_directory(json: &str) -> Option<String> {
    let key = "\"target_directory\":";
    let rest = json[json.find(key)? + key.len()..].trim_start();
    json_string(rest.strip_prefix('"')?)
}

/// The JSON string that `text` opens (after its opening quote), unescaped.
fn json_string(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = text.chars();
    loop {
        match chars.next()? {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                '"' => out.push('"'),
                '\\' => out.push('\\'),
                '/' => out.push('/'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'u' => {
                    let unit = |chars: &mut std::str::Chars<'_>| {
                        let hex: String = chars.by_ref().take(4).collect();
                        u32::from_str_radix(&hex, 16).ok()
                    };
                    let high = unit(&mut chars)?;
                    let code = if (0xD800..0xDC00).contains(&high) {
                        // A surrogate pair: `\uD83D\uDE00`.
                        if chars.next()? != '\\' || chars.next()? != 'u' {
                            return None;
                        }
                        let low = unit(&mut chars)?;
                        0x10000 + ((high - 0xD800) << 10) + (low.checked_sub(0xDC00)?)
                    } else {
                        high
                    };
                    out.push(char::from_u32(code)?);
                }
                _ => return None,
            },
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_target_directory_from_metadata_json() {
        let json = r#"{"packages":[{"name":"a","description":"say \"target_directory\":\"/no\""}],"target_directory":"C:\\work\\t \"x\" \u00e9\ud83d\ude00","version":1}"#;
        assert_eq!(
            target_directory(json).as_deref(),
            Some("C:\\work\\t \"x\" é😀")
        );
        assert_eq!(target_directory(r#"{"packages":[]}"#), None);
        assert_eq!(target_directory(r#"{"target_directory":"/open"#), None);
    }

    #[test]
    fn cargo_target_dir_is_honoured_and_relative_to_the_workspace() {
        let root = crate::workspace_root();
        let set = of(
            &root,
            &[
                ("CARGO_TARGET_DIR", Some(OsStr::new("/tmp/xtask-elsewhere"))),
                ("CARGO_BUILD_TARGET_DIR", None),
            ],
        )
        .unwrap();
        assert_eq!(set, Path::new("/tmp/xtask-elsewhere"));
        let relative = of(
            &root.join("fuzz"),
            &[
                ("CARGO_TARGET_DIR", Some(OsStr::new("out"))),
                ("CARGO_BUILD_TARGET_DIR", None),
            ],
        )
        .unwrap();
        assert_eq!(relative, root.join("fuzz").join("out"));
    }
}
