//! `wzt run`: verify an actor, then run it in the embedded host with only its granted
//! capabilities linked.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::json;

use super::host_args::{self, HostArgs, KvChoice};
use super::lattice_args::{self, LatticeArgs};
use super::output::{self, escape};
use super::policy_args::PolicyOpts;
use super::registry_args::{self, FetchFailure, RegistryOpts};
use super::{Ctx, Outcome};
use crate::caps::Capability;
use crate::caps::Grants;
use crate::host::providers::messaging::LatticeLink;
use crate::host::{self, Actor, CacheStatus, EnforcementError, EntryPoint, Host};
use crate::lattice::{Lattice, LatticeConfig, ReplayScope, Subscription};
use crate::text::escape_lines;
use crate::verify::{Admitted, Rejection, admit};

/// Verify an actor and run it: serve an HTTP actor, or run a command once.
///
/// The actor is verified first, with the same rules and policy options as `wzt verify`; only
/// the always-linked interfaces and those of granted capabilities are linked, and an import of
/// anything else refuses to start. An HTTP actor is served on --listen until Ctrl-C (in-flight
/// requests finish), or answers one --request in-process. A command (wasi:cli/run, or a
/// preview 1 module's _start) runs once and its exit code is wzt's. An oci://REF is fetched
/// from the registry through the blob cache (digests checked), then verified the same way.
/// Without ACTOR, inside a project, its signed artifact (`--build` builds and signs it first),
/// with the host options of the project's `[dev]` table (flags override them). Also `wzt serve`
/// and `wzt up`.
#[derive(Debug, Args)]
pub struct Opts {
    /// The actor (.wasm component or preview 1 module), or oci://REGISTRY/REPOSITORY:TAG
    /// [default: the signed artifact of the wzt.toml project here].
    #[arg(value_name = "ACTOR|oci://REF")]
    actor: Option<PathBuf>,
    /// Without ACTOR: build and sign the project first, as `wzt build` does.
    #[arg(long, conflicts_with = "actor")]
    build: bool,
    /// Send one request in-process instead of listening, e.g. 'GET /' or 'POST /items';
    /// print the response body; exit 0 for 2xx/3xx, 1 otherwise.
    #[arg(long, value_name = "'METHOD /PATH'")]
    request: Option<RequestLine>,
    /// A request header, K:V (repeatable).
    #[arg(long = "header", short = 'H', value_name = "K:V", requires = "request")]
    headers: Vec<Header>,
    /// The request body: text, or @FILE to read it from a file.
    #[arg(long, short = 'd', value_name = "TEXT|@FILE", requires = "request")]
    data: Option<String>,
    /// Print the response status line and headers before the body.
    #[arg(long, short = 'i', requires = "request")]
    include: bool,
    /// Capabilities granted to an unsigned actor run with --allow-unsigned (none by default),
    /// or `auto` for exactly what it imports (still checked against the policy's
    /// allowed_caps); a signed actor's grants are its claims.
    #[arg(long, value_delimiter = ',', value_name = "CAPS")]
    caps: Vec<String>,
    /// Deliver a message to the actor's wasmcloud:messaging handler before anything else,
    /// SUBJECT=PAYLOAD (repeatable).
    #[arg(long = "message", value_name = "SUBJECT=PAYLOAD")]
    messages: Vec<Message>,
    /// With --lattice: deliver messages on SUBJECT (NATS wildcards allowed) to the actor's
    /// wasmcloud:messaging handler once they pass every check, through a queue group named
    /// after the actor, so hosts running the same actor share them (repeatable).
    #[arg(long = "subscribe", value_name = "SUBJECT")]
    subscribe: Vec<String>,
    #[command(flatten)]
    lattice: LatticeArgs,
    #[command(flatten)]
    host: HostArgs,
    #[command(flatten)]
    policy: PolicyOpts,
    #[command(flatten)]
    provenance: super::provenance_args::ProvenanceOpts,
    #[command(flatten)]
    registry: RegistryOpts,
    /// Words after ACTOR that are not options: an error with a hint to put them after `--`
    /// (clap alone would only say "unexpected argument").
    #[arg(hide = true, value_name = "STRAY")]
    stray: Vec<String>,
    /// Arguments for a command actor, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

/// `--caps` for an unsigned actor: the words as given, or `auto` resolved from `bytes`.
fn unsigned_grants(words: &[String], bytes: &[u8]) -> anyhow::Result<Grants> {
    match crate::sign::Grant::from_words(words)? {
        crate::sign::Grant::List(grants) => Ok(grants),
        crate::sign::Grant::Auto => {
            let mut src = std::io::Cursor::new(bytes);
            let layout = crate::wasm::Layout::scan(&mut src, bytes.len() as u64)?;
            Ok(crate::sign::auto_grants(&layout, &mut src).context("--caps auto")?)
        }
    }
}

impl Opts {
    /// Whether this run is of the project here (no ACTOR given): its `[dev]` table applies.
    pub fn uses_project(&self) -> bool {
        self.actor.is_none()
    }

