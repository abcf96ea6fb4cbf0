//! One actor: compiled (or loaded from the cache), checked against its grants, and
//! pre-instantiated; then invoked with a new `Store` each time.

use std::future::Future as _;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, anyhow, bail};
use tokio::sync::Semaphore;
use wasmtime::component::{Component, InstancePre, ResourceTable};
use wasmtime::{Module, Store};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};
use wasmtime_wasi_http::WasiHttpCtx;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use super::cache::{EntryName, Lookup};
use super::engine::Host;
use super::link;
use super::link::EnforcementError;
use super::providers::Providers;
use super::providers::http_client::HttpClientHooks;
use super::providers::messaging::IncomingRequest;
use super::state::{ComponentState, ModuleState};
use super::{EventSink, HostEvent, RequestRecord};
use crate::caps::Grants;
use crate::verify::Admitted;
use crate::wasm::ArtifactKind;

/// Resources (handles to host-side objects) one invocation may hold at once.
const MAX_RESOURCES: usize = 10_000;
/// How much guest stdout/stderr an HTTP invocation keeps (the rest is dropped).
const CAPTURE_LIMIT: usize = 1 << 20;
/// Stderr lines shown with a trap.
const STDERR_TAIL_LINES: usize = 20;

/// What the actor offers the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryPoint {
    /// A component exporting `wasi:http/incoming-handler`.
    Http,
    /// A component exporting `wasi:cli/run`.
    Command,
    /// A WASI preview 1 core module with `_start`.
    Preview1,
    /// A component exporting only `wasmcloud:messaging/handler`.
    Messaging,
}

enum Prepared {
    Http(ProxyPre<ComponentState>),
    Command(InstancePre<ComponentState>),
    Preview1(wasmtime::InstancePre<ModuleState>),
    Messaging,
}

type MessagingPre = super::providers::messaging::bindings::MessagingPre<ComponentState>;

/// Why an admitted actor cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// It imports or serves something its grants do not allow, or that this host does not
    /// provide: a failed check (exit 1). Names in it are the artifact's (escape to show).
    #[error(transparent)]
    Refused(#[from] EnforcementError),
    /// It cannot run here: it does not compile or link, or has no entry point this host
    /// knows (an input error, exit 2).
    #[error(transparent)]
    Unusable(anyhow::Error),
}

impl LoadError {
    fn unusable(e: impl Into<anyhow::Error>) -> LoadError {
        LoadError::Unusable(e.into())
    }
}

/// A checked, pre-instantiated actor. Cheap to share across invocations.
pub struct Actor {
    host: Arc<Host>,
    prepared: Prepared,
    slots: Arc<Semaphore>,
    events: EventSink,
    providers: Arc<Providers>,
    /// The `wasmcloud:messaging/handler` export, when the actor has one.
    messaging: Option<MessagingPre>,
    /// The signed per-resource scopes; every provider call checks them.
    scopes: Arc<crate::scopes::Scopes>,
    /// Where outgoing HTTP may go (the flags inside the scopes).
    http_allow: Arc<Vec<crate::scopes::HostScope>>,
    /// Where the compiled code came from.
    pub cache: CacheStatus,
    /// Program name given to commands as argv[0].
    pub name: String,
}

impl Actor {
    /// Compiles an admitted actor (or loads its compiled form from the cache, keyed by the
    /// module hash verification computed), checks every import against its grants, and
    /// pre-instantiates it. Nothing runs yet. This is the host's only way in: the bytes, the
    /// hash and the grants all come from the [`Admitted`], never from the caller.
    pub fn load(
        host: &Arc<Host>,
        admitted: &Admitted,
        providers: Arc<Providers>,
    ) -> Result<Actor, LoadError> {
        let host = Arc::clone(host);
        let bytes = admitted.bytes();
        let module_hash = admitted.module_hash();
        let granted = admitted.grants();
        let events = Arc::clone(&providers.events);
        let name = providers.actor.clone();
        let scopes = Arc::new(admitted.scopes().clone());
        let http_allow = Arc::new(
            super::providers::http_client::effective_allow(&providers.http_client, &scopes)
                .map_err(|e| LoadError::Unusable(anyhow!(e)))?,
        );
        let (prepared, messaging, cache) = if admitted.kind() == ArtifactKind::Component {
            let (component, cache) = compile(
                &host,
                bytes,
                module_hash,
                "component",
                Component::from_binary,
                |e, b| unsafe {
                    // SAFETY: the bytes carry a valid tag under this user's cache secret for
                    // this module hash, kind and engine: this host serialized them.
                    Component::deserialize(e, b)
                },
                |c| c.serialize(),
            )
            .map_err(LoadError::unusable)?;
            let (prepared, messaging) =
                prepare_component(&host, &component, granted, &providers.settings)?;
            (prepared, messaging, cache)
        } else {
            let (module, cache) = compile(
                &host,
                bytes,
                module_hash,
                "module",
                Module::from_binary,
                |e, b| unsafe {
                    // SAFETY: as above, authenticated bytes this host serialized.
                    Module::deserialize(e, b)
                },
                |m| m.serialize(),
            )
            .map_err(LoadError::unusable)?;
            (prepare_module(&host, &module, granted)?, None, cache)
        };
        let slots = Arc::new(Semaphore::new(host.options.max_concurrent.max(1)));
        Ok(Actor {
            host,
            prepared,
            slots,
            events,
            providers,
            messaging,
            scopes,
            http_allow,
            cache,
            name,
        })
    }

