//! `licensectl emulate` in the background, for the tasks that run a program against a provider:
//! the throwaway app of `package` and the size budget's two apps. Lemon Squeezy only, on a free
//! loopback port, with the demo's keys.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The key `licensectl emulate` seeds Lemon Squeezy with when no seed file is given.
pub(crate) const DEMO_KEY: &str = "DEMO-7F3A-41C2-9B8E-5D60";

/// The Lemon Squeezy emulator of `licensectl emulate`, stopped when dropped.
pub(crate) struct LemonSqueezy {
    child: Child,
    port: u16,
}

impl LemonSqueezy {
    /// Builds the workspace as the tests build it (nothing to do after `cargo test --workspace
    /// --all-features`), starts its `licensectl emulate` and waits until it listens.
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
        let child = Command::new(&licensectl)
            .args(["emulate", "--lemonsqueezy-port", &port_arg])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", licensectl.display()))?;
        let emulator = Self { child, port };
        emulator.wait_until_listening(Duration::from_secs(60))?;
        Ok(emulator)
    }

    /// The base URL a Lemon Squeezy client takes.
    pub(crate) fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
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

impl Drop for LemonSqueezy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
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
