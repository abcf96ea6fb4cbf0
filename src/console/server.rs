//! The console's HTTP server (docs/design.md §16): the page and its assets, the session
//! exchange, and the data under the console's random prefix: the actor's state, the event
//! stream (server-sent events, history first) and the key-value store. Read-only: nothing
//! here changes the actor, its store or the run.

use std::convert::Infallible;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, StreamBody};
use hyper::body::Frame;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use super::auth::{self, Secrets};
use super::hub::Hub;
use super::state;
use crate::host::Runner;

/// Open connections at most; more are closed on accept.
pub const MAX_CONNECTIONS: usize = 64;
/// Event streams open at once (each page holds one); more get 503.
pub const MAX_STREAMS: usize = 16;
/// How long a client may take to send its request head.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// A comment line on an idle event stream this often (proxies and browsers keep it open).
const KEEPALIVE: Duration = Duration::from_secs(15);
/// How long an event stream waits after a new event for more to send with it.
const GATHER: Duration = Duration::from_millis(20);
/// JSON handed to one write of an event stream at most.
const STREAM_BATCH_BYTES: usize = 256 << 10;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// Every response's security headers: a strict policy (scripts and styles only from the
/// console's own files, no inline code, Trusted Types so no string can become markup through
/// `innerHTML`), no framing, no referrer, no sniffing, no cross-origin reads; never CORS.
const SECURITY_HEADERS: [(&str, &str); 8] = [
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; \
         require-trusted-types-for 'script'; trusted-types 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("cross-origin-resource-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
    ("cache-control", "no-store"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

type Body = BoxBody<Bytes, Infallible>;

/// What every request handler shares.
pub struct Shared {
    pub hub: Arc<Hub>,
    pub runner: Arc<Runner>,
    pub secrets: Secrets,
    pub bound: SocketAddr,
    /// The page, with the API prefix filled in.
    index: String,
    streams: AtomicUsize,
}

impl Shared {
    pub fn new(hub: Arc<Hub>, runner: Arc<Runner>, secrets: Secrets, bound: SocketAddr) -> Shared {
        let index = INDEX_HTML.replace("{{API}}", &secrets.scope);
        Shared {
            hub,
            runner,
            secrets,
            bound,
            index,
            streams: AtomicUsize::new(0),
        }
    }
}

/// Accepts connections on `listener` and serves each on a task of its own, until the task
/// running this is dropped (which drops the connections too).
pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
        };
        let Ok((stream, _)) = accepted else {
            // Out of file descriptors and the like: back off, then keep serving.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        // Past the cap, a new connection is closed at once rather than held.
        let Ok(permit) = Arc::clone(&connections).try_acquire_owned() else {
            continue;
        };
        let shared = Arc::clone(&shared);
        tasks.spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(handle(request, &shared).await) }
            });
            // A client that never finishes its request head is dropped (slowloris), and no
            // connection idles between requests (the page makes few; an idle keep-alive
            // connection would hold one of the few places without asking anything).
            let _ = hyper::server::conn::http1::Builder::new()
                .keep_alive(false)
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Answers one request: the `Host` check first (for every path), then the route.
pub async fn handle<B>(request: Request<B>, shared: &Arc<Shared>) -> Response<Body> {
    let mut response = route(&request, shared).await;
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

async fn route<B>(request: &Request<B>, shared: &Arc<Shared>) -> Response<Body> {
    let headers = request.headers();
    if !auth::host_allowed(headers, shared.bound) {
        return text(
            StatusCode::FORBIDDEN,
            "this is a wzt console: open it at the address wzt printed (the Host header names another site)\n",
        );
    }
    let path = request.uri().path();
    let method = request.method();
    match (method, path) {
        (&Method::GET, "/") => respond(
            StatusCode::OK,
            "text/html; charset=utf-8",
            shared.index.clone(),
        ),
        (&Method::GET, "/app.js") => {
            respond(StatusCode::OK, "text/javascript; charset=utf-8", APP_JS)
        }
        (&Method::GET, "/app.css") => respond(StatusCode::OK, "text/css; charset=utf-8", APP_CSS),
        (&Method::GET, "/favicon.ico") => respond(StatusCode::NO_CONTENT, "image/x-icon", ""),
        (&Method::POST, "/session") => session(headers, shared),
        _ => match path.strip_prefix(shared.secrets.scope.as_str()) {
            Some(rest) => data(request, rest, shared).await,
            None => text(StatusCode::NOT_FOUND, "not found\n"),
        },
    }
}

/// The first-load exchange: the page sends the token from its URL's fragment as a bearer
/// token, and gets the session cookie, scoped to the API prefix.
fn session(headers: &hyper::HeaderMap, shared: &Shared) -> Response<Body> {
    if !auth::same_origin(headers, shared.bound) {
        return text(StatusCode::FORBIDDEN, "not from the console's own page\n");
    }
    if !shared.secrets.has_bearer(headers) {
        return unauthorized();
    }
    let mut response = json(&serde_json::json!({ "api": shared.secrets.scope }));
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&shared.secrets.cookie()).expect("a cookie of base64url and hex"),
    );
    response
}