    pub fn entry_point(&self) -> EntryPoint {
        match self.prepared {
            Prepared::Http(_) => EntryPoint::Http,
            Prepared::Command(_) => EntryPoint::Command,
            Prepared::Preview1(_) => EntryPoint::Preview1,
            Prepared::Messaging => EntryPoint::Messaging,
        }
    }

    /// Whether the actor exports `wasmcloud:messaging/handler`.
    pub fn handles_messages(&self) -> bool {
        self.messaging.is_some()
    }

    /// Delivers one message to the actor's handler in a fresh store. `Err(_)` is a trap or
    /// timeout (reported as an event too).
    pub async fn deliver(&self, subject: &str, body: &[u8]) -> anyhow::Result<Delivery> {
        self.deliver_message(subject, body, None).await
    }

    /// Delivers a lattice message that passed every check (the only kind the lattice hands
    /// over): the handler sees its reply subject, and a publish there is signed as the reply.
    pub async fn deliver_checked(
        &self,
        message: &crate::lattice::CheckedInvocation,
    ) -> anyhow::Result<Delivery> {
        let incoming = message.reply().map(|reply_to| IncomingRequest {
            reply_to: reply_to.to_string(),
            request_jti: message.jti().to_string(),
        });
        self.deliver_message(message.subject(), message.body(), incoming)
            .await
    }

    async fn deliver_message(
        &self,
        subject: &str,
        body: &[u8],
        incoming: Option<IncomingRequest>,
    ) -> anyhow::Result<Delivery> {
        let Some(pre) = &self.messaging else {
            bail!("the actor does not export wasmcloud:messaging/handler");
        };
        let kind = crate::scopes::ScopeKind::MsgSubscribe;
        if !self.scopes.check(kind, subject).allowed() {
            super::providers::deny_outside_scope(
                &self.providers,
                &self.scopes,
                None,
                kind,
                subject,
                "wasmcloud:messaging/handler.handle-message",
                short_subject(subject),
                format!("message on {subject}"),
            );
            return Ok(Delivery::Denied);
        }
        let _slot = self.slots.acquire().await?;
        let stdout = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let stderr = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let mut builder = self.wasi_builder()?;
        builder.stdout(stdout.clone()).stderr(stderr.clone());
        let id = self.host.next_invocation();
        let mut store = self.component_store(builder.build(), id);
        let started = Instant::now();
        let message =
            super::providers::messaging::bindings::wasmcloud::messaging::types::BrokerMessage {
                subject: subject.to_string(),
                body: body.to_vec(),
                reply_to: incoming.as_ref().map(|i| i.reply_to.clone()),
            };
        store.data_mut().incoming = incoming;
        let work = async {
            let instance = pre.instantiate_async(&mut store).await?;
            instance
                .wasmcloud_messaging_handler()
                .call_handle_message(&mut store, &message)
                .await
        };
        let result = match tokio::time::timeout(self.host.options.timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(wasmtime::Error::new(DeadlineExceeded)),
        };
        let invocation = format!("message on {subject}");
        if self.providers.tracer.enabled() {
            self.providers.tracer.record(
                &self.events,
                super::providers::CapCall {
                    actor: self.name.clone(),
                    invocation: Some(id),
                    call: "wasmcloud:messaging/handler.handle-message".into(),
                    resource: Some(crate::scopes::Resource::new(kind, subject)),
                    args: short_subject(subject),
                    result: match &result {
                        Ok(Ok(())) => "handled".into(),
                        Ok(Err(e)) => format!("error: {e}"),
                        Err(_) => "trapped".into(),
                    },
                    duration_us: started.elapsed().as_micros().min(u64::MAX as u128) as u64,
                    denied: false,
                },
            );
        }
        match result {
            Ok(handled) => {
                self.finish(
                    id,
                    &invocation,
                    started,
                    false,
                    Ok(Ok(())),
                    &stdout,
                    &stderr,
                );
                Ok(match handled {
                    Ok(()) => Delivery::Handled,
                    Err(e) => Delivery::HandlerFailed(e),
                })
            }
            Err(e) => {
                let summary = self
                    .finish(
                        id,
                        &invocation,
                        started,
                        false,
                        Ok(Err(e)),
                        &stdout,
                        &stderr,
                    )
                    .unwrap_or_default();
                bail!("{summary}")
            }
        }
    }

