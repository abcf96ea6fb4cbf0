//! The local host (`wzt run`, docs/design.md §6): one wasmtime `Engine`, an actor pre-instantiated
//! with a linker that holds only the always-linked interfaces and those of granted
//! capabilities, and a new `Store` per invocation with memory and time limits.
//!
//! The host never prints: what happens (traps, timeouts, guest output) is reported as
//! [`HostEvent`]s to the sink the caller passes in.

use std::time::Duration;

mod actor;
pub mod cache;
mod engine;
pub mod events;
mod fair;
pub mod http;
pub mod limits;
mod link;
pub mod preopen;
pub mod providers;
pub mod runner;
mod state;

pub use actor::{Actor, CacheStatus, Delivery, EntryPoint, LoadError};
pub use cache::CacheLocation;
pub use engine::Host;
pub use events::{BuildEvent, EventSink, HostEvent, RequestRecord};
pub use link::{EnforcementError, GrantsFrom};
pub use preopen::{PreopenError, PreopenRequest, Preopens, Protected};
pub use runner::Runner;

/// How to run actors.
#[derive(Debug, Clone)]
pub struct HostOptions {
    /// Memory per invocation, in bytes: every linear memory and table of its instance together.
    pub max_memory: u64,
    /// Wall-clock deadline of one invocation.
    pub timeout: Duration,
    /// Invocations running at once; more wait for a slot.
    pub max_concurrent: usize,
    /// Where the compiled-artifact cache and its secret live; `None` disables it.
    pub cache: Option<CacheLocation>,
    /// Arguments after the program name, for commands.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    /// Host directories preopened for the guest, with the `fs` grant: checked and pinned
    /// ([`Preopens::check`] is the only way to make them).
    pub dirs: Preopens,
    /// Bytes of each linear memory (and table) kept resident between invocations and reset
    /// with `memset` (only the pages that were touched, where the kernel has `PAGEMAP_SCAN`)
    /// instead of being handed back to the kernel with `madvise`; 0 hands everything back.
    /// Trades memory held by idle slots for fewer page faults and TLB shootdowns.
    pub keep_resident: u64,
    /// Report every answered HTTP request as a [`HostEvent::Request`] (`wzt dev`, the console);
    /// off, a request costs no event.
    pub report_requests: bool,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            max_memory: 512 << 20,
            timeout: Duration::from_secs(30),
            max_concurrent: 64,
            cache: None,
            args: Vec::new(),
            env: Vec::new(),
            dirs: Preopens::none(),
            keep_resident: DEFAULT_KEEP_RESIDENT,
            report_requests: false,
        }
    }
}

/// The default of [`HostOptions::keep_resident`] (`--keep-resident`), chosen by measurement
/// (BENCHMARKS.md).
pub const DEFAULT_KEEP_RESIDENT: u64 = 16 << 20;

/// Parses a size such as `512MiB`, `1GiB`, `64M`, `4096` (bytes).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a size; use e.g. 512MiB, 1GiB, 65536"))?;
    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown size unit '{other}' in '{text}'; use KiB, MiB or GiB"
            ));
        }
    };
    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("'{text}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("512MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("5TB").is_err());
    }
}