    pub fn run(mut self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let actor = match self.actor.take() {
            Some(actor) => actor,
            None => {
                if self.build {
                    let outcome = super::build::build_for_run(ctx)?;
                    if outcome != Outcome::Success {
                        return Ok(outcome);
                    }
                }
                super::artifact::project_signed_artifact("run")?
            }
        };
        self.run_actor(ctx, actor)
    }

    fn run_actor(self, ctx: &Ctx, actor: PathBuf) -> anyhow::Result<Outcome> {
        if let Some(first) = self.stray.first() {
            let shown = self
                .stray
                .iter()
                .map(|w| crate::text::escape(w))
                .collect::<Vec<_>>()
                .join(" ");
            bail!(
                "unexpected argument '{}' after the actor: arguments for a command actor go after `--`, e.g. `wzt run {} -- {shown}`",
                crate::text::escape(first),
                actor.display()
            );
        }
        let policy = self.policy.build(ctx)?;
        let (bytes, default_name) = match registry_args::oci_reference(&actor) {
            Some(reference) => match self.registry.fetch(ctx, reference) {
                Ok(fetched) => {
                    let name = registry_args::parse_ref(reference)?
                        .short_name()
                        .to_string();
                    (fetched.bytes, Some(name))
                }
                Err(FetchFailure::Check(e)) => {
                    eprintln!("error: {e:#}");
                    return Ok(Outcome::CheckFailed);
                }
                Err(FetchFailure::Error(e)) => return Err(e),
            },
            None => {
                let bytes = std::fs::read(&actor)
                    .with_context(|| format!("cannot read {}", actor.display()))?;
                let stem = actor.file_stem().map(|s| s.to_string_lossy().into_owned());
                (bytes, stem)
            }
        };
        let unsigned_grants = unsigned_grants(&self.caps, &bytes)?;
        // Admission verifies the very bytes the host compiles: no window to swap the file.
        let admitted = match admit(bytes, &policy, crate::time::now(), unsigned_grants) {
            Ok(admitted) => admitted,
            Err(Rejection::Failed(failures)) => {
                output::print_failures(&format!("refusing to run {}:", actor.display()), &failures);
                return Ok(Outcome::CheckFailed);
            }
            Err(e @ Rejection::GrantsForSignedActor) => return Err(e.into()),
            Err(Rejection::Unreadable(e)) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", actor.display()))
                );
            }
        };
        // Provenance (docs/design.md §14), when the policy has a rule for it or --provenance.
        let provenance =
            self.provenance
                .refuse_unless_checked(&actor, &self.registry, &admitted, &policy);
        if let Some(outcome) = provenance? {
            return Ok(outcome);
        }
        let granted = admitted.grants();
        let join_lattice = self.lattice_preflight(granted)?;
        let mut options = self
            .host
            .host_options(granted, &self.args, ctx.store()?.dir())?;
        if self.request.is_some() && !join_lattice {
            // One invocation at a time: a pool sized for one starts faster.
            options.max_concurrent = 1;
        }
        let host = Arc::new(Host::new(options)?);
        let actor_name = admitted
            .claims()
            .and_then(|c| c.metadata.name.clone())
            .or(default_name)
            .unwrap_or_else(|| "actor".into());
        let sink: host::EventSink = Arc::new(host_args::print_event);
        let namespace = crate::host::providers::keyvalue::namespace_of(&admitted);
        let runtime = host_args::runtime()?;
        let tracer = self.host.tracer()?;
        let link = if join_lattice {
            let config = LatticeConfig {
                url: self.lattice.url(),
                signer: Some(self.lattice.signer(ctx)?),
                trust: self.lattice.trust(ctx)?,
                replay: ReplayScope::Lattice,
                client_name: format!("wzt run {actor_name}"),
                events: lattice_args::event_printer(
                    actor_name.clone(),
                    Arc::clone(&tracer),
                    Arc::clone(&sink),
                ),
            };
            Some(LatticeLink {
                lattice: runtime.block_on(Lattice::connect(config))?,
                origin: admitted.claims().map(|c| c.subject.clone()),
            })
        } else {
            None
        };
        let lattice = link.as_ref().map(|l| Arc::clone(&l.lattice));
        let (providers, kv) = self
            .host
            .providers(actor_name, &namespace, granted, sink, tracer, link)?;
        let actor = match Actor::load(&host, &admitted, Arc::clone(&providers)) {
            Ok(actor) => Arc::new(actor),
            Err(e) => {
                if let Some(refusal) = e.downcast_ref::<EnforcementError>() {
                    // Import and export names are the artifact's: shown escaped.
                    eprintln!(
                        "refusing to run {}: {}",
                        actor.display(),
                        escape(&refusal.to_string())
                    );
                    return Ok(Outcome::CheckFailed);
                }
                return Err(e);
            }
        };
        host_args::report_cache(&host, &actor);
        if !self.subscribe.is_empty() && !actor.handles_messages() {
            bail!("--subscribe needs an actor that exports wasmcloud:messaging/handler");
        }
        let serving = match &lattice {
            Some(lattice) => {
                let queue = queue_group(lattice.trust().lattice(), &admitted);
                let subscriptions = runtime.block_on(async {
                    let mut subscriptions = Vec::new();
                    for subject in &self.subscribe {
                        subscriptions.push(lattice.subscribe(subject, Some(&queue)).await?);
                    }
                    anyhow::Ok(subscriptions)
                })?;
                Some(LatticeServing {
                    lattice: Arc::clone(lattice),
                    subscriptions,
                    queue,
                })
            }
            None => None,
        };
        let outcome = self.dispatch(ctx, &runtime, &host, &actor, &admitted, &kv, serving);
        if let Some(lattice) = &lattice {
            let counts = lattice.counts();
            if !counts.is_empty() {
                let total: u64 = counts.values().sum();
                let list: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
                eprintln!(
                    "wzt: lattice: rejected {total} message(s) in all: {}",
                    list.join(", ")
                );
            }
        }
        self.host.dump_kv(&kv)?;
        outcome
    }

    /// Whether to join the lattice: only with --lattice, and only for an actor granted `msg`
    /// (one without it neither sends nor receives anything, so nothing is connected).
    fn lattice_preflight(&self, granted: &Grants) -> anyhow::Result<bool> {
        if self.lattice.lattice.is_none() {
            if !self.subscribe.is_empty() || self.lattice.any_key_flag() {
                bail!("--subscribe and the other lattice flags need --lattice nats://HOST:PORT");
            }
            return Ok(false);
        }
        if !granted.contains(Capability::Messaging) {
            if !self.subscribe.is_empty() {
                bail!(
                    "--subscribe needs the msg capability, which this actor is not granted (`wzt sign --caps msg`)"
                );
            }
            eprintln!(
                "wzt: note: the actor is not granted msg, so it neither sends nor receives on the lattice; not connecting"
            );
            return Ok(false);
        }
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &self,
        ctx: &Ctx,
        runtime: &tokio::runtime::Runtime,
        host: &Arc<Host>,
        actor: &Arc<Actor>,
        admitted: &Admitted,
        kv: &KvChoice,
        serving: Option<LatticeServing>,
    ) -> anyhow::Result<Outcome> {
        let lattice = serving
            .as_ref()
            .map(|s| (Arc::clone(&s.lattice), s.queue.clone()));
        let startup =
            |listening| self.startup(ctx, host, actor, admitted, kv, listening, lattice.as_ref());
        if !self.messages.is_empty() && !actor.handles_messages() {
            bail!("--message needs an actor that exports wasmcloud:messaging/handler");
        }
        let subscribed = serving
            .as_ref()
            .is_some_and(|s| !s.subscriptions.is_empty());
        if actor.entry_point() == EntryPoint::Messaging && self.messages.is_empty() && !subscribed {
            bail!(
                "this actor only handles messages: deliver some with --message SUBJECT=PAYLOAD, or from a lattice with --lattice nats://HOST:PORT --subscribe SUBJECT"
            );
        }
        // Lattice subscriptions are served from here on, whatever else the actor does.
        let lattice_task = serving.map(|serving| {
            runtime.spawn(serve_lattice(
                serving.lattice,
                Arc::clone(actor),
                serving.subscriptions,
                host.options().max_concurrent,
            ))
        });
        let _abort = lattice_task
            .as_ref()
            .map(|t| t.abort_handle())
            .map(AbortOnDrop);
        let mut delivered_ok = true;
        if !self.messages.is_empty() {
            if actor.entry_point() == EntryPoint::Messaging || self.request.is_some() {
                startup(None);
            }
            for Message { subject, payload } in &self.messages {
                match runtime.block_on(actor.deliver(subject, payload.as_bytes())) {
                    Ok(Ok(())) => eprintln!("wzt: delivered message on {}", escape(subject)),
                    Ok(Err(e)) => {
                        delivered_ok = false;
                        eprintln!(
                            "wzt: the handler failed the message on {}: {}",
                            escape(subject),
                            escape(&e)
                        );
                    }
                    Err(e) => {
                        delivered_ok = false;
                        eprintln!(
                            "wzt: message on {}: {}",
                            escape(subject),
                            escape_lines(&format!("{e:#}"), "    ")
                        );
                    }
                }
            }
        }
        match (actor.entry_point(), &self.request) {
            (EntryPoint::Messaging, _) if subscribed => {
                if self.messages.is_empty() {
                    startup(None);
                }
                runtime.block_on(async {
                    let _ = tokio::signal::ctrl_c().await;
                    eprintln!("wzt: shutting down");
                });
                Ok(if delivered_ok {
                    Outcome::Success
                } else {
                    Outcome::CheckFailed
                })
            }
            (EntryPoint::Messaging, _) => Ok(if delivered_ok {
                Outcome::Success
            } else {
                Outcome::CheckFailed
            }),
            (EntryPoint::Http, Some(request)) => {
                if self.messages.is_empty() {
                    startup(None);
                }
                runtime.block_on(self.one_request(ctx, actor, request))
            }
            (EntryPoint::Http, None) => runtime.block_on(async {
                let listener = host::http::bind(self.host.listen).await?;
                let addr = listener.local_addr()?;
                startup(Some(addr));
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                    eprintln!("wzt: shutting down; waiting for in-flight requests");
                };
                let clean = host::http::serve(
                    Arc::new(host::http::ActorSlot::new(Arc::clone(actor))),
                    listener,
                    shutdown,
                )
                .await?;
                if !clean {
                    eprintln!(
                        "wzt: some requests were still running after {:?}",
                        host::http::SHUTDOWN_GRACE
                    );
                }
                Ok(Outcome::Success)
            }),
            (_, Some(_)) => bail!("--request needs an HTTP actor; this one is a command"),
            (_, None) => {
                startup(None);
                match runtime.block_on(actor.run_command()) {
                    Ok(code) => Ok(Outcome::Code(code.clamp(0, 255) as u8)),
                    Err(e) => {
                        // A trap, with the guest's backtrace (its function names).
                        eprintln!("wzt: {}", escape_lines(&format!("{e:#}"), "    "));
                        Ok(Outcome::CheckFailed)
                    }
                }
            }
        }
    }

    /// The one block printed at startup (on stderr, so stdout carries only the actor's output).
    #[allow(clippy::too_many_arguments)]
    fn startup(
        &self,
        ctx: &Ctx,
        host: &Host,
        actor: &Actor,
        admitted: &Admitted,
        kv: &KvChoice,
        listening: Option<SocketAddr>,
        lattice: Option<&(Arc<Lattice>, String)>,
    ) {
        let claims = admitted.claims();
        let granted = admitted.grants();
        let kind = match actor.entry_point() {
            EntryPoint::Http => "HTTP component",
            EntryPoint::Command => "command component",
            EntryPoint::Preview1 => "preview 1 module",
            EntryPoint::Messaging => "messaging component",
        };
        let version = claims
            .and_then(|c| c.metadata.ver.as_deref())
            .map(|v| format!(" {}", escape(v)))
            .unwrap_or_default();
        let grants: Vec<String> = granted.iter().map(|g| escape(g.display_name())).collect();
        let compile = match &actor.cache {
            CacheStatus::Off => "compiled (cache off)",
            CacheStatus::Hit => "loaded from the compile cache",
            CacheStatus::Compiled | CacheStatus::Replaced(_) => "compiled (now cached)",
        };
        let lattice_json = lattice.map(|(lattice, queue)| {
            let signer = lattice.signer();
            json!({
                "url": lattice.url(),
                "name": lattice.trust().lattice(),
                "host": signer.map(|s| s.host_key()),
                "cluster": signer.map(|s| s.cluster_key()),
                "endorsement_expires": signer.map(|s| s.endorsement_expires()),
                "trusted_clusters": lattice.trust().clusters(),
                "replay": if lattice.replay().is_lattice_wide() { "lattice" } else { "host" },
                "subscriptions": &self.subscribe,
                "queue_group": queue,
            })
        });
        if ctx.json && (listening.is_some() || !self.subscribe.is_empty()) {
            output::print_json(&json!({
                "actor": actor.name,
                "version": claims.and_then(|c| c.metadata.ver.as_deref()),
                "kind": kind,
                "issuer": claims.map(|c| &c.issuer),
                "caps": granted,
                "listen": listening.map(|a| format!("http://{a}")),
                "pooling": host.pooling(),
                "cache_hit": actor.cache == CacheStatus::Hit,
                "lattice": lattice_json,
            }));
            let _ = std::io::stdout().flush();
        }
        eprintln!("wzt: running {}{version} ({kind})", escape(&actor.name));
        eprintln!(
            "  issuer    {}",
            claims
                .map(|c| escape(&c.issuer))
                .unwrap_or_else(|| "unsigned (--allow-unsigned)".into())
        );
        eprintln!(
            "  grants    {}",
            if grants.is_empty() {
                "none".to_string()
            } else {
                grants.join(", ")
            }
        );
        let o = host.options();
        eprintln!(
            "  engine    {} allocator, {compile}; limits: {} MiB memory, {:?} per invocation, {} concurrent",
            if host.pooling() {
                "pooling"
            } else {
                "on-demand"
            },
            o.max_memory >> 20,
            o.timeout,
            o.max_concurrent
        );
        self.host.describe_providers(kv, granted);
        if let Some((lattice, queue)) = lattice {
            describe_lattice(lattice, queue, &self.subscribe);
        }
        if let Some(addr) = listening {
            eprintln!("  listening on http://{addr}");
        }
    }

    async fn one_request(
        &self,
        ctx: &Ctx,
        actor: &Arc<Actor>,
        request: &RequestLine,
    ) -> anyhow::Result<Outcome> {
        let headers: Vec<(String, String)> = self
            .headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect();
        let body = match self.data.as_deref() {
            Some(d) if d.starts_with('@') => std::fs::read(&d[1..])
                .with_context(|| format!("--data: cannot read {}", &d[1..]))?
                .into(),
            Some(d) => bytes::Bytes::from(d.to_string()),
            None => bytes::Bytes::new(),
        };
        let response =
            host::http::request_once(actor, &request.method, &request.path, &headers, body).await?;
        let ok = (200..400).contains(&response.status) && response.body_error.is_none();
        if ctx.json {
            output::print_json(&json!({
                "status": response.status,
                "headers": response.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                "body": String::from_utf8_lossy(&response.body),
                "body_error": response.body_error,
            }));
        } else {
            let mut out = std::io::stdout().lock();
            if self.include {
                writeln!(out, "HTTP/1.1 {}", status_line(response.status))?;
                for (k, v) in &response.headers {
                    writeln!(out, "{k}: {v}")?;
                }
                writeln!(out)?;
            }
            out.write_all(&response.body)?;
            out.flush()?;
            if let Some(e) = &response.body_error {
                eprintln!("wzt: {e}");
            } else if !ok && !self.include {
                eprintln!("wzt: HTTP {}", status_line(response.status));
            }
        }
        Ok(if ok {
            Outcome::Success
        } else {
            Outcome::CheckFailed
        })
    }
}

