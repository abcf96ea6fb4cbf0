//! `wzt run`: verify an actor, then run it in the embedded host with only its granted
//! capabilities linked.

use std::io::{Cursor, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::json;

use super::output::{self, escape};
use super::verify::PolicyOpts;
use super::{Ctx, Outcome};
use crate::caps;
use crate::host::providers::http_client::{HostPattern, HttpClientMode, load_fixtures};
use crate::host::providers::kv::{MemoryKv, SqliteKv};
use crate::host::providers::{self, LogLevel, Providers};
use crate::host::{self, Actor, EnforcementError, EntryPoint, Host, HostEvent, HostOptions};
use crate::verify::{evaluate, examine};
use std::collections::BTreeMap;

/// Verify an actor and run it: serve an HTTP actor, or run a command once.
///
/// The actor is verified first, with the same rules and policy options as `wzt verify`; only
/// the always-linked interfaces and those of granted capabilities are linked, and an import of
/// anything else refuses to start. An HTTP actor is served on --listen until Ctrl-C (in-flight
/// requests finish), or answers one --request in-process. A command (wasi:cli/run, or a
/// preview 1 module's _start) runs once and its exit code is wzt's.
#[derive(Debug, Args)]
pub struct Opts {
    /// The actor (.wasm component or preview 1 module).
    actor: PathBuf,
    /// Address to serve an HTTP actor on.
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Send one request in-process instead of listening, e.g. 'GET /' or 'POST /items';
    /// print the response body; exit 0 for 2xx/3xx, 1 otherwise.
    #[arg(long, value_name = "'METHOD /PATH'")]
    request: Option<String>,
    /// A request header, K:V (repeatable).
    #[arg(long = "header", short = 'H', value_name = "K:V", requires = "request")]
    headers: Vec<String>,
    /// The request body: text, or @FILE to read it from a file.
    #[arg(long, short = 'd', value_name = "TEXT|@FILE", requires = "request")]
    data: Option<String>,
    /// Print the response status line and headers before the body.
    #[arg(long, short = 'i', requires = "request")]
    include: bool,
    /// An environment variable for the actor, K=V (repeatable).
    #[arg(long = "env", short = 'e', value_name = "K=V")]
    env: Vec<String>,
    /// Capabilities granted to an unsigned actor run with --allow-unsigned (none by default);
    /// a signed actor's grants are its claims.
    #[arg(long, value_delimiter = ',', value_name = "CAPS")]
    caps: Vec<String>,
    /// Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    dirs: Vec<String>,
    /// Linear memory per instance, e.g. 512MiB.
    #[arg(long, default_value = "512MiB", value_name = "SIZE")]
    max_memory: String,
    /// Wall-clock deadline per invocation, e.g. 30s.
    #[arg(long, default_value = "30s", value_name = "DURATION")]
    timeout: String,
    /// Invocations running at once; more wait.
    #[arg(long, default_value_t = 64, value_name = "N")]
    max_concurrent: usize,
    /// Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt).
    #[arg(long)]
    no_cache: bool,
    /// Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump),
    /// nothing persisted.
    #[arg(long)]
    mock_caps: bool,
    /// Choose a provider for one capability, CAP=KIND: kv=sqlite or kv=memory (repeatable).
    #[arg(long = "provider", value_name = "CAP=KIND")]
    provider: Vec<String>,
    /// The local key-value SQLite file.
    #[arg(long, default_value = ".wzt/kv.sqlite", value_name = "FILE")]
    kv_path: PathBuf,
    /// Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these
    /// buckets exist then.
    #[arg(long, value_name = "FILE")]
    kv_seed: Option<PathBuf>,
    /// Write the in-memory key-value store to this JSON file when the run ends.
    #[arg(long, value_name = "FILE")]
    kv_dump: Option<PathBuf>,
    /// Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical.
    #[arg(long, default_value = "info", value_name = "LEVEL")]
    log_level: LogLevel,
    /// A wasi:config value, K=V (repeatable; overrides --config-file).
    #[arg(long = "config", value_name = "K=V")]
    config: Vec<String>,
    /// wasi:config values from a TOML file of `key = "value"` lines.
    #[arg(long, value_name = "FILE")]
    config_file: Option<PathBuf>,
    /// Print every capability call on stderr: actor, interface.function, arguments, result,
    /// duration.
    #[arg(long)]
    trace_caps: bool,
    /// Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port (repeatable).
    #[arg(long = "allow-host", value_name = "PATTERN")]
    allow_hosts: Vec<HostPattern>,
    /// Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`,
    /// status, headers, body) instead of the network; implies the mock HTTP client.
    #[arg(long, value_name = "FILE")]
    http_fixtures: Option<PathBuf>,
    /// Deliver a message to the actor's wasmcloud:messaging handler before anything else,
    /// SUBJECT=PAYLOAD (repeatable).
    #[arg(long = "message", value_name = "SUBJECT=PAYLOAD")]
    messages: Vec<String>,
    /// Answer the actor's messaging requests from this TOML file of [[reply]] entries
    /// (subject, with NATS `*` and `>` wildcards, and body).
    #[arg(long, value_name = "FILE")]
    msg_replies: Option<PathBuf>,
    /// Write every capability call to this file as JSON lines.
    #[arg(long, value_name = "FILE")]
    trace_file: Option<PathBuf>,
    #[command(flatten)]
    policy: PolicyOpts,
    /// Arguments for a command actor, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let bytes = std::fs::read(&self.actor)
            .with_context(|| format!("cannot read {}", self.actor.display()))?;
        // Verify the very bytes that will be compiled: no window to swap the file.
        let examined = examine(&mut Cursor::new(&bytes), bytes.len() as u64)
            .with_context(|| format!("cannot read {}", self.actor.display()))?;
        let policy = self.policy.build(ctx)?;
        let failures = evaluate(&examined, &policy, crate::time::now());
        if !failures.is_empty() {
            eprintln!("refusing to run {}:", self.actor.display());
            for f in &failures {
                eprintln!("  [{}] {f}", f.code());
            }
            return Ok(Outcome::CheckFailed);
        }
        let claims = examined.claims();
        let granted: Vec<String> = match claims {
            Some(c) => {
                if !self.caps.is_empty() {
                    bail!(
                        "--caps grants capabilities to unsigned actors only; a signed actor's grants are in its claims (re-sign it to change them)"
                    );
                }
                c.caps().to_vec()
            }
            None => self
                .caps
                .iter()
                .filter(|c| !c.trim().is_empty())
                .map(|c| caps::resolve(c))
                .collect::<Result<_, _>>()?,
        };
        let options = self.host_options(&granted)?;
        let host = Arc::new(Host::new(options)?);
        let actor_name = claims
            .and_then(|c| c.metadata.name.clone())
            .or_else(|| {
                self.actor
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
            })
            .unwrap_or_else(|| "actor".into());
        let sink: host::EventSink = Arc::new(print_event);
        let (providers, kv) = self.providers(actor_name, &granted, sink)?;
        let actor = match Actor::load(
            Arc::clone(&host),
            &bytes,
            &examined.module_hash,
            &granted,
            Arc::clone(&providers),
        ) {
            Ok(actor) => Arc::new(actor),
            Err(e) => {
                if let Some(refusal) = e.downcast_ref::<EnforcementError>() {
                    eprintln!("refusing to run {}: {refusal}", self.actor.display());
                    return Ok(Outcome::CheckFailed);
                }
                return Err(e);
            }
        };
        drop(bytes);

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("cannot start the async runtime")?;
        let outcome = self.dispatch(ctx, &runtime, &host, &actor, &examined, &granted, &kv);
        if let (Some(path), KvChoice::Memory(memory)) = (&self.kv_dump, &kv) {
            let dump = serde_json::to_vec_pretty(&memory.dump())?;
            crate::fsutil::write_atomically(path, None, |w| w.write_all(&dump))
                .with_context(|| format!("--kv-dump: cannot write {}", path.display()))?;
        }
        outcome
    }

    #[allow(clippy::too_many_arguments)]
    fn dispatch(
        &self,
        ctx: &Ctx,
        runtime: &tokio::runtime::Runtime,
        host: &Arc<Host>,
        actor: &Arc<Actor>,
        examined: &crate::verify::Examined,
        granted: &[String],
        kv: &KvChoice,
    ) -> anyhow::Result<Outcome> {
        let startup = |listening| self.startup(ctx, host, actor, examined, granted, kv, listening);
        if !self.messages.is_empty() && !actor.handles_messages() {
            bail!("--message needs an actor that exports wasmcloud:messaging/handler");
        }
        if actor.entry_point() == EntryPoint::Messaging && self.messages.is_empty() {
            bail!("this actor only handles messages: deliver some with --message SUBJECT=PAYLOAD");
        }
        let mut delivered_ok = true;
        if !self.messages.is_empty() {
            if actor.entry_point() == EntryPoint::Messaging || self.request.is_some() {
                startup(None);
            }
            for m in &self.messages {
                let (subject, payload) = m
                    .split_once('=')
                    .with_context(|| format!("--message {m}: expected SUBJECT=PAYLOAD"))?;
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
                        eprintln!("wzt: message on {}: {e:#}", escape(subject));
                    }
                }
            }
        }
        match (actor.entry_point(), &self.request) {
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
                let listener = host::http::bind(self.listen).await?;
                let addr = listener.local_addr()?;
                startup(Some(addr));
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                    eprintln!("wzt: shutting down; waiting for in-flight requests");
                };
                let clean = host::http::serve(Arc::clone(actor), listener, shutdown).await?;
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
                        eprintln!("wzt: {e:#}");
                        Ok(Outcome::CheckFailed)
                    }
                }
            }
        }
    }

    /// The providers of this run; the key-value backend is built only when `kv` is granted.
    fn providers(
        &self,
        actor: String,
        granted: &[String],
        events: host::EventSink,
    ) -> anyhow::Result<(Arc<Providers>, KvChoice)> {
        let mut kind = if self.mock_caps { "memory" } else { "sqlite" };
        let mut http_mock = self.mock_caps || self.http_fixtures.is_some();
        for p in &self.provider {
            match p.split_once('=') {
                Some(("kv", k @ ("memory" | "sqlite"))) => kind = k,
                Some(("httpclient", "mock")) => http_mock = true,
                Some(("httpclient", "local")) => http_mock = false,
                _ => bail!(
                    "--provider {p}: expected kv=memory, kv=sqlite, httpclient=local or httpclient=mock"
                ),
            }
        }
        let http_client = if http_mock {
            if !self.allow_hosts.is_empty() {
                bail!(
                    "--allow-host applies to the local HTTP client; the mock one never uses the network"
                );
            }
            HttpClientMode::Mock {
                fixtures: match &self.http_fixtures {
                    Some(path) => load_fixtures(path)
                        .with_context(|| format!("--http-fixtures {}", path.display()))?,
                    None => Vec::new(),
                },
            }
        } else {
            if self.http_fixtures.is_some() {
                bail!(
                    "--http-fixtures applies to the mock HTTP client; drop --provider httpclient=local"
                );
            }
            HttpClientMode::Local {
                allow: self.allow_hosts.clone(),
            }
        };
        if kind == "sqlite" && (self.kv_seed.is_some() || self.kv_dump.is_some()) {
            bail!(
                "--kv-seed and --kv-dump apply to the in-memory store: add --mock-caps or --provider kv=memory"
            );
        }
        let kv_granted = granted.iter().any(|g| g == providers::KEYVALUE);
        let kv = match (kv_granted, kind) {
            (false, _) => KvChoice::Unused(Arc::new(MemoryKv::new())),
            (true, "sqlite") => {
                KvChoice::Sqlite(Arc::new(SqliteKv::open(&self.kv_path).with_context(
                    || format!("cannot open the key-value store {}", self.kv_path.display()),
                )?))
            }
            (true, _) => KvChoice::Memory(Arc::new(match &self.kv_seed {
                Some(seed) => MemoryKv::seeded(seed)
                    .with_context(|| format!("--kv-seed {}", seed.display()))?,
                None => MemoryKv::new(),
            })),
        };
        let mut config = BTreeMap::new();
        if let Some(path) = &self.config_file {
            config = read_config_file(path)?;
        }
        for kv in &self.config {
            let (k, v) = kv
                .split_once('=')
                .with_context(|| format!("--config {kv}: expected K=V"))?;
            config.insert(k.to_string(), v.to_string());
        }
        let trace_file = match &self.trace_file {
            Some(path) => Some(std::sync::Mutex::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("--trace-file: cannot create {}", path.display()))?,
            ))),
            None => None,
        };
        let providers = Providers {
            actor,
            kv: kv.backend(),
            log_level: self.log_level,
            config,
            http_client,
            messaging: providers::messaging::Messaging {
                replies: match &self.msg_replies {
                    Some(path) => providers::messaging::load_replies(path)
                        .with_context(|| format!("--msg-replies {}", path.display()))?,
                    None => Vec::new(),
                },
                published: Default::default(),
            },
            tracer: providers::Tracer {
                to_events: self.trace_caps,
                file: trace_file,
            },
            events,
        };
        Ok((Arc::new(providers), kv))
    }

    fn host_options(&self, granted: &[String]) -> anyhow::Result<HostOptions> {
        let env = self
            .env
            .iter()
            .map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .with_context(|| format!("--env {kv}: expected K=V"))
            })
            .collect::<anyhow::Result<_>>()?;
        let dirs: Vec<(PathBuf, String)> = self
            .dirs
            .iter()
            .map(|d| match d.split_once("::") {
                Some((host, guest)) => (PathBuf::from(host), guest.to_string()),
                None => (PathBuf::from(d), d.clone()),
            })
            .collect();
        if !dirs.is_empty() && !granted.iter().any(|g| g == "wasi:filesystem") {
            bail!("--dir needs the fs capability, which this actor is not granted");
        }
        Ok(HostOptions {
            max_memory: host::parse_size(&self.max_memory)
                .map_err(|e| anyhow::anyhow!("--max-memory: {e}"))?,
            timeout: std::time::Duration::from_secs(
                crate::policy::parse_duration(&self.timeout)
                    .map_err(|e| anyhow::anyhow!("--timeout: {e}"))?
                    .max(1),
            ),
            max_concurrent: self.max_concurrent.max(1),
            cache_dir: if self.no_cache {
                None
            } else {
                host::default_cache_dir()
            },
            args: self.args.clone(),
            env,
            dirs,
        })
    }

    /// The one block printed at startup (on stderr, so stdout carries only the actor's output).
    #[allow(clippy::too_many_arguments)]
    fn startup(
        &self,
        ctx: &Ctx,
        host: &Host,
        actor: &Actor,
        examined: &crate::verify::Examined,
        granted: &[String],
        kv: &KvChoice,
        listening: Option<SocketAddr>,
    ) {
        let claims = examined.claims();
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
        let grants: Vec<String> = granted.iter().map(|g| caps::display_name(g)).collect();
        let compile = match (&host.options().cache_dir, actor.cache_hit) {
            (None, _) => "compiled (cache off)",
            (Some(_), true) => "loaded from the compile cache",
            (Some(_), false) => "compiled (now cached)",
        };
        if ctx.json && listening.is_some() {
            output::print_json(&json!({
                "actor": actor.name,
                "version": claims.and_then(|c| c.metadata.ver.as_deref()),
                "kind": kind,
                "issuer": claims.map(|c| &c.issuer),
                "caps": granted,
                "listen": listening.map(|a| format!("http://{a}")),
                "pooling": host.pooling(),
                "cache_hit": actor.cache_hit,
            }));
            let _ = std::io::stdout().flush();
        }
        eprintln!("wzt: running {}{version} ({kind})", escape(&actor.name));
        eprintln!(
            "  issuer    {}",
            claims
                .map(|c| c.issuer.clone())
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
        match kv {
            KvChoice::Sqlite(s) => eprintln!(
                "  kv        sqlite {} (persists across runs)",
                s.path.display()
            ),
            KvChoice::Memory(_) => eprintln!(
                "  kv        in memory{}, not persisted",
                self.kv_seed
                    .as_ref()
                    .map(|s| format!(", seeded from {}", s.display()))
                    .unwrap_or_default()
            ),
            KvChoice::Unused(_) => {}
        }
        if granted.iter().any(|g| g == providers::LOGGING) {
            eprintln!(
                "  log       level {}",
                self.log_level.as_str().to_ascii_lowercase()
            );
        }
        if let Some(addr) = listening {
            eprintln!("  listening on http://{addr}");
        }
    }

    async fn one_request(
        &self,
        ctx: &Ctx,
        actor: &Arc<Actor>,
        request: &str,
    ) -> anyhow::Result<Outcome> {
        let mut words = request.split_whitespace();
        let (method, path) = match (words.next(), words.next(), words.next()) {
            (Some(path), None, None) if path.starts_with('/') => ("GET", path),
            (Some(method), Some(path), None) if path.starts_with('/') => (method, path),
            _ => bail!("--request '{request}': expected 'METHOD /PATH', e.g. 'GET /'"),
        };
        let headers = self
            .headers
            .iter()
            .map(|h| {
                h.split_once(':')
                    .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                    .with_context(|| format!("--header {h}: expected K:V"))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let body = match self.data.as_deref() {
            Some(d) if d.starts_with('@') => std::fs::read(&d[1..])
                .with_context(|| format!("--data: cannot read {}", &d[1..]))?
                .into(),
            Some(d) => bytes::Bytes::from(d.to_string()),
            None => bytes::Bytes::new(),
        };
        let response =
            host::http::request_once(actor, &method.to_ascii_uppercase(), path, &headers, body)
                .await?;
        let ok = (200..400).contains(&response.status);
        if ctx.json {
            output::print_json(&json!({
                "status": response.status,
                "headers": response.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
                "body": String::from_utf8_lossy(&response.body),
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
            if !ok && !self.include {
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

fn status_line(status: u16) -> String {
    match hyper::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// The key-value backend of a run.
enum KvChoice {
    Sqlite(Arc<SqliteKv>),
    Memory(Arc<MemoryKv>),
    /// `kv` is not granted: nothing is opened or created.
    Unused(Arc<MemoryKv>),
}

impl KvChoice {
    fn backend(&self) -> Arc<dyn providers::kv::KvBackend> {
        match self {
            KvChoice::Sqlite(s) => Arc::clone(s) as _,
            KvChoice::Memory(m) | KvChoice::Unused(m) => Arc::clone(m) as _,
        }
    }
}

/// Reads a TOML file of `key = value` lines (strings, numbers and booleans) as config values.
fn read_config_file(path: &std::path::Path) -> anyhow::Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("--config-file: cannot read {}", path.display()))?;
    let table: toml::Table = toml::from_str(&text)
        .with_context(|| format!("--config-file {} is not valid TOML", path.display()))?;
    table
        .into_iter()
        .map(|(k, v)| {
            let value = match v {
                toml::Value::String(s) => s,
                toml::Value::Integer(_) | toml::Value::Float(_) | toml::Value::Boolean(_) => {
                    v.to_string()
                }
                _ => bail!(
                    "--config-file {}: `{k}` must be a string, number or boolean",
                    path.display()
                ),
            };
            Ok((k, value))
        })
        .collect()
}

/// Prints host events on stderr.
fn print_event(event: HostEvent) {
    match event {
        HostEvent::Log {
            level,
            actor,
            context,
            message,
        } => eprintln!(
            "[log] {} {} {}: {}",
            level.as_str(),
            escape(&actor),
            escape(&context),
            escape(&message)
        ),
        HostEvent::Published {
            actor,
            subject,
            body,
        } => eprintln!(
            "[msg] {} published on {}: {}",
            escape(&actor),
            escape(&subject),
            escape(&body)
        ),
        HostEvent::Denied { actor, what, why } => {
            eprintln!(
                "wzt: denied {} {}: {}",
                escape(&actor),
                escape(&what),
                escape(&why)
            )
        }
        HostEvent::CapCall(call) => eprintln!(
            "[trace] {} {}({}) -> {} ({} µs){}",
            escape(&call.actor),
            call.call,
            escape(&call.args),
            escape(&call.result),
            call.duration_us,
            if call.denied { " DENIED" } else { "" }
        ),
        HostEvent::GuestOutput { stream, line } => eprintln!("[{stream}] {}", escape(&line)),
        HostEvent::Trap {
            invocation,
            error,
            stderr_tail,
        } => {
            eprintln!("wzt: {invocation} trapped (answered 500; still serving):");
            for line in error.lines() {
                eprintln!("    {line}");
            }
            print_tail(&stderr_tail);
        }
        HostEvent::Timeout {
            invocation,
            after,
            stderr_tail,
        } => {
            eprintln!(
                "wzt: {invocation} stopped after {after:.1?}: it ran past --timeout (answered 500; still serving)"
            );
            print_tail(&stderr_tail);
        }
    }
}

fn print_tail(lines: &[String]) {
    if !lines.is_empty() {
        eprintln!("  last stderr lines of the actor:");
        for line in lines {
            eprintln!("    {}", escape(line));
        }
    }
}
