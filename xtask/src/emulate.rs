//! `licensectl emulate` in the background, for the tasks that run a program against a provider:
//! the throwaway app of `package`, the size budget's two apps and the guard's faked-clock run.
//! All four emulators, Lemon Squeezy on a free loopback port chosen here, the others wherever
//! they land, with the demo's keys; the environment it prints is kept for the programs.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The key `licensectl emulate` seeds Lemon Squeezy and GetKeyManager with when no seed file is
/// given.
pub(crate) const DEMO_KEY: &str = "DEMO-7F3A-41C2-9B8E-5D60";

/// The emulators of `licensectl emulate`, stopped when dropped.
pub(crate) struct Emulators {
    child: Child,
    port: u16,
    env: Vec<(String, String)>,
}

impl Emulators {
    /// Builds the workspace as the tests build it (nothing to do after `cargo test --workspace
    /// --all-features`), starts its `licensectl emulate` and waits until it is ready.
    pub(crate) fn start() -> Result<Self, String> {
        crate::run(
            "cargo",
            &["build", "--quiet", "--workspace", "--all-features"],
            &[],
        )?;
        let licensectl = crate::target_dir::main()?
            .join("debug")
            .join(format!("licensectl{}", std::env::consts::EXE_SUFFIX));
        let port = free_port()?;
        let port_arg = port.to_string();
        println!(
            "$ {} emulate --lemonsqueezy-port {port_arg}",
            licensectl.display()
        );
        let mut child = Command::new(&licensectl)
            .args(["emulate", "--lemonsqueezy-port", &port_arg])
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", licensectl.display()))?;
        let stdout = child.stdout.take();
        let mut emulators = Self {
            child,
            port,
            env: Vec::new(),
        };
        let stdout = stdout.ok_or("licensectl emulate: no stdout")?;
        emulators.env = printed_env(stdout, Duration::from_secs(60))?;
        emulators.wait_until_listening(Duration::from_secs(10))?;
        Ok(emulators)
    }

    /// The base URL a Lemon Squeezy client takes.
    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment `licensectl emulate` printed (`LEMONSQUEEZY_BASE_URL`, …), to run a
    /// program configured from it.
    pub(crate) fn env(&self) -> &[(String, String)] {
        &self.env
    }

    fn wait_until_listening(&self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, self.port)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Err(format!(
            "licensectl emulate did not listen on port {} within {} s",
            self.port,
            limit.as_secs()
        ))
    }
}

impl Drop for Emulators {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `export NAME=value` lines of the printout, read until its last line ("# Ready. …").
fn printed_env(stdout: ChildStdout, limit: Duration) -> Result<Vec<(String, String)>, String> {
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    let mut env = Vec::new();
    loop {
        let left = limit.saturating_sub(started.elapsed());
        let line = lines
            .recv_timeout(left)
            .map_err(|_| "licensectl emulate did not say it was ready".to_owned())?;
        if line.starts_with("# Ready.") {
            return Ok(env);
        }
        if let Some((name, value)) = line.strip_prefix("export ").and_then(|l| l.split_once('=')) {
            env.push((name.to_owned(), value.to_owned()));
        }
    }
}

/// A loopback port free right now.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}
