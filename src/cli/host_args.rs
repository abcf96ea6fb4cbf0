//! The host options `wzt run` and `wzt dev` share: limits, compile cache, providers and
//! tracing, and how host events are printed.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;

use crate::caps::{Capability, Grants};
use crate::host::providers::http_client::{HostPattern, HttpClientMode, load_fixtures};
use crate::host::providers::keyvalue::{MemoryKv, SqliteKv};
use crate::host::providers::{self, LogLevel, Providers};
use crate::host::{self, HostEvent, HostOptions, Preopen};

/// The async runtime the host serves and runs actors on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Options of the embedded host and its capability providers.
#[derive(Debug, Args)]
pub struct HostArgs {
    /// Address to serve an HTTP actor on (also --addr).
    #[arg(
        long,
        alias = "addr",
        default_value = "127.0.0.1:8080",
        value_name = "ADDR"
    )]
    pub listen: SocketAddr,
    /// An environment variable for the actor, K=V (repeatable).
    #[arg(long = "env", short = 'e', value_name = "K=V", value_parser = parse_key_value)]
    pub env: Vec<(String, String)>,
    /// Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<Preopen>,
    /// Linear memory per instance, e.g. 512MiB.
    #[arg(long, default_value = "512MiB", value_name = "SIZE", value_parser = host::parse_size)]
    pub max_memory: u64,
    /// Wall-clock deadline per invocation, e.g. 30s or 500ms.
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: std::time::Duration,
    /// Invocations running at once; more wait.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_concurrent: usize,
    /// Memory kept resident per instance slot between invocations and reset in place (only
    /// the pages an invocation touched); 0 returns it all to the kernel after each invocation
    /// (slower: page faults and TLB shootdowns on every request). More is faster for actors
    /// that touch more memory, and holds more while idle.
    #[arg(long, default_value = "16MiB", value_name = "SIZE", value_parser = host::parse_size)]
    pub keep_resident: u64,
    /// Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt).
    #[arg(long)]
    pub no_cache: bool,
    /// Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump),
    /// nothing persisted.
    #[arg(long)]
    pub mock_caps: bool,
    /// Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local
    /// or httpclient=mock (repeatable).
    #[arg(long = "provider", value_name = "CAP=KIND")]
    pub provider: Vec<ProviderChoice>,
    /// The local key-value SQLite file (created 0600).
    #[arg(long, default_value = ".wzt/kv.sqlite", value_name = "FILE")]
    pub kv_path: PathBuf,
    /// The key-value namespace in that file [default: the actor's subject key, so actors do
    /// not see each other's data]; give two actors the same NAME to share data on purpose.
    #[arg(long, value_name = "NAME", value_parser = parse_namespace)]
    pub kv_namespace: Option<String>,
    /// Refuse key-value writes once the namespace holds this much, e.g. 10MiB.
    #[arg(long, value_name = "SIZE", value_parser = host::parse_size)]
    pub kv_quota: Option<u64>,
    /// Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these
    /// buckets exist then.
    #[arg(long, value_name = "FILE")]
    pub kv_seed: Option<PathBuf>,
    /// Write the in-memory key-value store to this JSON file when the run ends.
    #[arg(long, value_name = "FILE")]
    pub kv_dump: Option<PathBuf>,
    /// Show wasi:logging lines at this level and above: trace, debug, info, warn, error, critical.
    #[arg(long, default_value = "info", value_name = "LEVEL")]
    pub log_level: LogLevel,
    /// A wasi:config value, K=V (repeatable; overrides --config-file).
    #[arg(long = "config", value_name = "K=V", value_parser = parse_key_value)]
    pub config: Vec<(String, String)>,
    /// wasi:config values from a TOML file of `key = "value"` lines.
    #[arg(long, value_name = "FILE")]
    pub config_file: Option<PathBuf>,
    /// Print every capability call on stderr: actor, interface.function, arguments, result,
    /// duration.
    #[arg(long)]
    pub trace_caps: bool,
    /// Allow outgoing HTTP to this host: api.example.com, *.example.com, host:port (repeatable).
    #[arg(long = "allow-host", value_name = "PATTERN")]
    pub allow_hosts: Vec<HostPattern>,
    /// Answer outgoing HTTP from this TOML file of [[response]] entries (method, url with `*`,
    /// status, headers, body) instead of the network; implies the mock HTTP client.
    #[arg(long, value_name = "FILE")]
    pub http_fixtures: Option<PathBuf>,
    /// Answer the actor's messaging requests from this TOML file of [[reply]] entries
    /// (subject, with NATS `*` and `>` wildcards, and body).
    #[arg(long, value_name = "FILE")]
    pub msg_replies: Option<PathBuf>,
    /// Write every capability call to this file as JSON lines.
    #[arg(long, value_name = "FILE")]
    pub trace_file: Option<PathBuf>,
}

