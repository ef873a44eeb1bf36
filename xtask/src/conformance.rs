//! `cargo xtask conformance dodo|polar|creem|all`: a provider client against the provider's own
//! OpenAPI document, served by Stoplight Prism in dynamic mode (random spec-valid responses).
//!
//! Installs Prism from the npm registry into `<target dir>/prism/` when missing, serves the
//! suite's document (prepared into that folder) on a free loopback port, runs the suite's
//! ignored test `crates/<package>/tests/conformance.rs` against it, and stops Prism whatever
//! happens.
//!
//! - dodo: `fixtures/dodo/openapi.documented.yml`, plus `openapi.create_license_key.yml`, the
//!   one endpoint that document predates;
//! - polar: `fixtures/polar/openapi.license-keys.json` (OpenAPI 3.1), with JSON Schema 2020-12's
//!   `prefixItems` (a customer's `tax_id` tuple) written as the older tuple form `items: [...]`,
//!   the one keyword Prism's response generator cannot read;
//! - creem: `fixtures/creem/openapi.licenses.json` (OpenAPI 3.0), as it is.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// The Prism release the suites were written against (npm package spec).
const PRISM_PACKAGE: &str = "@stoplight/prism-cli@5.14.2";

/// How long Prism may take to start (it parses a 16 000-line document).
const STARTUP: Duration = Duration::from_secs(120);

/// One provider's conformance run.
struct Suite {
    /// The word after `conformance`, and the prefix of Prism's files.
    name: &'static str,
    /// The package whose `conformance` test runs.
    package: &'static str,
    /// The prefix of the `<PREFIX>_PRISM_URL` and `<PREFIX>_PRISM_LOG` variables.
    env_prefix: &'static str,
    /// Writes the document Prism serves into the folder given; returns its path.
    spec: fn(&Path, &Path) -> Result<PathBuf, String>,
}

const SUITES: &[Suite] = &[
    Suite {
        name: "dodo",
        package: "keyward-dodo",
        env_prefix: "DODO",
        spec: dodo_spec,
    },
    Suite {
        name: "polar",
        package: "keyward-polar",
        env_prefix: "POLAR",
        spec: polar_spec,
    },
    Suite {
        name: "creem",
        package: "keyward-creem",
        env_prefix: "CREEM",
        spec: creem_spec,
    },
];

/// Runs a conformance suite: `args` are the words after `conformance` (`["dodo"]`, `["all"]`).
pub(crate) fn run(args: &[String]) -> Result<(), String> {
    let known = || SUITES.iter().map(|s| s.name).collect::<Vec<_>>().join("|");
    match args.first().map(String::as_str) {
        Some("all") => SUITES.iter().try_for_each(suite),
        Some(name) => match SUITES.iter().find(|s| s.name == name) {
            Some(found) => suite(found),
            None => Err(format!(
                "no conformance suite for `{name}` (known: {}, all)",
                known()
            )),
        },
        None => Err(format!("usage: cargo xtask conformance {}|all", known())),
    }
}

fn suite(suite: &Suite) -> Result<(), String> {
    let name = suite.name;
    let root = crate::workspace_root();
    let prism_dir = crate::target_dir::main()?.join("prism");
    let prism = ensure_prism(&prism_dir)?;
    let spec = (suite.spec)(&root, &prism_dir)?;
    let port = free_port()?;
    let log_path = prism_dir.join(format!("{name}-prism.log"));
    let log = File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|e| e.to_string())?;
    println!("$ prism mock -d -h 127.0.0.1 -p {port} {}", spec.display());
    let child = Command::new(&prism)
        .args(["mock", "-d", "-h", "127.0.0.1", "-p", &port.to_string()])
        .arg(&spec)
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err))
        .spawn()
        .map_err(|e| format!("could not start {}: {e}", prism.display()))?;
    // Stops Prism when this function returns, on success, failure or panic.
    let mut guard = Guard(child);
    wait_until_ready(&mut guard.0, port, &log_path)?;
    let url = format!("http://127.0.0.1:{port}");
    println!(
        "prism is serving {name}'s OpenAPI at {url} (log: {})",
        log_path.display()
    );
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(&root)
        .args([
            "test",
            "-p",
            suite.package,
            "--test",
            "integration",
            "conformance::",
            "--",
            "--ignored",
            "--nocapture",
        ])
        .env(format!("{}_PRISM_URL", suite.env_prefix), &url)
        .env(format!("{}_PRISM_LOG", suite.env_prefix), &log_path)
        .status()
        .map_err(|e| format!("could not run cargo test: {e}"))?;
    drop(guard);
    if status.success() {
        println!("xtask conformance {name}: passed");
        Ok(())
    } else {
        Err(format!(
            "the {name} conformance test failed ({status}); Prism's log: {}",
            log_path.display()
        ))
    }
}

struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Prism executable, installed with npm when missing.
fn ensure_prism(dir: &Path) -> Result<PathBuf, String> {
    let bin = dir.join("node_modules").join(".bin").join("prism");
    if bin.is_file() {
        return Ok(bin);
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let prefix = dir.to_string_lossy().into_owned();
    println!("$ npm install --prefix {prefix} {PRISM_PACKAGE}");
    let status = Command::new("npm")
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            &prefix,
            PRISM_PACKAGE,
        ])
        .status()
        .map_err(|e| format!("could not run npm (is Node.js installed?): {e}"))?;
    if !status.success() || !bin.is_file() {
        return Err(format!("npm could not install {PRISM_PACKAGE} ({status})"));
    }
    Ok(bin)
}

/// A copy of Dodo's document with the create-license-key operation inserted.
fn dodo_spec(root: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let fixtures = root.join("fixtures").join("dodo");
    let read = |name: &str| {
        let path = fixtures.join(name);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let document = read("openapi.documented.yml")?;
    let create = read("openapi.create_license_key.yml")?;
    let anchor = "\n  /license_keys:\n";
    let at = document
        .find(anchor)
        .ok_or("openapi.documented.yml has no `/license_keys:` path")?
        + anchor.len();
    let mut merged = String::with_capacity(document.len() + create.len());
    merged.push_str(&document[..at]);
    merged.push_str(&create);
    if !create.ends_with('\n') {
        merged.push('\n');
    }
    merged.push_str(&document[at..]);
    let path = out_dir.join("dodo-openapi.yml");
    fs::write(&path, merged).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Polar's trimmed document, with `prefixItems` in the tuple form Prism's generator reads.
fn polar_spec(root: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let source = root
        .join("fixtures")
        .join("polar")
        .join("openapi.license-keys.json");
    let document = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    let path = out_dir.join("polar-openapi.json");
    let prepared = document.replace("\"prefixItems\":", "\"items\":");
    fs::write(&path, prepared).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// Creem's trimmed document (OpenAPI 3.0), served as it is.
fn creem_spec(root: &Path, _out_dir: &Path) -> Result<PathBuf, String> {
    Ok(root
        .join("fixtures")
        .join("creem")
        .join("openapi.licenses.json"))
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// Waits until Prism answers HTTP on `port`, failing early if it exits.
fn wait_until_ready(child: &mut Child, port: u16, log: &Path) -> Result<(), String> {
    let started = Instant::now();
    let address = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "prism exited during startup ({status}); see {}",
                log.display()
            ));
        }
        if answers(&address) {
            return Ok(());
        }
        if started.elapsed() > STARTUP {
            return Err(format!(
                "prism did not answer within {STARTUP:?}; see {}",
                log.display()
            ));
        }
        thread::sleep(Duration::from_millis(250));
    }
}

fn answers(address: &SocketAddr) -> bool {
    let Ok(mut stream) = TcpStream::connect_timeout(address, Duration::from_secs(1)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let request = b"GET /__xtask_ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    if stream.write_all(request).is_err() {
        return false;
    }
    let mut head = [0_u8; 12];
    matches!(stream.read(&mut head), Ok(n) if n >= 5 && head.starts_with(b"HTTP/"))
}