/// What `dispatch` serves from the lattice.
struct LatticeServing {
    lattice: Arc<Lattice>,
    subscriptions: Vec<Subscription>,
    queue: String,
}

/// Aborts a task when dropped.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The queue group of an actor's subscriptions: the lattice name and the actor's subject key,
/// so that hosts running the same actor on the same lattice share its messages, and neither
/// different actors nor hosts of another lattice on the same server take them (an unsigned
/// actor: its module hash).
fn queue_group(lattice: &str, admitted: &Admitted) -> String {
    match admitted.claims() {
        Some(claims) => format!("wzt.{lattice}.{}", claims.subject),
        None => format!("wzt.{lattice}.unsigned.{}", admitted.module_hash()),
    }
}

/// The lattice lines of the startup block.
fn describe_lattice(lattice: &Lattice, queue: &str, subscribed: &[String]) {
    let trust = lattice.trust();
    if let Some(signer) = lattice.signer() {
        let expires = signer.endorsement_expires();
        eprintln!(
            "  lattice   {} on {} as host {}",
            trust.lattice(),
            lattice.url(),
            signer.host_key()
        );
        eprintln!(
            "  endorsed  by {} until {}{}",
            signer.cluster_key(),
            crate::time::rfc3339(expires),
            if signer.renews() {
                " (renewed while running)"
            } else {
                " (from --endorsement; not renewed)"
            }
        );
    }
    eprintln!("  trusts    {}", trust.clusters().join(", "));
    eprintln!("  replays   checked {}", lattice.replay().describe());
    if let Some(note) = lattice.replay_note() {
        eprintln!("wzt: warning: {note}");
    }
    if !subscribed.is_empty() {
        let subjects: Vec<String> = subscribed.iter().map(|s| escape(s)).collect();
        eprintln!("  subscribed {} (queue group {queue})", subjects.join(", "));
    }
}

