//! The engine: configuration, the epoch ticker behind invocation deadlines, and the
//! compiled-artifact cache.

use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::HostOptions;

/// How often the epoch advances; deadlines are counted in these ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// One wasmtime engine for the process.
pub struct Host {
    pub(crate) engine: Engine,
    pub(crate) options: HostOptions,
    pooling: bool,
}

impl Host {
    /// Builds the engine: the pooling allocator when the machine lets it reserve the address
    /// space it needs, otherwise on-demand allocation (with a per-store memory limiter).
    pub fn new(options: HostOptions) -> anyhow::Result<Host> {
        let (engine, pooling) = match Engine::new(&config(&options, true)) {
            Ok(engine) => (engine, true),
            Err(_) => (
                Engine::new(&config(&options, false))
                    .map_err(anyhow::Error::from)
                    .context("cannot create the wasmtime engine")?,
                false,
            ),
        };
        let ticker = engine.weak();
        std::thread::Builder::new()
            .name("wzt-epoch".into())
            .spawn(move || {
                while let Some(engine) = ticker.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .context("cannot start the epoch thread")?;
        Ok(Host {
            engine,
            options,
            pooling,
        })
    }

    /// Whether the pooling allocator is in use.
    pub fn pooling(&self) -> bool {
        self.pooling
    }

    pub fn options(&self) -> &HostOptions {
        &self.options
    }

    /// Deadline of one invocation, in epoch ticks.
    pub(crate) fn deadline_ticks(&self) -> u64 {
        (self.options.timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
    }

    /// Where the compiled form of an artifact with this module hash is cached, if caching is on.
    pub(crate) fn cache_path(&self, kind: &str, module_hash: &str) -> Option<PathBuf> {
        let dir = self.options.cache_dir.as_ref()?;
        let mut hasher = HashToSha256(Sha256::new());
        std::hash::Hash::hash(&self.engine.precompile_compatibility_hash(), &mut hasher);
        let engine_hash = data_encoding::HEXLOWER.encode(&hasher.0.finalize()[..12]);
        Some(dir.join(format!("{kind}-{module_hash}-{engine_hash}.cwasm")))
    }
}

/// Feeds `std::hash::Hash` output into SHA-256, so the engine's compatibility hash gives the
/// same cache key in every wzt process (std's `DefaultHasher` makes no such promise).
struct HashToSha256(Sha256);

impl Hasher for HashToSha256 {
    fn finish(&self) -> u64 {
        unreachable!("only the SHA-256 digest is used")
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn config(options: &HostOptions, pooling: bool) -> Config {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_backtrace_details(wasmtime::WasmBacktraceDetails::Disable);
    if pooling {
        let slots = options.max_concurrent as u32 + 4;
        let mut pool = PoolingAllocationConfig::new();
        pool.total_component_instances(slots)
            .total_core_instances(slots * 16)
            .total_memories(slots * 4)
            .total_tables(slots * 8)
            .total_stacks(slots)
            .max_memory_size(options.max_memory as usize);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    config
}

/// Writes `bytes` to `path` atomically, creating the cache directory private (0700).
pub(crate) fn write_cache(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().expect("cache paths have a directory");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".wzt-cache-")
        .tempfile_in(dir)?;
    std::io::Write::write_all(&mut tmp, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