    /// A fresh store for one component invocation: memory limiter and epoch deadline set.
    fn component_store(
        &self,
        wasi: wasmtime_wasi::WasiCtx,
        invocation: u64,
    ) -> Store<ComponentState> {
        let mut store = Store::new(
            &self.host.engine,
            ComponentState {
                wasi,
                http: WasiHttpCtx::new(),
                table: {
                    // Host-side objects a guest can make (fields, bodies, buckets) are bounded.
                    let mut table = ResourceTable::new();
                    table.set_max_capacity(MAX_RESOURCES);
                    table
                },
                limits: self.limits(),
                providers: Arc::clone(&self.providers),
                hooks: HttpClientHooks {
                    providers: Arc::clone(&self.providers),
                    invocation: Some(invocation),
                    scopes: Arc::clone(&self.scopes),
                    allow: Arc::clone(&self.http_allow),
                },
                open_buckets: 0,
                invocation: Some(invocation),
                scopes: Arc::clone(&self.scopes),
                incoming: None,
            },
        );
        store.limiter(|s| &mut s.limits);
        store.set_epoch_deadline(self.host.deadline_ticks());
        store.epoch_deadline_trap();
        store
    }

    fn limits(&self) -> super::limits::InstanceLimits {
        super::limits::InstanceLimits::new(self.host.options.max_memory)
    }

    fn wasi_builder(&self) -> anyhow::Result<WasiCtxBuilder> {
        let mut builder = WasiCtxBuilder::new();
        builder.arg(&self.name);
        builder.args(&self.host.options.args);
        builder.envs(&self.host.options.env);
        for dir in self.host.options.dirs.iter() {
            if !dir.still_pinned() {
                bail!(
                    "the preopened directory {} changed since the start (replaced, or a symlink now); refusing to open it",
                    dir.host().display()
                );
            }
            builder
                .preopened_dir(dir.host(), dir.guest(), wasmtime_wasi::FsPerms::ReadWrite)
                .map_err(anyhow::Error::from)
                .with_context(|| format!("cannot preopen {}", dir.host().display()))?;
        }
        Ok(builder)
    }

