//! The console (docs/design.md §16): a web page served beside a running actor that shows,
//! live, what the actor was asked and what it asked of its host: requests with their headers
//! and capability calls, denials with their fix, logs and guest output, traps and timeouts,
//! `wzt dev`'s builds and reloads, the claims and grants with what was used of them, the
//! key-value store, and lattice verdicts.
//!
//! It is one more consumer of the runner's [`HostEvent`](crate::host::HostEvent)s: a
//! [`Console`] is made first and its [`Console::beside`] joins the caller's sink (so the dev loop's
//! first build is recorded too); once the [`Runner`] runs, [`Console::start`] serves it.
//! Nothing here prints, and nothing here changes the actor or its data.
//!
//! Security: loopback by default; a 256-bit token in the URL's fragment, exchanged once for
//! an `HttpOnly`, `SameSite=Strict` cookie scoped to a random path; every data request
//! without it gets 401; the `Host` header must name the console (DNS rebinding); requests a
//! browser marks as coming from another site or port are refused; no CORS; a strict
//! Content-Security-Policy with Trusted Types; the page renders every outside string as text
//! (`assets/app.js` never assigns markup).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;

use crate::host::{EventSink, HostEvent, Runner};

mod auth;
mod fix;
mod hub;
mod server;
mod state;

pub use fix::{Fix, Paste};
pub use hub::{Entry, Hub, MAX_EVENTS, MAX_HISTORY_BYTES, Use};
pub use server::{MAX_CONNECTIONS, MAX_STREAMS};

/// Where a console listens unless told: loopback, a free port.
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// A console being fed events, not yet serving.
pub struct Console {
    hub: Arc<Hub>,
}

impl Default for Console {
    fn default() -> Self {
        Console::new()
    }
}

impl Console {
    pub fn new() -> Console {
        Console { hub: Hub::new() }
    }

    /// The sink that shows every event to `show` (the caller's own: the stderr printer), then
    /// records it for the page (which keeps it: no copy is made on the serving thread).
    pub fn beside(&self, show: impl Fn(&HostEvent) + Send + Sync + 'static) -> EventSink {
        let hub = Arc::clone(&self.hub);
        Arc::new(move |event| {
            show(&event);
            hub.record(event)
        })
    }

    /// Binds `listen` and serves the console of `runner` on the current tokio runtime until
    /// the returned [`Serving`] is dropped.
    pub async fn start(&self, listen: SocketAddr, runner: Arc<Runner>) -> anyhow::Result<Serving> {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("the console cannot listen on {listen}"))?;
        let addr = listener.local_addr()?;
        let secrets = auth::Secrets::generate();
        let shown = match addr.ip() {
            ip if ip.is_unspecified() && ip.is_ipv4() => {
                SocketAddr::new(std::net::Ipv4Addr::LOCALHOST.into(), addr.port())
            }
            ip if ip.is_unspecified() => {
                SocketAddr::new(std::net::Ipv6Addr::LOCALHOST.into(), addr.port())
            }
            _ => addr,
        };
        let url = format!("http://{shown}/#token={}", secrets.token);
        let shared = Arc::new(server::Shared::new(
            Arc::clone(&self.hub),
            runner,
            secrets,
            addr,
        ));
        let task = tokio::spawn(server::serve(listener, shared));
        Ok(Serving {
            addr,
            url,
            task: task.abort_handle(),
        })
    }
}

/// A console serving; it stops when this is dropped.
pub struct Serving {
    addr: SocketAddr,
    url: String,
    task: tokio::task::AbortHandle,
}

impl Serving {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The URL to open, with the token in its fragment (`http://127.0.0.1:PORT/#token=…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Whether only this machine can reach it.
    pub fn is_loopback(&self) -> bool {
        self.addr.ip().is_loopback()
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.task.abort();
    }
}
