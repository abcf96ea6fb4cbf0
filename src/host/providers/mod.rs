//! Capability providers (docs/design.md §6): the host side of every capability, one module
//! each, each a unit that owns its flags (a clap group), its checked settings, what it says at
//! startup, the files it writes (the dev watcher ignores them), the paths it protects
//! (preopens may not reach them) and how its interfaces are linked. [`ProviderSettings::units`]
//! is the one list that drives linking, protection and watching; adding a provider means its
//! own module, one line there and in [`ProviderArgs`], and its row in the capability table
//! (`crate::caps`), which a test ties to what the linker really holds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use clap::Args;
use wasmtime::component::{HasData, Linker, ResourceTable};

use super::EventSink;
use super::preopen::Protected;
use super::state::ComponentState;
use crate::caps::{Capability, Grants};
use crate::scopes::{Resource, ScopeKind, Scopes};

pub mod config;
pub mod http_client;
pub mod keyvalue;
pub mod logging;
pub mod messaging;
mod tracer;
mod wasi;

pub use keyvalue::{KvKind, KvSettings, KvStore};
pub use logging::LogLevel;
pub use tracer::{CapCall, TraceSettings, Tracer};

/// One provider: a capability's host side.
pub trait ProviderUnit {
    /// The capability whose interfaces [`ProviderUnit::link`] links.
    fn capability(&self) -> Capability;
    /// Files a run writes through this provider: the dev loop never rebuilds because of them.
    fn writes(&self) -> Vec<PathBuf>;
    /// Paths no preopened directory may hold or be inside.
    fn protects(&self) -> Vec<Protected>;
    /// Links the capability's interfaces (called only under its grant).
    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()>;
}

/// The provider flags of `wzt run` and `wzt dev`.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Providers")]
pub struct ProviderArgs {
    /// Use mock providers: in-memory key-value (seed with --kv-seed, dump with --kv-dump),
    /// nothing persisted.
    #[arg(long)]
    pub mock_caps: bool,
    /// Choose a provider for one capability, CAP=KIND: kv=sqlite, kv=memory, httpclient=local
    /// or httpclient=mock (repeatable).
    #[arg(long = "provider", value_name = "CAP=KIND")]
    pub provider: Vec<ProviderChoice>,
    #[command(flatten)]
    pub kv: keyvalue::KvArgs,
    #[command(flatten)]
    pub logging: logging::LoggingArgs,
    #[command(flatten)]
    pub config: config::ConfigArgs,
    #[command(flatten)]
    pub http_client: http_client::HttpClientArgs,
    #[command(flatten)]
    pub messaging: messaging::MessagingArgs,
    #[command(flatten)]
    pub trace: tracer::TraceArgs,
}

