//! The emulator's public address: a loopback TCP front that relays every connection to the
//! wiremock server behind it, and can stop listening (connections refused) or take connections
//! without ever answering (hang). It runs on its own thread, as wiremock does, so it keeps
//! serving while the caller's runtime is blocked.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;

/// What the front does with connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Relays to the server.
    Up,
    /// Nothing listens: connecting fails with "connection refused".
    Refuse,
    /// Accepts, reads, never answers.
    Hang,
}

/// A mode and its generation (how many switches came before it).
type Switch = (u64, Mode);

/// The last generation the front has put in force, for [`Front::set`] to wait on.
#[derive(Default)]
struct Applied {
    generation: Mutex<u64>,
    changed: Condvar,
}

impl Applied {
    fn mark(&self, generation: u64) {
        let mut applied = self
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *applied = generation;
        self.changed.notify_all();
    }

    /// Waits (at most a few seconds) until `generation` is in force.
    fn wait(&self, generation: u64) {
        let applied = self
            .generation
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _ = self
            .changed
            .wait_timeout_while(applied, Duration::from_secs(5), |g| *g < generation);
    }
}

/// The running front; dropping it closes the port and every connection.
pub(crate) struct Front {
    addr: SocketAddr,
    mode: watch::Sender<Switch>,
    applied: Arc<Applied>,
}

impl Front {
    /// Binds loopback `port` (0: any free one) and starts relaying to `backend`.
    pub(crate) fn start(port: u16, backend: SocketAddr) -> io::Result<Self> {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let (mode, watched) = watch::channel((0, Mode::Up));
        let applied = Arc::new(Applied::default());
        let marks = Arc::clone(&applied);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        std::thread::Builder::new()
            .name(format!("keyward-emulator-front-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    if let Ok(listener) = TcpListener::from_std(listener) {
                        run(listener, addr, backend, watched, &marks).await;
                    }
                });
            })?;
        Ok(Self {
            addr,
            mode,
            applied,
        })
    }

    /// The public address.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Switches mode and returns once it is in force (the port closed or listening again); a
    /// change closes every open connection (a real outage cuts them too).
    pub(crate) fn set(&self, mode: Mode) {
        let mut generation = 0;
        let changed = self.mode.send_if_modified(|current| {
            if current.1 == mode {
                return false;
            }
            *current = (current.0.saturating_add(1), mode);
            generation = current.0;
            true
        });
        if changed {
            self.applied.wait(generation);
        }
    }
}

/// Serves until the [`Front`] is dropped.
async fn run(
    listener: TcpListener,
    addr: SocketAddr,
    backend: SocketAddr,
    mut mode: watch::Receiver<Switch>,
    applied: &Applied,
) {
    let mut listener = Some(listener);
    // While refusing, the port stays bound but not listening, so no one else takes it.
    let mut reserved: Option<TcpSocket> = None;
    loop {
        let (generation, current) = *mode.borrow_and_update();
        if current == Mode::Refuse {
            if listener.take().is_some() {
                reserved = reserve(addr).ok();
            }
        } else if listener.is_none() {
            listener = relisten(addr, reserved.take()).await;
        }
        applied.mark(generation);
        let Some(open) = listener.as_ref().filter(|_| current != Mode::Refuse) else {
            if mode.changed().await.is_err() {
                return;
            }
            continue;
        };
        tokio::select! {
            accepted = open.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::spawn(serve(stream, backend, current, mode.clone()));
                }
            }
            changed = mode.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}

/// Binds `addr` without listening.
fn reserve(addr: SocketAddr) -> io::Result<TcpSocket> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    Ok(socket)
}

/// Listens on `addr` again, on the reserved socket if there is one; retries for a while when the
/// port is busy.
async fn relisten(addr: SocketAddr, reserved: Option<TcpSocket>) -> Option<TcpListener> {
    if let Some(listener) = reserved.and_then(|socket| socket.listen(1024).ok()) {
        return Some(listener);
    }
    for _ in 0..100 {
        if let Ok(listener) = reserve(addr).and_then(|socket| socket.listen(1024)) {
            return Some(listener);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    None
}

/// One connection, as the mode was when it was accepted, until it ends or the mode changes.
async fn serve(
    mut stream: TcpStream,
    backend: SocketAddr,
    accepted_in: Mode,
    mut mode: watch::Receiver<Switch>,
) {
    if accepted_in == Mode::Hang {
        let mut sink = tokio::io::sink();
        tokio::select! {
            _ = tokio::io::copy(&mut stream, &mut sink) => {}
            _ = mode.changed() => {}
        }
        return;
    }
    let Ok(mut upstream) = TcpStream::connect(backend).await else {
        return;
    };
    let _ = stream.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut stream, &mut upstream) => {}
        _ = mode.changed() => {}
    }
}