impl HostArgs {
    /// The providers of this run; the key-value backend is built only when `kv` is granted.
    /// `namespace` is the actor's own key-value namespace (its subject key), unless
    /// `--kv-namespace` names another.
    pub fn providers(
        &self,
        actor: String,
        namespace: &str,
        granted: &Grants,
        events: host::EventSink,
        tracer: Arc<providers::Tracer>,
        lattice: Option<providers::messaging::LatticeLink>,
    ) -> anyhow::Result<(Arc<Providers>, KvChoice)> {
        let mut kind = if self.mock_caps { "memory" } else { "sqlite" };
        let mut http_mock = self.mock_caps || self.http_fixtures.is_some();
        for p in &self.provider {
            match p {
                ProviderChoice::KvMemory => kind = "memory",
                ProviderChoice::KvSqlite => kind = "sqlite",
                ProviderChoice::HttpClientMock => http_mock = true,
                ProviderChoice::HttpClientLocal => http_mock = false,
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
        if kind == "memory" && self.kv_quota.is_some() {
            bail!(
                "--kv-quota applies to the local SQLite store; the in-memory store lives only as long as this run"
            );
        }
        if kind == "sqlite" && (self.kv_seed.is_some() || self.kv_dump.is_some()) {
            bail!(
                "--kv-seed and --kv-dump apply to the in-memory store: add --mock-caps or --provider kv=memory"
            );
        }
        let kv_granted = granted.contains(Capability::KeyValue);
        let kv = match (kv_granted, kind) {
            (false, _) => KvChoice::Unused(Arc::new(MemoryKv::new())),
            (true, "sqlite") => {
                let namespace = self.kv_namespace.as_deref().unwrap_or(namespace);
                KvChoice::Sqlite(Arc::new(
                    SqliteKv::open(&self.kv_path, namespace, self.kv_quota).with_context(|| {
                        format!("cannot open the key-value store {}", self.kv_path.display())
                    })?,
                ))
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
        config.extend(self.config.iter().cloned());
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
                lattice,
            },
            tracer,
            events,
        };
        Ok((Arc::new(providers), kv))
    }

    /// Where capability calls are traced: `--trace-caps` (host events) and `--trace-file`.
    pub fn tracer(&self) -> anyhow::Result<Arc<providers::Tracer>> {
        let file = match &self.trace_file {
            Some(path) => Some(std::sync::Mutex::new(std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("--trace-file: cannot create {}", path.display()))?,
            ))),
            None => None,
        };
        Ok(Arc::new(providers::Tracer {
            to_events: self.trace_caps,
            file,
        }))
    }

    /// The host's options. `key_store` is the key store directory: a `--dir` that holds it (or
    /// the compile cache, its secret, or the key-value store) is refused, since an actor with
    /// `fs` could read the signing keys or plant native code.
    pub fn host_options(
        &self,
        granted: &Grants,
        args: &[String],
        key_store: &std::path::Path,
    ) -> anyhow::Result<HostOptions> {
        if !self.dirs.is_empty() && !granted.contains(Capability::Filesystem) {
            bail!("--dir needs the fs capability, which this actor is not granted");
        }
        let cache = host::CacheLocation::default_for_user();
        let mut protected = vec![("the key store", key_store.to_path_buf())];
        if let Some(cache) = &cache {
            protected.push(("the compile cache", cache.dir.clone()));
            protected.push(("the compile cache secret", cache.secret.clone()));
        }
        protected.push(("the key-value store", self.kv_path.clone()));
        for dir in &self.dirs {
            let shared = resolve_path(&dir.host);
            for (what, path) in &protected {
                let path = resolve_path(path);
                if path.starts_with(&shared) || shared.starts_with(&path) {
                    bail!(
                        "--dir {}: it would give the actor {what} ({}); preopen a directory that holds none of the key store, the compile cache or the key-value store",
                        dir.host.display(),
                        path.display()
                    );
                }
            }
        }
        // Pin each directory now (canonical path, device and inode), and refuse nesting: a
        // guest could otherwise replace an inner preopen's path, through the outer one, with a
        // symlink to anywhere.
        let mut dirs = Vec::new();
        for dir in &self.dirs {
            let pinned = dir
                .pinned()
                .with_context(|| format!("--dir {}", dir.host.display()))?;
            if let Some(other) = dirs.iter().find(|d: &&host::Preopen| {
                d.host.starts_with(&pinned.host) || pinned.host.starts_with(&d.host)
            }) {
                bail!(
                    "--dir {} and --dir {} overlap (one holds the other); preopen directories that do not contain each other",
                    other.host.display(),
                    pinned.host.display()
                );
            }
            dirs.push(pinned);
        }
        Ok(HostOptions {
            max_memory: self.max_memory,
            timeout: self.timeout,
            max_concurrent: self.max_concurrent.max(1),
            cache: if self.no_cache { None } else { cache },
            args: args.to_vec(),
            env: self.env.clone(),
            dirs,
            keep_resident: self.keep_resident,
        })
    }