impl ProviderArgs {
    /// The files the providers read at start (seed, configuration, fixtures, canned
    /// replies): kept from the actor like the files a run writes, so that an actor given a
    /// directory cannot change what the next run of it is fed.
    pub fn input_files(&self) -> Vec<Protected> {
        [
            ("the --kv-seed file", &self.kv.kv_seed),
            ("the --config-file file", &self.config.config_file),
            ("the --http-fixtures file", &self.http_client.http_fixtures),
            ("the --msg-replies file", &self.messaging.msg_replies),
        ]
        .into_iter()
        .filter_map(|(what, path)| path.clone().map(|path| Protected { what, path }))
        .collect()
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

/// The checked settings of every provider of a run (no clap in here: a library caller
/// builds these directly).
#[derive(Debug, Clone)]
pub struct ProviderSettings {
    pub kv: KvSettings,
    pub logging: logging::LoggingSettings,
    pub config: config::ConfigSettings,
    pub http_client: http_client::HttpClientSettings,
    pub messaging: messaging::MessagingSettings,
    pub trace: TraceSettings,
}

impl Default for ProviderSettings {
    /// Local providers with the defaults of the flags: key-value in `.wzt/kv.sqlite`, logging
    /// from `info`, no config values, outgoing HTTP to no host, no canned replies, no trace.
    fn default() -> Self {
        ProviderSettings {
            kv: KvSettings {
                kind: KvKind::Sqlite,
                path: PathBuf::from(".wzt/kv.sqlite"),
                namespace: None,
                quota: None,
                seed: None,
                dump: None,
            },
            logging: logging::LoggingSettings {
                level: LogLevel::Info,
            },
            config: config::ConfigSettings::default(),
            http_client: http_client::HttpClientSettings {
                mode: http_client::HttpClientMode::Local { allow: Vec::new() },
            },
            messaging: messaging::MessagingSettings::default(),
            trace: TraceSettings::default(),
        }
    }
}

impl ProviderArgs {
    /// Checks the flags together (a flag of the mock provider with the local one is an error)
    /// and reads the files they name.
    pub fn settings(&self) -> anyhow::Result<ProviderSettings> {
        let mut kv = if self.mock_caps {
            KvKind::Memory
        } else {
            KvKind::Sqlite
        };
        let mut http_mock = self.mock_caps || self.http_client.http_fixtures.is_some();
        for choice in &self.provider {
            match choice {
                ProviderChoice::KvMemory => kv = KvKind::Memory,
                ProviderChoice::KvSqlite => kv = KvKind::Sqlite,
                ProviderChoice::HttpClientMock => http_mock = true,
                ProviderChoice::HttpClientLocal => http_mock = false,
            }
        }
        Ok(ProviderSettings {
            http_client: self.http_client.settings(http_mock)?,
            kv: self.kv.settings(kv)?,
            logging: self.logging.settings(),
            config: self.config.settings()?,
            messaging: self.messaging.settings()?,
            trace: self.trace.settings(),
        })
    }
}

impl ProviderSettings {
    /// Every provider, one per capability, in the capability table's order.
    pub fn units(&self) -> [&dyn ProviderUnit; 10] {
        [
            &wasi::HTTP_SERVER,
            &self.http_client,
            &self.kv,
            &self.messaging,
            &self.logging,
            &wasi::BLOBSTORE,
            &self.config,
            &wasi::FILESYSTEM,
            &wasi::SOCKETS,
            &wasi::NUMBER_GEN,
        ]
    }

    /// Paths no preopen may reach, from every provider.
    /// The trace file among them: an actor that could write it would teach `wzt sign
    /// --scopes-from` scopes it never used.
    pub fn protected(&self) -> Vec<Protected> {
        let mut protected: Vec<Protected> =
            self.units().iter().flat_map(|u| u.protects()).collect();
        protected.extend(self.trace.file.clone().map(|path| Protected {
            what: "the trace file",
            path,
        }));
        protected
    }

    /// Files this run writes (providers and the trace file).
    pub fn written(&self) -> Vec<PathBuf> {
        let mut written: Vec<PathBuf> = self.units().iter().flat_map(|u| u.writes()).collect();
        written.extend(self.trace.file.clone());
        written
    }
}

/// A component linker being filled, with the interfaces linked so far: an interface two
/// capabilities share (`wasi:http/types`) is linked once.
pub struct Linking<'a> {
    linker: &'a mut Linker<ComponentState>,
    linked: &'a mut BTreeSet<&'static str>,
}

impl<'a> Linking<'a> {
    pub(crate) fn new(
        linker: &'a mut Linker<ComponentState>,
        linked: &'a mut BTreeSet<&'static str>,
    ) -> Linking<'a> {
        Linking { linker, linked }
    }

    /// Links `interface` (its full name, `ns:pkg/iface@version`) with `add`, unless it is
    /// linked already.
    pub(crate) fn add(
        &mut self,
        interface: &'static str,
        add: impl FnOnce(&mut Linker<ComponentState>) -> wasmtime::Result<()>,
    ) -> wasmtime::Result<()> {
        if self.linked.insert(interface) {
            add(self.linker)?;
        }
        Ok(())
    }
}

/// What providers need to know about the actor they serve.
pub struct ActorIdentity {
    /// The name shown in events.
    pub name: String,
    /// The actor's own key-value namespace (`keyvalue::namespace_of`).
    pub namespace: String,
}

/// The providers of one run, shared by every invocation.
pub struct Providers {
    pub actor: String,
    pub settings: ProviderSettings,
    pub kv_store: KvStore,
    pub kv: Arc<dyn keyvalue::KvBackend>,
    pub log_level: LogLevel,
    pub config: BTreeMap<String, String>,
    pub http_client: http_client::HttpClientMode,
    pub messaging: messaging::Messaging,
    pub tracer: Arc<Tracer>,
    pub events: EventSink,
}

impl Providers {
    /// The providers of `settings` for an actor holding `grants` (the key-value store is opened
    /// only when `kv` is granted); calls are traced by `tracer`, and everything else reported
    /// to `events`.
    pub fn new(
        settings: ProviderSettings,
        actor: ActorIdentity,
        grants: &Grants,
        tracer: Arc<Tracer>,
        events: EventSink,
        lattice: Option<messaging::LatticeLink>,
    ) -> anyhow::Result<Providers> {
        let kv_store = KvStore::open(
            &settings.kv,
            &actor.namespace,
            grants.contains(Capability::KeyValue),
        )?;
        Ok(Providers {
            actor: actor.name,
            kv: kv_store.backend(),
            kv_store,
            log_level: settings.logging.level,
            config: settings.config.values.clone(),
            http_client: settings.http_client.mode.clone(),
            messaging: messaging::Messaging {
                replies: settings.messaging.replies.clone(),
                published: Default::default(),
                lattice,
            },
            tracer,
            events,
            settings,
        })
    }