    /// Runs a command (`wasi:cli/run` or preview 1 `_start`) once with the process's stdio;
    /// returns its exit code. A trap is an error (with the guest backtrace).
    pub async fn run_command(&self) -> anyhow::Result<i32> {
        let ticks = self.host.deadline_ticks();
        let timeout = self.host.options.timeout;
        let work = async {
            anyhow::Ok(match &self.prepared {
                Prepared::Command(pre) => {
                    let mut builder = self.wasi_builder()?;
                    builder.inherit_stdio();
                    let mut store =
                        self.component_store(builder.build(), self.host.next_invocation());
                    let command = wasmtime_wasi::p2::bindings::CommandPre::new(pre.clone())?
                        .instantiate_async(&mut store)
                        .await?;
                    command
                        .wasi_cli_run()
                        .call_run(&mut store)
                        .await
                        .map(|r| if r.is_ok() { 0 } else { 1 })
                }
                Prepared::Preview1(pre) => {
                    let mut builder = self.wasi_builder()?;
                    builder.inherit_stdio();
                    let mut store = Store::new(
                        &self.host.engine,
                        ModuleState {
                            wasi: builder.build_p1(),
                            limits: self.limits(),
                        },
                    );
                    store.limiter(|s| &mut s.limits);
                    store.set_epoch_deadline(ticks);
                    store.epoch_deadline_trap();
                    let instance = pre.instantiate_async(&mut store).await?;
                    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
                    start.call_async(&mut store, ()).await.map(|()| 0)
                }
                Prepared::Http(_) | Prepared::Messaging => {
                    bail!("this actor is not a command")
                }
            })
        };
        // The deadline is wall-clock: it also stops a command blocked in a host call.
        let result: wasmtime::Result<i32> = match tokio::time::timeout(timeout, work).await {
            Ok(result) => result?,
            Err(_) => Err(wasmtime::Error::new(DeadlineExceeded)),
        };
        match result {
            Ok(code) => Ok(code),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => Ok(exit.0),
                None => Err(anyhow!("{e:?}").context(if is_interrupt(&e) {
                    "the command ran past its deadline (--timeout)"
                } else {
                    "the command trapped"
                })),
            },
        }
    }

    /// Handles one HTTP request in a fresh store. Never fails: a trap, a timeout or memory
    /// exhaustion answers 500 and is reported as an event; the actor keeps serving.
    pub async fn handle<B>(
        self: &Arc<Self>,
        request: hyper::Request<B>,
    ) -> hyper::Response<wasmtime_wasi_http::p2::body::HyperOutgoingBody>
    where
        B: hyper::body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        let invocation = format!("{} {}", request.method(), request.uri());
        let id = self.host.next_invocation();
        if !self.host.options.report_requests {
            return match self.try_handle(request, id, &invocation).await {
                Ok(response) => response,
                Err(message) => error_response(500, &message),
            };
        }
        let started = Instant::now();
        let method = request.method().to_string();
        let path = request
            .uri()
            .path_and_query()
            .map_or_else(|| request.uri().to_string(), |p| p.to_string());
        let request_headers = header_pairs(request.headers());
        let response = match self.try_handle(request, id, &invocation).await {
            Ok(response) => response,
            Err(message) => error_response(500, &message),
        };
        (self.events)(HostEvent::Request(RequestRecord {
            id,
            method,
            path,
            status: response.status().as_u16(),
            duration_us: started.elapsed().as_micros().min(u64::MAX as u128) as u64,
            request_headers,
            response_headers: header_pairs(response.headers()),
        }));
        response
    }

    async fn try_handle<B>(
        self: &Arc<Self>,
        request: hyper::Request<B>,
        id: u64,
        invocation: &str,
    ) -> Result<hyper::Response<wasmtime_wasi_http::p2::body::HyperOutgoingBody>, String>
    where
        B: hyper::body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<wasmtime_wasi_http::Error>,
    {
        use wasmtime_wasi_http::WasiHttpView;
        use wasmtime_wasi_http::p2::bindings::http::types::Scheme;

        let Prepared::Http(pre) = &self.prepared else {
            return Err("this actor does not serve HTTP".into());
        };
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| "the host is shutting down".to_string())?;
        let started = Instant::now();
        let stdout = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let stderr = MemoryOutputPipe::new(CAPTURE_LIMIT);
        let mut builder = match self.wasi_builder() {
            Ok(builder) => builder,
            Err(e) => {
                // The reason names host paths: it goes to the log, not to the client.
                (self.events)(HostEvent::Denied {
                    actor: self.name.clone(),
                    what: invocation.to_string(),
                    why: format!("{e:#}"),
                });
                return Err("the actor could not be started".into());
            }
        };
        builder.stdout(stdout.clone()).stderr(stderr.clone());
        let mut store = self.component_store(builder.build(), id);

        // The wall-clock deadline below ends the invocation; the guest yields to the runtime
        // at every epoch tick instead of trapping, so a CPU-bound guest neither holds its
        // serving thread (other connections of the thread are served between its slices) nor
        // outlives the deadline (the select below drops it at the first yield past it).
        store.set_epoch_deadline(1);
        store.epoch_deadline_async_yield_and_update(1);

        let (sender, receiver) = tokio::sync::oneshot::channel();
        let req = store
            .data_mut()
            .http()
            .new_incoming_request(Scheme::Http, request)
            .map_err(|e| format!("{e:#}"))?;
        let out = store
            .data_mut()
            .http()
            .new_response_outparam(sender)
            .map_err(|e| format!("{e:#}"))?;
        let pre = pre.clone();
        let timeout = self.host.options.timeout;
        // One deadline for the whole invocation: the head, a body still streaming after it,
        // and host calls the guest blocks in (which the epoch deadline cannot interrupt).
        let deadline = tokio::time::Instant::now() + timeout;
        // Set before the store is dropped at the deadline, so the response body, which ends
        // when the store goes, can tell a cut-off from a finished body.
        let cancelled = Arc::new(std::sync::atomic::AtomicBool::new(false));
        // Set once the response head went to the client (for the timeout report).
        let responded = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let cancel = Arc::clone(&cancelled);
        let sent = Arc::clone(&responded);
        let this = Arc::clone(self);
        let invocation = invocation.to_string();
        // One task per request: it runs the guest to the end (the body may stream after the
        // head went out), then reports what the guest printed and how it ended. The store is
        // dropped at the deadline at the latest, which drops the response sender and ends the
        // body, so nothing below needs a timer of its own.
        let task = tokio::spawn(async move {
            let _permit = permit;
            let mut store = store;
            let result = {
                // Its yields at epoch ticks let the thread's I/O run first (`fair`).
                let mut work = std::pin::pin!(super::fair::YieldToIo::new(async {
                    let proxy = pre.instantiate_async(&mut store).await?;
                    proxy
                        .wasi_http_incoming_handler()
                        .call_handle(&mut store, req, out)
                        .await
                }));
                tokio::select! {
                    result = &mut work => Some(result),
                    () = tokio::time::sleep_until(deadline) => None,
                }
            };
            let result = match result {
                Some(result) => {
                    // The response is on its way to the connection's task: let it go out
                    // before the store is torn down (resetting the instance's memory is the
                    // longest part of the teardown), so the client does not wait for it.
                    tokio::task::yield_now().await;
                    drop(store);
                    result
                }
                None => {
                    cancel.store(true, std::sync::atomic::Ordering::SeqCst);
                    // Dropping the store releases the instance and its slot, and ends a body
                    // still streaming.
                    drop(store);
                    Err(wasmtime::Error::new(DeadlineExceeded))
                }
            };
            let responded = sent.load(std::sync::atomic::Ordering::SeqCst);
            this.finish(
                id,
                &invocation,
                started,
                responded,
                Ok(result),
                &stdout,
                &stderr,
            )
        });

        match receiver.await {
            Ok(Ok(response)) => {
                responded.store(true, std::sync::atomic::Ordering::SeqCst);
                // The task goes on without us: the body may still be streaming.
                drop(task);
                // A body not finished by the deadline ends in an error, so the server closes
                // the connection and the client sees a truncated response, not a complete one.
                Ok(response.map(|body| {
                    http_body_util::BodyExt::boxed_unsync(DeadlineBody {
                        inner: body,
                        deadline,
                        timer: None,
                        cancelled,
                    })
                }))
            }
            Ok(Err(code)) => {
                let _ = task.await;
                Err(format!("the actor answered with an error: {code:?}"))
            }
            // The guest ended (or was dropped at the deadline) without a response.
            Err(_) => Err(match task.await {
                Ok(Some(reported)) => reported,
                Ok(None) => "the actor did not send a response".into(),
                Err(join) => format!("the invocation failed: {join}"),
            }),
        }
    }

    /// Forwards guest output and reports a failed invocation; returns the failure's summary.
    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        id: u64,
        invocation: &str,
        started: Instant,
        response_started: bool,
        result: Result<wasmtime::Result<()>, tokio::task::JoinError>,
        stdout: &MemoryOutputPipe,
        stderr: &MemoryOutputPipe,
    ) -> Option<String> {
        let error = match result {
            Ok(Ok(())) => {
                self.forward_output(id, stdout, stderr);
                return None;
            }
            Ok(Err(e)) => e,
            Err(join) => wasmtime::Error::msg(join.to_string()),
        };
        // A failure's event carries the stderr tail; forward stdout only.
        self.forward_output(id, stdout, &MemoryOutputPipe::new(0));
        if is_interrupt(&error) {
            (self.events)(HostEvent::Timeout {
                invocation_id: Some(id),
                invocation: invocation.to_string(),
                after: started.elapsed(),
                response_started,
                stderr_tail: tail(stderr),
            });
            return Some(format!(
                "the actor ran past its deadline of {:?}",
                self.host.options.timeout
            ));
        }
        (self.events)(HostEvent::Trap {
            invocation_id: Some(id),
            invocation: invocation.to_string(),
            error: format!("{error:?}"),
            stderr_tail: tail(stderr),
        });
        Some("the actor trapped".to_string())
    }

    fn forward_output(&self, id: u64, stdout: &MemoryOutputPipe, stderr: &MemoryOutputPipe) {
        for (stream, pipe) in [("stdout", stdout), ("stderr", stderr)] {
            for line in String::from_utf8_lossy(&pipe.contents()).lines() {
                (self.events)(HostEvent::GuestOutput {
                    invocation_id: Some(id),
                    stream,
                    line: line.to_string(),
                });
            }
        }
    }
}

