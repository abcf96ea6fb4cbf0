//! Serving an HTTP actor: on a listener until shutdown, or one request in-process.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use anyhow::Context as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::Actor;

/// Open client connections at most; more are closed on accept.
pub const MAX_CONNECTIONS: usize = 1024;
/// How long a client may take to send its request head.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a response write may make no progress (a client that does not read what it asked
/// for) before the connection is reset. nginx's `send_timeout` default: "progress" is the
/// socket taking more bytes, which the kernel reports only once a good part of its send
/// buffer (megabytes, auto-sized) has drained, so a shorter limit cut off slow but steady
/// readers (a red-team pass: 10 s cut readers under ~150 KB/s; 60 s lets ~30 KB/s through).
pub const WRITE_STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// How long in-flight requests may take to finish once shutdown starts.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Binds `addr` (so the caller can report the bound address before serving).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))
}

/// The actor a server answers with; `wzt dev` swaps it without dropping the listener.
/// Requests that started keep the actor they started with.
pub struct ActorSlot(std::sync::RwLock<Arc<Actor>>);

impl ActorSlot {
    pub fn new(actor: Arc<Actor>) -> ActorSlot {
        ActorSlot(std::sync::RwLock::new(actor))
    }

    pub fn current(&self) -> Arc<Actor> {
        Arc::clone(&self.0.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn replace(&self, actor: Arc<Actor>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = actor;
    }
}

/// How many threads serve connections: one per CPU the process may use.
pub fn serving_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// A connection handed to a serving thread, with its place under [`MAX_CONNECTIONS`].
type Handoff = (std::net::TcpStream, tokio::sync::OwnedSemaphorePermit);

/// Serves the actor in `slot` on `listener` until `shutdown` completes; then stops accepting
/// and lets in-flight requests finish (up to [`SHUTDOWN_GRACE`]). Returns whether all finished.
///
/// Connections are accepted here and handed round-robin to [`serving_threads`] threads, each
/// with a single-threaded runtime of its own: a connection, its requests and the invocations
/// they start stay on one thread, so no request pays for waking another core or moving a task
/// between cores (with a work-stealing runtime that was a large share of the time at load;
/// BENCHMARKS.md). A CPU-bound guest cannot hold its thread: a guest yields at every epoch
/// tick (`Actor::handle`), and lets the runtime poll I/O before it runs again
/// (`super::fair::YieldToIo`), so the other connections of its thread keep being served.
pub async fn serve(
    slot: Arc<ActorSlot>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<bool> {
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut feeds = Vec::new();
    let mut finished = Vec::new();
    for n in 0..serving_threads() {
        let (feed, incoming) = tokio::sync::mpsc::unbounded_channel::<Handoff>();
        let (done, all_finished) = tokio::sync::oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("cannot start a serving thread's runtime")?;
        let slot = Arc::clone(&slot);
        std::thread::Builder::new()
            .name(format!("wzt-serve-{n}"))
            .spawn(move || {
                let _ = done.send(runtime.block_on(serve_connections(slot, incoming)));
            })
            .context("cannot start a serving thread")?;
        feeds.push(feed);
        finished.push(all_finished);
    }
    tokio::pin!(shutdown);
    let mut next = 0;
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(conn) => conn,
                    // Out of file descriptors and the like: back off, then keep serving.
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Past the cap, a new connection is closed at once rather than held.
                let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
                    drop(stream);
                    continue;
                };
                // Leaves this runtime's reactor; the serving thread registers it with its own.
                let Ok(stream) = stream.into_std() else { continue };
                let _ = feeds[next % feeds.len()].send((stream, permit));
                next += 1;
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    // Closing the feeds tells each thread to stop taking connections and drain.
    drop(feeds);
    let mut clean = true;
    for all_finished in finished {
        clean &= all_finished.await.unwrap_or(false);
    }
    Ok(clean)
}

/// One serving thread: serves the connections it is handed until the feed closes, then lets
/// in-flight requests finish (up to [`SHUTDOWN_GRACE`]). Returns whether all finished.
async fn serve_connections(
    slot: Arc<ActorSlot>,
    mut incoming: tokio::sync::mpsc::UnboundedReceiver<Handoff>,
) -> bool {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    while let Some((stream, permit)) = incoming.recv().await {
        let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let slot = Arc::clone(&slot);
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let actor = slot.current();
                async move { Ok::<_, std::convert::Infallible>(actor.handle(req).await) }
            });
        // A client that never finishes its request head is dropped (slowloris).
        let conn = http1::Builder::new()
            .keep_alive(true)
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT)
            .serve_connection(TokioIo::new(StallGuard::new(stream)), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _permit = permit;
            let _ = conn.await;
        });
    }
    tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_ok()
}