    /// The provider lines of the startup block (label, text), for granted capabilities.
    pub fn describe(&self, grants: &Grants) -> Vec<(&'static str, String)> {
        let mut lines = Vec::new();
        if grants.contains(Capability::KeyValue)
            && let Some(kv) = self.kv_store.describe(&self.settings.kv)
        {
            lines.push(("kv", kv));
        }
        if grants.contains(Capability::Logging) {
            lines.push((
                "log",
                format!("level {}", self.log_level.as_str().to_ascii_lowercase()),
            ));
        }
        lines
    }

    /// What the run leaves behind when it ends: the `--kv-dump` file.
    pub fn finish(&self) -> anyhow::Result<()> {
        self.kv_store.dump(&self.settings.kv)
    }

    /// Runs `f` and traces it as `call` with `args`; `denied` tells from the result whether
    /// the provider refused.
    fn traced<T>(
        &self,
        invocation: Option<u64>,
        call: &str,
        resource: Option<Resource>,
        args: impl FnOnce() -> String,
        f: impl FnOnce() -> T,
        summary: impl FnOnce(&T) -> (String, bool),
    ) -> T {
        if !self.tracer.enabled() {
            return f();
        }
        let started = Instant::now();
        let value = f();
        let duration = started.elapsed();
        let (result, denied) = summary(&value);
        self.tracer.record(
            &self.events,
            CapCall {
                actor: self.actor.clone(),
                invocation,
                call: call.to_string(),
                resource,
                args: args(),
                result,
                duration_us: duration.as_micros().min(u64::MAX as u128) as u64,
                denied,
            },
        );
        value
    }
}

/// A resource outside the actor's signed scopes: traces the call as denied and reports it
/// with the `--scope` that would grant it (one line on stderr).
#[allow(clippy::too_many_arguments)]
pub(crate) fn deny_outside_scope(
    providers: &Providers,
    scopes: &Scopes,
    invocation: Option<u64>,
    kind: ScopeKind,
    resource: &str,
    call: &str,
    args: String,
    what: String,
) {
    if providers.tracer.enabled() {
        providers.tracer.record(
            &providers.events,
            CapCall {
                actor: providers.actor.clone(),
                invocation,
                call: call.to_string(),
                resource: Some(Resource::new(kind, resource)),
                args,
                result: format!("denied: outside the signed scope {kind}"),
                duration_us: 0,
                denied: true,
            },
        );
    }
    (providers.events)(super::HostEvent::Denied {
        actor: providers.actor.clone(),
        what,
        why: if kind.is_concrete(resource) && kind.parse_value(resource).is_ok() {
            format!(
                "outside the signed scope {kind} ({}); grant it with --scope {} (in a project: {kind} in [actor.scopes] of wzt.toml)",
                scopes.describe(kind),
                crate::text::shell_word(&format!("{kind}={resource}"))
            )
        } else if kind.is_concrete(resource) {
            format!(
                "outside the signed scope {kind} ({}); no scope can name it ({})",
                scopes.describe(kind),
                kind.parse_value(resource)
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default()
            )
        } else {
            format!(
                "{resource} is a pattern, not one {kind} resource: a scoped actor names the resources it reaches (its scope: {})",
                scopes.describe(kind)
            )
        },
    });
}

impl ProviderView<'_> {
    /// Whether the actor's signed scopes of `kind` reach `resource` (`what` says it for a
    /// person); a denial is traced as `call` and reported.
    fn in_scope(
        &self,
        kind: ScopeKind,
        resource: &str,
        call: &str,
        args: impl FnOnce() -> String,
        what: impl FnOnce() -> String,
    ) -> bool {
        if self.scopes.check(kind, resource).allowed() {
            return true;
        }
        deny_outside_scope(
            self.providers,
            self.scopes,
            self.invocation,
            kind,
            resource,
            call,
            args(),
            what(),
        );
        false
    }
}

/// A short, printable summary of bytes for traces.
fn short(bytes: &[u8]) -> String {
    const MAX: usize = 40;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]).into_owned();
    let text: String = text.escape_debug().collect();
    if bytes.len() > MAX {
        format!("\"{text}…\" ({} bytes)", bytes.len())
    } else {
        format!("\"{text}\"")
    }
}

/// What the provider host functions see of a store: its resource table and the providers.
pub struct ProviderView<'a> {
    pub table: &'a mut ResourceTable,
    pub providers: &'a Providers,
    /// The invocation this store runs (for traces).
    pub invocation: Option<u64>,
    /// The running actor's signed per-resource scopes.
    pub scopes: &'a Scopes,
    /// Key-value buckets this invocation holds open (bounded: each keeps its name).
    pub open_buckets: &'a mut usize,
    /// The lattice request this invocation handles, if any.
    pub incoming: Option<&'a messaging::IncomingRequest>,
}

/// Marker for `add_to_linker`.
pub struct ProviderData;

impl HasData for ProviderData {
    type Data<'a> = ProviderView<'a>;
}

type Wt<T> = wasmtime::Result<T>;
