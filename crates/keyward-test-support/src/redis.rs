//! A real `redis-server` on a free loopback port, for the Redis store's tests: [`RedisServer`].

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A `redis-server` started on a free port of 127.0.0.1, working in a fresh folder. Dropping it
/// kills the server and removes the folder.
#[derive(Debug)]
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    durable: bool,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts a durable `redis-server` (from `PATH`; `.ci/run` installs it) and waits until it
    /// answers: an append-only file synced on every write, so [`stop`](Self::stop) then
    /// [`start_again`](Self::start_again) keeps every acknowledged write (each write waits for
    /// the disk).
    pub fn start() -> io::Result<Self> {
        Self::start_with(true)
    }

    /// Starts a `redis-server` that keeps its data in memory only (as fast as Redis goes; a
    /// restart starts empty).
    pub fn start_in_memory() -> io::Result<Self> {
        Self::start_with(false)
    }

    fn start_with(durable: bool) -> io::Result<Self> {
        static STARTED: AtomicU32 = AtomicU32::new(0);
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let dir = std::env::temp_dir().join(format!(
            "keyward-redis-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir)?;
        let mut server = Self {
            port,
            dir,
            durable,
            child: None,
        };
        server.start_again()?;
        Ok(server)
    }

    /// The URL clients connect to (`redis://127.0.0.1:<port>/`).
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Kills the server at once (as a crash or an outage would); its data stays on disk.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port with the same data, and waits until it answers.
    pub fn start_again(&mut self) -> io::Result<()> {
        self.stop();
        let child = Command::new("redis-server")
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args(if self.durable {
                ["--appendonly", "yes", "--appendfsync", "always"]
            } else {
                ["--appendonly", "no", "--appendfsync", "no"]
            })
            .args(["--save", ""])
            .arg("--dir")
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("redis-server could not start ({e}): install it (.ci/run does)"),
                )
            })?;
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.ping().is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "redis-server did not answer within 10 s",
        ))
    }

    /// Sends `PING` and expects `+PONG` (the server is up and has loaded its data).
    fn ping(&self) -> io::Result<()> {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut stream = TcpStream::connect_timeout(&address, Duration::from_millis(200))?;
        stream.set_read_timeout(Some(Duration::from_millis(500)))?;
        stream.write_all(b"PING\r\n")?;
        let mut answer = [0_u8; 7];
        stream.read_exact(&mut answer)?;
        if &answer == b"+PONG\r\n" {
            Ok(())
        } else {
            Err(io::Error::other("redis-server is loading"))
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