/// How a delivered message ended (a trap or timeout is an error of its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The handler took it.
    Handled,
    /// The handler returned this error.
    HandlerFailed(String),
    /// Its subject is outside the actor's signed `msg.subscribe` scope: not delivered (the
    /// denial was reported).
    Denied,
}

/// A subject for a trace's arguments.
fn short_subject(subject: &str) -> String {
    subject.chars().take(200).collect()
}

/// Header names and values as text (values that are not UTF-8 lossily).
fn header_pairs(headers: &hyper::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn tail(pipe: &MemoryOutputPipe) -> Vec<String> {
    let text = String::from_utf8_lossy(&pipe.contents()).into_owned();
    let lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].to_vec()
}

/// Whether the invocation ended because it ran past its deadline: the epoch interrupted the
/// guest, or the wall-clock deadline dropped it while it waited in a host call.
fn is_interrupt(error: &wasmtime::Error) -> bool {
    error.downcast_ref::<wasmtime::Trap>() == Some(&wasmtime::Trap::Interrupt)
        || error.downcast_ref::<DeadlineExceeded>().is_some()
}

/// The wall-clock deadline of an invocation passed.
#[derive(Debug)]
struct DeadlineExceeded;

impl std::fmt::Display for DeadlineExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the invocation ran past its deadline (--timeout)")
    }
}

