//! The engine: configuration, the epoch ticker behind invocation deadlines, and the
//! compiled-artifact cache it opens.

use std::hash::Hasher;
use std::time::Duration;

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use super::cache::{CacheError, CompileCache};
use super::{HostOptions, limits};

/// How often the epoch advances; deadlines are counted in these ticks.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// One wasmtime engine for the process.
pub struct Host {
    pub(crate) engine: Engine,
    pub(crate) options: HostOptions,
    pooling: bool,
    /// The compile cache, when configured and safe to use.
    pub(crate) cache: Option<CompileCache>,
    /// Why a configured cache is not used.
    cache_error: Option<CacheError>,
    /// Hex of (a SHA-256 of) the engine's compatibility hash: part of every cache key.
    pub(crate) engine_hash: String,
    /// The id the next invocation gets (unique in the process, across reloads).
    invocations: std::sync::atomic::AtomicU64,
}

impl Host {
    /// Builds the engine: the pooling allocator when the machine lets it reserve the address
    /// space it needs, otherwise on-demand allocation (with a per-store memory limiter). A host
    /// for one invocation at a time (`--request`) allocates on demand: a pool would only cost
    /// its address-space reservation at start and exit.
    pub fn new(options: HostOptions) -> anyhow::Result<Host> {
        let pool = options.max_concurrent > 1;
        let (engine, pooling) = match Engine::new(&config(&options, pool)) {
            Ok(engine) => (engine, pool),
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
        let (cache, cache_error) = match options.cache.as_ref().map(CompileCache::open) {
            None => (None, None),
            Some(Ok(cache)) => (Some(cache), None),
            Some(Err(e)) => (None, Some(e)),
        };
        let mut hasher = HashToSha256(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut hasher);
        let engine_hash = data_encoding::HEXLOWER.encode(&hasher.0.finalize()[..12]);
        Ok(Host {
            engine,
            options,
            pooling,
            cache,
            cache_error,
            engine_hash,
            invocations: std::sync::atomic::AtomicU64::new(1),
        })
    }

    /// Whether compiled code is cached (configured, and the directory passed its checks).
    pub fn cache_enabled(&self) -> bool {
        self.cache.is_some()
    }

    /// Why the configured compile cache is not used, if it is not.
    pub fn cache_error(&self) -> Option<&CacheError> {
        self.cache_error.as_ref()
    }

    /// Whether the pooling allocator is in use.
    pub fn pooling(&self) -> bool {
        self.pooling
    }

    pub fn options(&self) -> &HostOptions {
        &self.options
    }

    /// A new invocation id.
    pub(crate) fn next_invocation(&self) -> u64 {
        self.invocations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    }

    /// Deadline of one invocation, in epoch ticks.
    pub(crate) fn deadline_ticks(&self) -> u64 {
        (self.options.timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64
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
            .max_memory_size(options.max_memory as usize)
            .max_core_instances_per_component(limits::MAX_INSTANCES as u32)
            .max_memories_per_component(limits::MAX_MEMORIES as u32)
            .max_tables_per_component(limits::MAX_TABLES as u32)
            .table_elements(limits::MAX_TABLE_ELEMENTS)
            .linear_memory_keep_resident(options.keep_resident as usize)
            .table_keep_resident((options.keep_resident as usize).min(1 << 20))
            // Only the pages an invocation touched are reset (Linux 6.7+; else all of the
            // kept-resident bytes are).
            .pagemap_scan(wasmtime::Enabled::Auto);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    config
}
