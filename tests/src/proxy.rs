//! A TCP proxy to put between a client (the browser) and a test server, to cut the network
//! and give it back: [`Proxy::cut`] drops every open connection and refuses new ones,
//! [`Proxy::restore`] lets connections through again. What goes through is not looked at.

use std::net::SocketAddr;

use anyhow::Context as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use crate::TestServer;

/// The proxy's state: whether it lets connections through, and how many cuts it has had
/// (a connection opened before the latest cut is dropped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Link {
    up: bool,
    cuts: u64,
}

/// A running proxy; it stops when dropped (the connections it carries with it).
pub struct Proxy {
    /// `http://127.0.0.1:PORT`: the address to give the client instead of the server's.
    pub base_url: String,
    link: watch::Sender<Link>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
        // The connections' tasks end with the watch channel: a cut that never heals.
        self.link.send_modify(|link| {
            link.up = false;
            link.cuts += 1;
        });
    }
}

impl Proxy {
    /// Starts a proxy in front of `server`, letting connections through.
    ///
    /// # Errors
    ///
    /// Fails when the server's address cannot be read or no port is free.
    pub async fn start(server: &TestServer) -> anyhow::Result<Proxy> {
        let target: SocketAddr = server
            .base_url
            .trim_start_matches("http://")
            .parse()
            .with_context(|| format!("the server's address in {}", server.base_url))?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let (link, _) = watch::channel(Link { up: true, cuts: 0 });
        let task = tokio::spawn(accept(listener, target, link.clone()));
        Ok(Proxy {
            base_url,
            link,
            task,
        })
    }

    /// Drops every connection open now and refuses new ones (each is accepted and closed
    /// before a byte goes through) until [`Proxy::restore`].
    pub fn cut(&self) {
        self.link.send_modify(|link| {
            link.up = false;
            link.cuts += 1;
        });
    }

    /// Lets new connections through again.
    pub fn restore(&self) {
        self.link.send_modify(|link| link.up = true);
    }
}

/// Accepts connections for as long as the proxy lives.
async fn accept(listener: TcpListener, target: SocketAddr, link: watch::Sender<Link>) {
    loop {
        let Ok((inbound, _)) = listener.accept().await else {
            continue;
        };
        let now = *link.borrow();
        if !now.up {
            drop(inbound);
            continue;
        }
        tokio::spawn(forward(inbound, target, now.cuts, link.subscribe()));
    }
}

/// Carries one connection both ways until either side closes it or the proxy is cut.
async fn forward(
    mut inbound: TcpStream,
    target: SocketAddr,
    cuts: u64,
    mut link: watch::Receiver<Link>,
) {
    let Ok(mut outbound) = TcpStream::connect(target).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
        // A cut (or the proxy dropped): both streams close as this returns.
        _ = link.wait_for(|link| link.cuts != cuts) => {}
    }
}