impl std::error::Error for DeadlineExceeded {}

/// A response body that fails once the invocation's deadline passes, including when the body
/// ends only because the invocation was dropped at the deadline.
struct DeadlineBody {
    inner: wasmtime_wasi_http::p2::body::HyperOutgoingBody,
    deadline: tokio::time::Instant,
    /// Armed the first time the body has nothing ready: most bodies are whole before that,
    /// and a timer per request is work for nothing.
    timer: Option<std::pin::Pin<Box<tokio::time::Sleep>>>,
    cancelled: Arc<std::sync::atomic::AtomicBool>,
}

impl hyper::body::Body for DeadlineBody {
    type Data = bytes::Bytes;
    type Error = wasmtime_wasi_http::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        use std::task::Poll;
        let timed_out = || {
            Poll::Ready(Some(Err(
                wasmtime_wasi_http::p2::bindings::http::types::ErrorCode::HttpResponseTimeout
                    .into(),
            )))
        };
        match std::pin::Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(None) if self.cancelled.load(std::sync::atomic::Ordering::SeqCst) => {
                return timed_out();
            }
            Poll::Ready(frame) => return Poll::Ready(frame),
            Poll::Pending => {}
        }
        let deadline = self.deadline;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => timed_out(),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}

/// A plain-text error response.
pub fn error_response(
    status: u16,
    message: &str,
) -> hyper::Response<wasmtime_wasi_http::p2::body::HyperOutgoingBody> {
    use http_body_util::BodyExt;
    let body = http_body_util::Full::new(bytes::Bytes::from(format!("{message}\n")))
        .map_err(|never| match never {})
        .boxed_unsync();
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(body)
        .expect("a valid response")
}

/// Where an actor's compiled code came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", content = "why", rename_all = "snake_case")]
pub enum CacheStatus {
    /// No cache configured (or it is unusable: see `Host::cache_error`).
    Off,
    /// Loaded from an authenticated cache entry.
    Hit,
    /// Compiled now; the result is cached.
    Compiled,
    /// A cache entry was there but refused (the reason); compiled now and replaced.
    Replaced(String),
}

