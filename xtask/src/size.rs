//! `cargo xtask bench --size` (and the last part of `cargo xtask bench`): the size budget of a
//! shipped app. Two apps validate one Lemon Squeezy key (`crates/keyward-bench/size/`): `ours`
//! through the facade (default features off, `lemonsqueezy` and `rustls`), `bare` with reqwest +
//! serde alone. Each is built alone in release, stripped, run once against a one-shot loopback
//! answer (so neither is measured without doing its call), and its file size compared: the task
//! fails when ours is [`BUDGET`] bytes or more larger.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::{target_dir, workspace_root};

/// The most the facade may add to an app, in bytes: 1 MB (10^6 bytes, not 1 MiB).
pub(crate) const BUDGET: u64 = 1_000_000;

/// The key the apps validate (that of `fixtures/lemonsqueezy/licenses.validate.200.json`).
const KEY: &str = "38b1460a-5104-4067-a91d-77b872934d51";

/// Builds, checks and measures both apps; fails over budget.
pub(crate) fn run() -> Result<(), String> {
    let root = workspace_root();
    let manifest = root.join("crates").join("keyward-bench").join("size");
    let target = target_dir::main()?.join("size");
    let answer = std::fs::read(
        root.join("fixtures")
            .join("lemonsqueezy")
            .join("licenses.validate.200.json"),
    )
    .map_err(|e| format!("the validate fixture: {e}"))?;
    let mut sizes = [0u64; 2];
    for (slot, app) in ["size-bare", "size-ours"].into_iter().enumerate() {
        let binary = build(&manifest, &target, app)?;
        check(&binary, &answer)?;
        sizes[slot] = std::fs::metadata(&binary)
            .map_err(|e| format!("{}: {e}", binary.display()))?
            .len();
    }
    let [bare, ours] = sizes;
    println!("\nsize of a stripped release app validating one Lemon Squeezy key");
    println!("{:<44} {:>12} {:>9}", "app", "bytes", "MB");
    for (name, bytes) in [
        ("bare (reqwest rustls + serde)", bare),
        ("ours (keyward: lemonsqueezy, rustls)", ours),
    ] {
        println!("{name:<44} {bytes:>12} {:>9.2}", megabytes(bytes));
    }
    let verdict = verdict(ours, bare);
    let difference = i128::from(ours) - i128::from(bare);
    println!(
        "{:<44} {difference:>+12} {:>+9.2}  (budget: under {BUDGET} bytes)",
        "ours - bare",
        difference as f64 / 1e6
    );
    verdict
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// Within budget when ours adds less than [`BUDGET`] bytes to the bare app.
fn verdict(ours: u64, bare: u64) -> Result<(), String> {
    let added = ours.saturating_sub(bare);
    if added < BUDGET {
        Ok(())
    } else {
        Err(format!(
            "the facade adds {added} bytes to a validate-only app ({ours} against {bare}): the \
             budget is under {BUDGET}"
        ))
    }
}

/// `cargo build --release -p <app>` in the size workspace, alone so its features are its own.
fn build(workspace: &Path, target: &Path, app: &str) -> Result<PathBuf, String> {
    let target_arg = target.to_string_lossy();
    let args = [
        "build",
        "--quiet",
        "--release",
        "--package",
        app,
        "--target-dir",
        &target_arg,
    ];
    println!("$ (cd {} && cargo {})", workspace.display(), args.join(" "));
    let status = Command::new("cargo")
        .args(args)
        .current_dir(workspace)
        .status()
        .map_err(|e| format!("could not start cargo: {e}"))?;
    if !status.success() {
        return Err(format!("building {app} failed ({status})"));
    }
    Ok(target
        .join("release")
        .join(format!("{app}{}", std::env::consts::EXE_SUFFIX)))
}

/// Runs the app against a loopback server that answers one request with `answer`, and checks
/// it posted the key to `/v1/licenses/validate` and printed `valid`.
fn check(binary: &Path, answer: &[u8]) -> Result<(), String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let answer = answer.to_vec();
    let server = std::thread::spawn(move || serve_one(&listener, &answer));
    let output = Command::new(binary)
        .args([format!("http://127.0.0.1:{port}"), KEY.to_owned()])
        .output()
        .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() || stdout.trim() != "valid" {
        return Err(format!(
            "{} did not validate ({}): {}{}",
            binary.display(),
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let (request_line, body) = server
        .join()
        .map_err(|_| String::from("the loopback server panicked"))??;
    if !request_line.starts_with("POST /v1/licenses/validate ")
        || !body.contains(&format!("license_key={KEY}"))
    {
        return Err(format!(
            "{} sent `{request_line}` with `{body}`, not the validate",
            binary.display()
        ));
    }
    Ok(())
}

/// Accepts one connection, reads its request, answers 200 with `answer`; returns the request
/// line and body.
fn serve_one(listener: &TcpListener, answer: &[u8]) -> Result<(String, String), String> {
    let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|e| e.to_string())?;
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader
        .read_line(&mut request_line)
        .map_err(|e| e.to_string())?;
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|e| e.to_string())?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().map_err(|_| "a bad content-length")?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).map_err(|e| e.to_string())?;
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        answer.len()
    );
    let mut stream = &stream;
    stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.write_all(answer))
        .map_err(|e| e.to_string())?;
    Ok((
        request_line.trim_end().to_owned(),
        String::from_utf8_lossy(&body).into_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_one_megabyte_of_difference() {
        assert!(verdict(5_700_000, 5_700_000).is_ok());
        assert!(verdict(6_699_999, 5_700_000).is_ok());
        assert!(verdict(6_700_000, 5_700_000).is_err());
        assert!(verdict(7_470_000, 5_700_000).is_err());
        assert!(verdict(5_000_000, 5_700_000).is_ok());
    }

    #[test]
    fn the_loopback_server_reads_the_request_and_answers() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let address = listener.local_addr().unwrap();
        let server = std::thread::spawn(move || serve_one(&listener, b"{\"valid\":true}"));
        let mut client = std::net::TcpStream::connect(address).unwrap();
        client
            .write_all(b"POST /v1/licenses/validate HTTP/1.1\r\nHost: x\r\nContent-Length: 13\r\n\r\nlicense_key=k")
            .unwrap();
        let mut reply = String::new();
        client.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200 OK\r\n"));
        assert!(reply.ends_with("\r\n\r\n{\"valid\":true}"));
        let (line, body) = server.join().unwrap().unwrap();
        assert_eq!(line, "POST /v1/licenses/validate HTTP/1.1");
        assert_eq!(body, "license_key=k");
    }
}
