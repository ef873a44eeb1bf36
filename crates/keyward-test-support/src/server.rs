//! The loopback server: binds 127.0.0.1, serves a [`Fault`] or canned [`Route`]s to every request
//! (or relays every connection), counts what it sees, and stops when dropped.

use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

use crate::counters::Counters;
use crate::fault::Fault;
use crate::request::read_request;
use crate::route::{Route, answer_for};

/// How long a connection is served by default.
const LIFETIME: Duration = Duration::from_secs(15);
/// How long a relayed connection lasts by default (a pooled connection carries many calls).
const RELAY_LIFETIME: Duration = Duration::from_secs(60);

/// A server to start: what it does, after what delay, for how long.
#[derive(Debug, Clone)]
#[must_use]
pub struct Loopback {
    serves: Serves,
    delay: Duration,
    lifetime: Duration,
    keep_heads: bool,
}

#[derive(Debug, Clone)]
enum Serves {
    Fault(Fault),
    /// The answer of the route matching each request, an empty 404 for any other.
    Routes(Vec<Route>),
    /// Copies each connection's bytes both ways to `target` (`host:port`).
    Relay {
        target: String,
        path: String,
    },
}

impl Loopback {
    /// Serves `fault` to every request, on connections kept as long as the client keeps them.
    pub fn new(fault: Fault) -> Self {
        Self {
            serves: Serves::Fault(fault),
            delay: Duration::ZERO,
            lifetime: LIFETIME,
            keep_heads: true,
        }
    }

    /// Answers each request with its route's bytes (an empty 404 when no route has its method
    /// and path), on connections kept as long as the client keeps them.
    pub fn routes(routes: Vec<Route>) -> Self {
        Self {
            serves: Serves::Routes(routes),
            ..Self::new(Fault::Closed)
        }
    }

    /// A TCP relay in front of `upstream` (`http://host:port/base/path`); the relay's URL keeps
    /// the path. It counts connections, not requests; each lasts at most 60 s by default.
    pub fn relay(upstream: &str) -> Self {
        let rest = upstream.trim_start_matches("http://");
        let (target, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        Self {
            serves: Serves::Relay {
                target: target.to_owned(),
                path: path.to_owned(),
            },
            delay: Duration::ZERO,
            lifetime: RELAY_LIFETIME,
            keep_heads: true,
        }
    }

    /// Waits this long after reading each request before answering it (none by default).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Ends every connection after this long (15 s by default, 60 s for a relay).
    pub fn lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Whether [`Server::heads`] keeps every request head (yes by default); a long benchmark
    /// turns it off so the list does not grow with every call.
    pub fn keep_heads(mut self, keep: bool) -> Self {
        self.keep_heads = keep;
        self
    }

    /// Binds a free loopback port and starts serving.
    pub async fn start(self) -> io::Result<Server> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        match &self.serves {
            Serves::Fault(Fault::Refused) => {
                let address = listener.local_addr()?;
                drop(listener);
                Ok(Server {
                    url: format!("http://{address}"),
                    address,
                    shared: Arc::new(self.shared(String::new())),
                    elsewhere: None,
                    task: None,
                })
            }
            Serves::Fault(Fault::Redirect) => {
                let target = Self::new(Fault::Answer(200, "", b"{}")).lifetime(self.lifetime);
                let target =
                    target.listen(TcpListener::bind("127.0.0.1:0").await?, String::new())?;
                let location = format!("http://localhost:{}/moved", target.address.port());
                let mut server = self.listen(listener, location)?;
                server.elsewhere = Some(Box::new(target));
                Ok(server)
            }
            _ => self.listen(listener, String::new()),
        }
    }

    fn shared(self, location: String) -> Shared {
        Shared {
            serves: self.serves,
            delay: self.delay,
            lifetime: self.lifetime,
            keep_heads: self.keep_heads,
            location,
            counters: Counters::default(),
            heads: Mutex::default(),
        }
    }

    /// Accepts connections on `listener` until the server is dropped.
    fn listen(self, listener: TcpListener, location: String) -> io::Result<Server> {
        let address = listener.local_addr()?;
        let url = match &self.serves {
            Serves::Relay { path, .. } => format!("http://{address}{path}"),
            Serves::Fault(_) | Serves::Routes(_) => format!("http://{address}"),
        };
        let shared = Arc::new(self.shared(location));
        let accepting = shared.clone();
        let task = tokio::spawn(async move {
            // Dropped with this task when the server is: every connection ends then too.
            let mut connections = JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                while connections.try_join_next().is_some() {}
                let shared = accepting.clone();
                connections.spawn(async move {
                    let _open = shared.counters.connection();
                    let _ = tokio::time::timeout(shared.lifetime, shared.serve(stream)).await;
                });
            }
        });
        Ok(Server {
            url,
            address,
            shared,
            elsewhere: None,
            task: Some(task),
        })
    }
}

/// What every connection of one server shares.
#[derive(Debug)]
struct Shared {
    serves: Serves,
    delay: Duration,
    lifetime: Duration,
    keep_heads: bool,
    /// Where [`Fault::Redirect`] points.
    location: String,
    counters: Counters,
    heads: Mutex<Vec<String>>,
}

impl Shared {
    async fn serve(&self, mut stream: TcpStream) {
        if let Serves::Relay { target, .. } = &self.serves {
            if let Ok(mut upstream) = TcpStream::connect(target).await {
                let _ = tokio::io::copy_bidirectional(&mut stream, &mut upstream).await;
            }
            return;
        }
        // Each answer is one write; send it at once rather than wait for the client's ack.
        let _ = stream.set_nodelay(true);
        let mut buffer = Vec::new();
        while let Some(head) = read_request(&mut stream, &mut buffer).await {
            self.counters.request();
            if self.keep_heads {
                self.heads
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(head.clone());
            }
            {
                let _busy = self.counters.answering();
                if !self.delay.is_zero() {
                    tokio::time::sleep(self.delay).await;
                }
            }
            let answered = match &self.serves {
                Serves::Fault(fault) => fault.respond(&mut stream, &self.location).await,
                Serves::Routes(routes) => {
                    let bytes = answer_for(routes, &head);
                    stream.write_all(bytes).await.is_ok()
                }
                Serves::Relay { .. } => false,
            };
            if !answered {
                return;
            }
        }
    }
}

/// A running server. Dropping it stops it: its tasks are aborted and its connections end.
#[derive(Debug)]
pub struct Server {
    url: String,
    address: SocketAddr,
    shared: Arc<Shared>,
    /// The redirect target of [`Fault::Redirect`].
    elsewhere: Option<Box<Server>>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// The base URL: `http://127.0.0.1:<port>` (with the upstream's path for a relay).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The loopback address (nobody listens on it for [`Fault::Refused`]).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// What the server saw.
    pub fn counters(&self) -> &Counters {
        &self.shared.counters
    }

    /// Requests read in all.
    pub fn requests(&self) -> usize {
        self.counters().requests()
    }

    /// The head (request line and headers) of every request read, in order.
    pub fn heads(&self) -> Vec<String> {
        self.shared
            .heads
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Cuts the network: the listener closes (new connections are refused) and every open
    /// connection ends, as when the network goes away in the middle of a run. Dropping the
    /// server does the same.
    pub fn cut(&self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }

    /// Requests the redirect target of [`Fault::Redirect`] saw (0 for any other server).
    pub fn elsewhere(&self) -> usize {
        self.elsewhere
            .as_ref()
            .map_or(0, |target| target.requests())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.cut();
    }
}