/// Compiles an artifact, or loads its compiled form from the cache when the entry
/// authenticates (docs/design.md §8); a refused entry is recompiled and replaced.
fn compile<T>(
    host: &Host,
    bytes: &[u8],
    module_hash: &str,
    kind: &str,
    from_binary: impl FnOnce(&wasmtime::Engine, &[u8]) -> wasmtime::Result<T>,
    deserialize: impl FnOnce(&wasmtime::Engine, &[u8]) -> wasmtime::Result<T>,
    serialize: impl FnOnce(&T) -> wasmtime::Result<Vec<u8>>,
) -> anyhow::Result<(T, CacheStatus)> {
    let name = EntryName {
        kind,
        module_hash,
        engine: &host.engine_hash,
    };
    let mut status = CacheStatus::Off;
    if let Some(cache) = &host.cache {
        status = match cache.read(&name) {
            Lookup::Hit(compiled) => match deserialize(&host.engine, &compiled) {
                Ok(loaded) => return Ok((loaded, CacheStatus::Hit)),
                Err(e) => CacheStatus::Replaced(format!("it does not load: {e}")),
            },
            Lookup::Miss => CacheStatus::Compiled,
            Lookup::Rejected(why) => CacheStatus::Replaced(why),
        };
    }
    let compiled = from_binary(&host.engine, bytes)
        .map_err(|e| anyhow!("{e:?}"))
        .context("the actor does not compile (it is not valid WebAssembly for this host)")?;
    if let Some(cache) = &host.cache {
        // A cache that cannot be written only costs the next start a compile.
        if let Ok(serialized) = serialize(&compiled) {
            let _ = cache.write(&name, &serialized);
        }
    }
    Ok((compiled, status))
}

fn prepare_component(
    host: &Host,
    component: &Component,
    granted: &Grants,
    providers: &super::providers::ProviderSettings,
) -> Result<(Prepared, Option<MessagingPre>), LoadError> {
    let unusable = |e: wasmtime::Error| LoadError::Unusable(anyhow!("{e:?}"));
    let engine = &host.engine;
    let ty = component.component_type();
    for (import, _) in ty.imports(engine) {
        link::check_component_import(import, granted)?;
    }
    let exports: Vec<String> = ty
        .exports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    let is = |prefix: &str| {
        exports
            .iter()
            .find(|e| e.split('@').next() == Some(prefix))
            .cloned()
    };
    let linker = link::component_linker(engine, granted, providers).map_err(unusable)?;
    let pre = linker
        .instantiate_pre(component)
        .map_err(|e| LoadError::Unusable(anyhow!("{e:?}").context("the actor cannot be linked")))?;
    let messaging = match is("wasmcloud:messaging/handler") {
        Some(export) => {
            link::check_export(&export, granted)?;
            Some(MessagingPre::new(pre.clone()).map_err(unusable)?)
        }
        None => None,
    };
    if let Some(export) = is("wasi:http/incoming-handler") {
        link::check_export(&export, granted)?;
        let proxy = ProxyPre::new(pre).map_err(unusable)?;
        return Ok((Prepared::Http(proxy), messaging));
    }
    if is("wasi:cli/run").is_some() {
        return Ok((Prepared::Command(pre), messaging));
    }
    if messaging.is_some() {
        return Ok((Prepared::Messaging, messaging));
    }
    Err(LoadError::Unusable(anyhow!(
        "the component exports none of wasi:http/incoming-handler, wasi:cli/run or wasmcloud:messaging/handler; it exports: {}",
        if exports.is_empty() {
            "nothing".to_string()
        } else {
            exports.join(", ")
        }
    )))
}

fn prepare_module(host: &Host, module: &Module, granted: &Grants) -> Result<Prepared, LoadError> {
    for import in module.imports() {
        link::check_core_import(import.module(), import.name(), granted)?;
    }
    if module.get_export("_start").is_none() {
        return Err(LoadError::Unusable(anyhow!(
            "the core module has no _start export: wzt runs preview 1 commands only"
        )));
    }
    let mut linker = wasmtime::Linker::<ModuleState>::new(&host.engine);
    wasmtime_wasi::p1::add_to_linker_async(&mut linker, |s| &mut s.wasi)
        .map_err(|e| LoadError::Unusable(anyhow!("{e:?}")))?;
    let pre = linker.instantiate_pre(module).map_err(|e| {
        LoadError::Unusable(anyhow!("{e:?}").context("the module cannot be linked"))
    })?;
    Ok(Prepared::Preview1(pre))
}