/// A connection's stream whose writes may stall for at most [`WRITE_STALL_TIMEOUT`]: a client
/// that stops reading its response would otherwise hold the connection (and one of the
/// [`MAX_CONNECTIONS`]) for as long as it likes, after the invocation's deadline too (the
/// response sits in the socket buffers; a red-team pass). The timer is made only when a write
/// cannot go through at once.
struct StallGuard {
    inner: tokio::net::TcpStream,
    stalled: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
}

impl StallGuard {
    fn new(inner: tokio::net::TcpStream) -> StallGuard {
        StallGuard {
            inner,
            stalled: None,
        }
    }

    /// After a write returned `Pending`: fails once it has been stalled for too long.
    fn check_stall<T>(&mut self, cx: &mut std::task::Context<'_>) -> Poll<std::io::Result<T>> {
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(WRITE_STALL_TIMEOUT)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => {
                // Reset rather than close: a closed socket would keep the unsent megabytes in
                // the kernel for as long as the client keeps the connection open, outside the
                // connection cap (a red-team pass).
                let _ = self.inner.set_zero_linger();
                Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the client read nothing of its response for too long",
                )))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn progressed<T>(
        &mut self,
        result: Poll<std::io::Result<T>>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<T>> {
        match result {
            Poll::Pending => self.check_stall(cx),
            ready => {
                self.stalled = None;
                ready
            }
        }
    }
}

impl tokio::io::AsyncRead for StallGuard {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for StallGuard {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.progressed(result, cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.progressed(result, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        let result = Pin::new(&mut self.inner).poll_flush(cx);
        self.progressed(result, cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The largest response body `request_once` reads.
pub const MAX_REQUEST_RESPONSE: usize = 64 << 20;

/// A response read whole.
#[derive(Debug)]
pub struct CollectedResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
    /// Why the body ended early (cut off at the deadline, or over the size limit); `body` holds
    /// what came before.
    pub body_error: Option<String>,
}

/// Sends one request to `actor` in-process and reads the whole response.
pub async fn request_once(
    actor: &Arc<Actor>,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Bytes,
) -> anyhow::Result<CollectedResponse> {
    let mut builder = hyper::Request::builder()
        .method(method)
        .uri(format!("http://localhost{path}"));
    for (k, v) in headers {
        builder = builder.header(k, v);
    }
    let request = builder
        .body(Full::new(body).map_err(
            |never: std::convert::Infallible| -> wasmtime_wasi_http::Error { match never {} },
        ))
        .context("invalid request")?;
    let response = actor.handle(request).await;
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    // Read frame by frame, so a body cut off (by the deadline) keeps what came before.
    let mut body_in = std::pin::pin!(response.into_body());
    let mut body = Vec::new();
    let mut body_error = None;
    while let Some(frame) = body_in.frame().await {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    if body.len() + data.len() > MAX_REQUEST_RESPONSE {
                        body_error = Some(format!(
                            "the response body is larger than {} MiB, the most --request reads",
                            MAX_REQUEST_RESPONSE >> 20
                        ));
                        break;
                    }
                    body.extend_from_slice(&data);
                }
            }
            Err(wasmtime_wasi_http::Error::HttpResponseTimeout) => {
                body_error = Some(
                    "the response body was cut off: the actor ran past its deadline (--timeout) while sending it"
                        .into(),
                );
                break;
            }
            Err(e) => {
                body_error = Some(format!("the response body was cut off: {e}"));
                break;
            }
        }
    }
    Ok(CollectedResponse {
        status,
        headers,
        body: body.into(),
        body_error,
    })
}
