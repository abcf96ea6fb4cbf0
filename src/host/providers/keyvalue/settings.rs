//! The key-value provider as a unit: its flags, its checked settings, what it tells at
//! startup, the files it writes and protects, and the backend a run uses.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;

use super::backends::{KvBackend, MemoryKv, SqliteKv, validate_namespace};
use crate::caps::Capability;
use crate::host::preopen::Protected;
use crate::host::providers::{Linking, ProviderUnit};

/// The key-value flags of `wzt run` and `wzt dev`.
#[derive(Debug, Clone, Args)]
pub struct KvArgs {
    /// The local key-value SQLite file (created 0600).
    #[arg(long, default_value = ".wzt/kv.sqlite", value_name = "FILE")]
    pub kv_path: PathBuf,
    /// The key-value namespace in that file [default: the actor's subject key, so actors do
    /// not see each other's data]; give two actors the same NAME to share data on purpose.
    #[arg(long, value_name = "NAME", value_parser = parse_namespace)]
    pub kv_namespace: Option<String>,
    /// Refuse key-value writes once the namespace holds this much, e.g. 10MiB.
    #[arg(long, value_name = "SIZE", value_parser = crate::host::parse_size)]
    pub kv_quota: Option<u64>,
    /// Seed the in-memory key-value store from JSON: {"bucket": {"key": "value"}}; only these
    /// buckets exist then.
    #[arg(long, value_name = "FILE")]
    pub kv_seed: Option<PathBuf>,
    /// Write the in-memory key-value store to this JSON file when the run ends.
    #[arg(long, value_name = "FILE")]
    pub kv_dump: Option<PathBuf>,
}

fn parse_namespace(text: &str) -> Result<String, String> {
    validate_namespace(text)?;
    Ok(text.to_string())
}

/// Which key-value backend a run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvKind {
    /// The local SQLite file (default).
    Sqlite,
    /// In memory (`--mock-caps`, `--provider kv=memory`).
    Memory,
}

/// The checked key-value settings of a run.
#[derive(Debug, Clone)]
pub struct KvSettings {
    pub kind: KvKind,
    pub path: PathBuf,
    /// `--kv-namespace`: instead of the actor's own.
    pub namespace: Option<String>,
    pub quota: Option<u64>,
    pub seed: Option<PathBuf>,
    pub dump: Option<PathBuf>,
}

impl KvArgs {
    /// The settings for a run with the `kind` backend; refuses flags of the other backend.
    pub fn settings(&self, kind: KvKind) -> anyhow::Result<KvSettings> {
        if kind == KvKind::Memory && self.kv_quota.is_some() {
            bail!(
                "--kv-quota applies to the local SQLite store; the in-memory store lives only as long as this run"
            );
        }
        if kind == KvKind::Sqlite && (self.kv_seed.is_some() || self.kv_dump.is_some()) {
            bail!(
                "--kv-seed and --kv-dump apply to the in-memory store: add --mock-caps or --provider kv=memory"
            );
        }
        Ok(KvSettings {
            kind,
            path: self.kv_path.clone(),
            namespace: self.kv_namespace.clone(),
            quota: self.kv_quota,
            seed: self.kv_seed.clone(),
            dump: self.kv_dump.clone(),
        })
    }
}

/// The key-value store of a run.
pub enum KvStore {
    Sqlite(Arc<SqliteKv>),
    Memory(Arc<MemoryKv>),
    /// `kv` is not granted: nothing is opened or created.
    Unused(Arc<MemoryKv>),
}

impl KvStore {
    /// Opens the store of `settings` for an actor whose own namespace is `namespace`; nothing
    /// is opened or created unless `granted`.
    pub fn open(settings: &KvSettings, namespace: &str, granted: bool) -> anyhow::Result<KvStore> {
        if !granted {
            return Ok(KvStore::Unused(Arc::new(MemoryKv::new())));
        }
        Ok(match settings.kind {
            KvKind::Sqlite => {
                let namespace = settings.namespace.as_deref().unwrap_or(namespace);
                KvStore::Sqlite(Arc::new(
                    SqliteKv::open(&settings.path, namespace, settings.quota).with_context(
                        || {
                            format!(
                                "cannot open the key-value store {}",
                                settings.path.display()
                            )
                        },
                    )?,
                ))
            }
            KvKind::Memory => KvStore::Memory(Arc::new(match &settings.seed {
                Some(seed) => MemoryKv::seeded(seed)
                    .with_context(|| format!("--kv-seed {}", seed.display()))?,
                None => MemoryKv::new(),
            })),
        })
    }

    pub fn backend(&self) -> Arc<dyn KvBackend> {
        match self {
            KvStore::Sqlite(s) => Arc::clone(s) as _,
            KvStore::Memory(m) | KvStore::Unused(m) => Arc::clone(m) as _,
        }
    }

    /// Writes the in-memory store to `--kv-dump`, when asked.
    pub fn dump(&self, settings: &KvSettings) -> anyhow::Result<()> {
        if let (Some(path), KvStore::Memory(memory)) = (&settings.dump, self) {
            let dump = serde_json::to_vec_pretty(&memory.dump())?;
            let replace = crate::fsutil::Existing::Replace;
            crate::fsutil::write_atomically(path, None, replace, |w| {
                std::io::Write::write_all(w, &dump)
            })
            .with_context(|| format!("--kv-dump: cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// The startup line, when the store is in use.
    pub fn describe(&self, settings: &KvSettings) -> Option<String> {
        match self {
            KvStore::Sqlite(s) => Some(format!(
                "sqlite {} (persists across runs), namespace {}",
                s.path.display(),
                s.namespace()
            )),
            KvStore::Memory(_) => Some(format!(
                "in memory{}, not persisted",
                settings
                    .seed
                    .as_ref()
                    .map(|s| format!(", seeded from {}", s.display()))
                    .unwrap_or_default()
            )),
            KvStore::Unused(_) => None,
        }
    }
}

impl ProviderUnit for KvSettings {
    fn capability(&self) -> Capability {
        Capability::KeyValue
    }

    fn writes(&self) -> Vec<PathBuf> {
        [Some(self.path.clone()), self.dump.clone()]
            .into_iter()
            .flatten()
            .collect()
    }

    fn protects(&self) -> Vec<Protected> {
        let mut protected = vec![Protected {
            what: "the key-value store",
            path: self.path.clone(),
        }];
        protected.extend(self.dump.clone().map(|path| Protected {
            what: "the --kv-dump file",
            path,
        }));
        protected
    }

    fn link(&self, linking: &mut Linking<'_>) -> wasmtime::Result<()> {
        super::link(linking)
    }
}
