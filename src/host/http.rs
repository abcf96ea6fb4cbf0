//! Serving an HTTP actor: on a listener until shutdown, or one request in-process.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
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

/// Serves the actor in `slot` on `listener` until `shutdown` completes; then stops accepting
/// and lets in-flight requests finish (up to [`SHUTDOWN_GRACE`]). Returns whether all finished.
pub async fn serve(
    slot: Arc<ActorSlot>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<bool> {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(shutdown);
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
                let slot = Arc::clone(&slot);
                let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    let actor = slot.current();
                    async move { Ok::<_, std::convert::Infallible>(actor.handle(req).await) }
                });
                // A client that never finishes its request head is dropped (slowloris).
                let conn = http1::Builder::new()
                    .keep_alive(true)
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEADER_READ_TIMEOUT)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _permit = permit;
                    let _ = conn.await;
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    Ok(tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_ok())
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