/// Delivers the messages of `subscriptions` that pass every check to the actor's handler, at
/// most `concurrency` at once (a rejected message is counted and reported by the lattice and
/// never reaches the actor).
async fn serve_lattice(
    lattice: Arc<Lattice>,
    actor: Arc<Actor>,
    subscriptions: Vec<Subscription>,
    concurrency: usize,
) {
    let permits = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for mut subscription in subscriptions {
        let (lattice, actor, permits) = (
            Arc::clone(&lattice),
            Arc::clone(&actor),
            Arc::clone(&permits),
        );
        tasks.spawn(async move {
            while let Some(message) = subscription.next().await {
                let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                    break;
                };
                let (lattice, actor) = (Arc::clone(&lattice), Arc::clone(&actor));
                tokio::spawn(async move {
                    let _permit = permit;
                    let Ok(checked) = lattice.check(&message).await else {
                        return;
                    };
                    let subject = checked.subject().to_string();
                    match actor.deliver_checked(&checked).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => eprintln!(
                            "wzt: the handler failed the message on {}: {}",
                            escape(&subject),
                            escape(&e)
                        ),
                        Err(e) => eprintln!(
                            "wzt: message on {}: {}",
                            escape(&subject),
                            escape_lines(&format!("{e:#}"), "    ")
                        ),
                    }
                });
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

fn status_line(status: u16) -> String {
    match hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// `--request 'METHOD /PATH'` (or just `/PATH` for GET).
#[derive(Debug, Clone)]
struct RequestLine {
    method: String,
    path: String,
}

impl std::str::FromStr for RequestLine {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut words = s.split_whitespace();
        let (method, path) = match (words.next(), words.next(), words.next()) {
            (Some(path), None, None) if path.starts_with('/') => ("GET", path),
            (Some(method), Some(path), None) if path.starts_with('/') => (method, path),
            _ => return Err("expected 'METHOD /PATH', e.g. 'GET /'".into()),
        };
        Ok(RequestLine {
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
        })
    }
}

/// `--header K:V`.
#[derive(Debug, Clone)]
struct Header {
    name: String,
    value: String,
}

impl std::str::FromStr for Header {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Header {
                name: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err("expected K:V".into()),
        }
    }
}

/// `--message SUBJECT=PAYLOAD`.
#[derive(Debug, Clone)]
struct Message {
    subject: String,
    payload: String,
}

impl std::str::FromStr for Message {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((subject, payload)) if !subject.is_empty() => Ok(Message {
                subject: subject.to_string(),
                payload: payload.to_string(),
            }),
            _ => Err("expected SUBJECT=PAYLOAD".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_headers_and_messages_parse() {
        let r: RequestLine = "post /items".parse().unwrap();
        assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/items"));
        let r: RequestLine = "/".parse().unwrap();
        assert_eq!(r.method, "GET");
        assert!("GET".parse::<RequestLine>().is_err());
        assert!("GET / extra".parse::<RequestLine>().is_err());
        let h: Header = "x-a: b:c".parse().unwrap();
        assert_eq!((h.name.as_str(), h.value.as_str()), ("x-a", "b:c"));
        assert!(":v".parse::<Header>().is_err());
        let m: Message = "greet=hi=there".parse().unwrap();
        assert_eq!(
            (m.subject.as_str(), m.payload.as_str()),
            ("greet", "hi=there")
        );
        assert!("=x".parse::<Message>().is_err());
    }
}