    /// Writes the in-memory key-value store to `--kv-dump`, when asked.
    pub fn dump_kv(&self, kv: &KvChoice) -> anyhow::Result<()> {
        if let (Some(path), KvChoice::Memory(memory)) = (&self.kv_dump, kv) {
            let dump = serde_json::to_vec_pretty(&memory.dump())?;
            crate::fsutil::write_atomically(path, None, |w| std::io::Write::write_all(w, &dump))
                .with_context(|| format!("--kv-dump: cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// The provider lines of the startup block.
    pub fn describe_providers(&self, kv: &KvChoice, granted: &Grants) {
        let kv_granted = granted.contains(Capability::KeyValue);
        match kv {
            _ if !kv_granted => {}
            KvChoice::Sqlite(s) => eprintln!(
                "  kv        sqlite {} (persists across runs), namespace {}",
                s.path.display(),
                s.namespace()
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
        if granted.contains(Capability::Logging) {
            eprintln!(
                "  log       level {}",
                self.log_level.as_str().to_ascii_lowercase()
            );
        }
    }
}

/// `path` made absolute with symlinks resolved, as far as it exists (the rest appended), so
/// paths can be compared for containment before everything in them exists.
fn resolve_path(path: &std::path::Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// A `--provider` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderChoice {
    KvSqlite,
    KvMemory,
    HttpClientLocal,
    HttpClientMock,
}

impl std::str::FromStr for ProviderChoice {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "kv=sqlite" => ProviderChoice::KvSqlite,
            "kv=memory" => ProviderChoice::KvMemory,
            "httpclient=local" => ProviderChoice::HttpClientLocal,
            "httpclient=mock" => ProviderChoice::HttpClientMock,
            _ => {
                return Err(
                    "expected kv=memory, kv=sqlite, httpclient=local or httpclient=mock".into(),
                );
            }
        })
    }
}

/// `K=V` as a pair (the value may hold further `=`).
fn parse_key_value(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| "expected K=V".to_string())
}

fn parse_namespace(text: &str) -> Result<String, String> {
    crate::host::providers::keyvalue::validate_namespace(text)?;
    Ok(text.to_string())
}

/// A positive duration.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::time::parse_std_duration(text)?;
    if d.is_zero() {
        return Err("the deadline must be longer than 0s".into());
    }
    Ok(d)
}

/// The key-value backend of a run.
pub enum KvChoice {
    Sqlite(Arc<SqliteKv>),
    Memory(Arc<MemoryKv>),
    /// `kv` is not granted: nothing is opened or created.
    Unused(Arc<MemoryKv>),
}

impl KvChoice {
    fn backend(&self) -> Arc<dyn providers::keyvalue::KvBackend> {
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

/// Says on stderr when the compile cache is not used, or when an entry was refused.
pub fn report_cache(host: &host::Host, actor: &host::Actor) {
    if let Some(e) = host.cache_error() {
        eprintln!("wzt: {e}; compiling without the cache");
    }
    if let host::CacheStatus::Replaced(why) = &actor.cache {
        eprintln!(
            "wzt: refused the compile cache entry for this actor ({why}); compiled it again and replaced the entry"
        );
    }
}

/// Prints host events on stderr (their `Display` escapes what came from the guest).
pub fn print_event(event: HostEvent) {
    eprintln!("{event}");
}