/// The data routes: only with the session cookie, only from the console's own page.
async fn data<B>(request: &Request<B>, route: &str, shared: &Arc<Shared>) -> Response<Body> {
    let headers = request.headers();
    if !shared.secrets.has_session(headers) {
        return unauthorized();
    }
    if !auth::same_origin(headers, shared.bound) {
        return text(StatusCode::FORBIDDEN, "not from the console's own page\n");
    }
    if request.method() != Method::GET {
        return text(StatusCode::METHOD_NOT_ALLOWED, "the console is read-only\n");
    }
    let query = |name: &str| {
        form_urlencoded::parse(request.uri().query().unwrap_or_default().as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    match route {
        "api/state" => json(&state::of(&shared.runner, &shared.hub)),
        "api/events" => {
            let resume = headers
                .get("last-event-id")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .map(|seq| seq + 1);
            events(shared, resume.unwrap_or(1))
        }
        "api/kv" => {
            let runner = Arc::clone(&shared.runner);
            blocking_json(move || state::buckets(&runner)).await
        }
        "api/kv/entries" => {
            let Some(bucket) = query("bucket") else {
                return text(StatusCode::BAD_REQUEST, "which bucket? ?bucket=NAME\n");
            };
            let cursor = query("cursor").and_then(|c| c.parse().ok()).unwrap_or(0);
            let runner = Arc::clone(&shared.runner);
            blocking_json(move || state::entries(&runner, &bucket, cursor)).await
        }
        _ => text(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// A store read off the async threads (SQLite may wait on a lock).
async fn blocking_json<T: serde::Serialize + Send + 'static>(
    read: impl FnOnce() -> T + Send + 'static,
) -> Response<Body> {
    match tokio::task::spawn_blocking(read).await {
        Ok(value) => json(&value),
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "the read failed\n"),
    }
}

/// The event stream from sequence number `from`: the history first, then each event as it
/// comes. The body is produced only as fast as the client reads it; one that falls out of
/// the history is told how many it missed.
fn events(shared: &Arc<Shared>, from: u64) -> Response<Body> {
    if shared.streams.fetch_add(1, Ordering::SeqCst) >= MAX_STREAMS {
        shared.streams.fetch_sub(1, Ordering::SeqCst);
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many open console pages; close some\n",
        );
    }
    let stream = EventStream {
        shared: Arc::clone(shared),
        latest: shared.hub.subscribe(),
        next: from,
        started: false,
    };
    let body = futures_util::stream::unfold(stream, |mut stream| async move {
        let chunk = stream.next_chunk().await;
        Some((Ok::<_, Infallible>(Frame::data(chunk)), stream))
    });
    let mut response = Response::new(StreamBody::new(body).boxed());
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    response
}

/// One page's place in the event stream.
struct EventStream {
    shared: Arc<Shared>,
    latest: tokio::sync::watch::Receiver<u64>,
    next: u64,
    started: bool,
}

impl EventStream {
    /// The next bytes to send: a batch of entries, a note of entries missed, or a keep-alive
    /// comment after [`KEEPALIVE`] without events.
    async fn next_chunk(&mut self) -> Bytes {
        let mut out = Vec::new();
        if !self.started {
            self.started = true;
            out.extend_from_slice(b"retry: 2000\n\n");
        }
        loop {
            self.latest.borrow_and_update();
            let since = self.shared.hub.since(self.next, STREAM_BATCH_BYTES);
            if since.missed > 0 {
                write!(
                    out,
                    "event: missed\ndata: {{\"missed\":{}}}\n\n",
                    since.missed
                )
                .expect("a Vec takes every write");
            }
            for entry in &since.entries {
                // The JSON has no line break in it: one `data:` line.
                write!(out, "id: {}\ndata: ", entry.seq).expect("a Vec takes every write");
                entry.write_json(&mut out);
                out.extend_from_slice(b"\n\n");
                self.next = entry.seq + 1;
            }
            if !out.is_empty() {
                return Bytes::from(out);
            }
            match tokio::time::timeout(KEEPALIVE, self.latest.changed()).await {
                // Let a burst gather: one write for many events, not one wake-up and write
                // per event while the actor is busy.
                Ok(Ok(())) => tokio::time::sleep(GATHER).await,
                Ok(Err(_)) | Err(_) => return Bytes::from_static(b": keep-alive\n\n"),
            }
        }
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.shared.streams.fetch_sub(1, Ordering::SeqCst);
    }
}

fn respond(
    status: StatusCode,
    content_type: &'static str,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut response = Response::new(Full::new(body.into()).boxed());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

fn text(status: StatusCode, message: &'static str) -> Response<Body> {
    respond(status, "text/plain; charset=utf-8", message)
}

fn json(value: &impl serde::Serialize) -> Response<Body> {
    let body = serde_json::to_vec(value).expect("console data serializes");
    respond(StatusCode::OK, "application/json", body)
}

fn unauthorized() -> Response<Body> {
    text(
        StatusCode::UNAUTHORIZED,
        "the console needs its token: open the full console URL wzt printed (with its #token=…)\n",
    )
}
