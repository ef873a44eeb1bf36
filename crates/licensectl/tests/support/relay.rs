//! A TCP relay whose network can be cut in the middle of a run.

/// A TCP relay to an emulator that can be cut: every connection is closed and new ones are
/// refused, as when the network goes away in the middle of a run.
pub(crate) struct Relay {
    pub(crate) uri: String,
    cut: tokio::sync::watch::Sender<bool>,
}

impl Relay {
    pub(crate) async fn to(target_uri: &str) -> Self {
        let target = target_uri.trim_start_matches("http://").to_owned();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        let (cut, watch) = tokio::sync::watch::channel(false);
        tokio::spawn(async move {
            let mut stop = watch.clone();
            loop {
                let (mut inbound, _) = tokio::select! {
                    accepted = listener.accept() => accepted.unwrap(),
                    _ = stop.changed() => return, // the listener is dropped: connects are refused
                };
                let target = target.clone();
                let mut stop = watch.clone();
                tokio::spawn(async move {
                    let mut outbound = tokio::net::TcpStream::connect(target).await.unwrap();
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = stop.changed() => {}
                    }
                });
            }
        });
        Self { uri, cut }
    }

    pub(crate) fn cut(&self) {
        self.cut.send_replace(true);
    }
}
