//! The local host (`wzt run`, docs/design.md §6): one wasmtime `Engine`, an actor pre-instantiated
//! with a linker that holds only the always-linked interfaces and those of granted
//! capabilities, and a new `Store` per invocation with memory and time limits.
//!
//! The host never prints: what happens (traps, timeouts, guest output) is reported as
//! [`HostEvent`]s to the sink the caller passes in.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

mod actor;
pub mod cache;
mod engine;
mod fair;
pub mod http;
pub mod limits;
mod link;
pub mod providers;
mod state;

pub use actor::{Actor, CacheStatus, EntryPoint};
pub use cache::CacheLocation;
pub use engine::Host;
pub use link::EnforcementError;

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
    /// Host directories preopened for the guest, with the `fs` grant.
    pub dirs: Vec<Preopen>,
    /// Bytes of each linear memory (and table) kept resident between invocations and reset
    /// with `memset` (only the pages that were touched, where the kernel has `PAGEMAP_SCAN`)
    /// instead of being handed back to the kernel with `madvise`; 0 hands everything back.
    /// Trades memory held by idle slots for fewer page faults and TLB shootdowns.
    pub keep_resident: u64,
}

/// A host directory the guest sees at `guest`: `HOST[::GUEST]` on the command line (the guest
/// path defaults to the host path as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preopen {
    pub host: PathBuf,
    pub guest: String,
    /// Device and inode of the directory when it was checked ([`Preopen::pinned`]): every
    /// invocation re-opens `host` by name, and refuses when it is no longer that directory.
    pub identity: Option<(u64, u64)>,
}

impl Preopen {
    /// This preopen with its host path made canonical (symlinks resolved) and its directory's
    /// identity recorded, so a later swap of the path (a symlink planted in its place, by the
    /// guest through another preopen or by another local user) is detected.
    pub fn pinned(&self) -> std::io::Result<Preopen> {
        let host = std::fs::canonicalize(&self.host)?;
        let meta = std::fs::metadata(&host)?;
        if !meta.is_dir() {
            return Err(std::io::Error::other("not a directory"));
        }
        Ok(Preopen {
            host,
            guest: self.guest.clone(),
            identity: Some(identity(&meta)),
        })
    }

    /// Checks the host path still names the directory that was pinned.
    pub fn still_pinned(&self) -> bool {
        let Some(expected) = self.identity else {
            return true;
        };
        match (
            std::fs::canonicalize(&self.host),
            std::fs::symlink_metadata(&self.host),
        ) {
            (Ok(real), Ok(meta)) => {
                real == self.host && meta.is_dir() && identity(&meta) == expected
            }
            _ => false,
        }
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

impl std::str::FromStr for Preopen {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (host, guest) = s.split_once("::").unwrap_or((s, s));
        if host.is_empty() || guest.is_empty() {
            return Err("expected HOST[::GUEST], e.g. ./data::/data".into());
        }
        Ok(Preopen {
            host: PathBuf::from(host),
            guest: guest.to_string(),
            identity: None,
        })
    }
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
            dirs: Vec::new(),
            keep_resident: DEFAULT_KEEP_RESIDENT,
        }
    }
}

/// The default of [`HostOptions::keep_resident`] (`--keep-resident`), chosen by measurement
/// (BENCHMARKS.md).
pub const DEFAULT_KEEP_RESIDENT: u64 = 16 << 20;

/// Something the host reports while it runs an actor.
#[derive(Debug, Clone)]
pub enum HostEvent {
    /// The guest trapped (or failed) during an invocation; the host keeps serving.
    Trap {
        invocation: String,
        /// The error with the guest's backtrace (function names when the name section is there).
        error: String,
        /// The last lines the guest wrote to stderr.
        stderr_tail: Vec<String>,
    },
    /// The invocation ran past the deadline and was stopped.
    Timeout {
        invocation: String,
        after: Duration,
        /// The response head had been sent: the client sees the body cut off, not a 500.
        response_started: bool,
        stderr_tail: Vec<String>,
    },
    /// A line the guest wrote to stdout or stderr during an HTTP invocation.
    GuestOutput { stream: &'static str, line: String },
    /// A `wasi:logging` line at or above the configured level.
    Log {
        level: providers::LogLevel,
        actor: String,
        context: String,
        message: String,
    },
    /// The actor published a message (recorded; there is no broker).
    Published {
        actor: String,
        subject: String,
        body: String,
    },
    /// A capability call the provider refused (a host not allowed, no matching fixture).
    Denied {
        actor: String,
        what: String,
        why: String,
    },
    /// A traced capability call (`--trace-caps`).
    CapCall(providers::CapCall),
    /// Something on the lattice: a rejected message, a lost or regained connection.
    Lattice(crate::lattice::LatticeEvent),
}

impl std::fmt::Display for HostEvent {
    /// The event as `wzt run` prints it on stderr. Everything that came from the guest or a
    /// client (names, lines, subjects, backtraces) is escaped ([`crate::text`]); a multi-line
    /// error keeps its lines, each indented.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::text::{Untrusted as U, escape_lines};
        fn tail(f: &mut std::fmt::Formatter<'_>, lines: &[String]) -> std::fmt::Result {
            if !lines.is_empty() {
                write!(f, "\n  last stderr lines of the actor:")?;
                for line in lines {
                    write!(f, "\n    {}", U(line))?;
                }
            }
            Ok(())
        }
        match self {
            HostEvent::Log {
                level,
                actor,
                context,
                message,
            } => write!(
                f,
                "[log] {} {} {}: {}",
                level.as_str(),
                U(actor),
                U(context),
                U(message)
            ),
            HostEvent::Published {
                actor,
                subject,
                body,
            } => write!(
                f,
                "[msg] {} published on {}: {}",
                U(actor),
                U(subject),
                U(body)
            ),
            HostEvent::Denied { actor, what, why } => {
                write!(f, "wzt: denied {} {}: {}", U(actor), U(what), U(why))
            }
            HostEvent::CapCall(call) => write!(
                f,
                "[trace] {} {}({}) -> {} ({} µs){}",
                U(&call.actor),
                U(&call.call),
                U(&call.args),
                U(&call.result),
                call.duration_us,
                if call.denied { " DENIED" } else { "" }
            ),
            HostEvent::GuestOutput { stream, line } => write!(f, "[{stream}] {}", U(line)),
            // Its Display escapes what came from the network.
            HostEvent::Lattice(event) => write!(f, "{event}"),
            HostEvent::Trap {
                invocation,
                error,
                stderr_tail,
            } => {
                write!(
                    f,
                    "wzt: {} trapped (answered 500; still serving):",
                    U(invocation)
                )?;
                if !error.is_empty() {
                    write!(f, "\n    {}", escape_lines(error, "    "))?;
                }
                tail(f, stderr_tail)
            }
            HostEvent::Timeout {
                invocation,
                after,
                response_started,
                stderr_tail,
            } => {
                let answer = if *response_started {
                    "its response was cut off"
                } else {
                    "answered 500"
                };
                write!(
                    f,
                    "wzt: {} stopped after {after:.1?}: it ran past --timeout ({answer}; still serving)",
                    U(invocation)
                )?;
                tail(f, stderr_tail)
            }
        }
    }
}

/// Where host events go.
pub type EventSink = Arc<dyn Fn(HostEvent) + Send + Sync>;

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

    #[test]
    fn preopens_parse() {
        let p: Preopen = "./data::/data".parse().unwrap();
        assert_eq!(
            (p.host, p.guest.as_str()),
            (PathBuf::from("./data"), "/data")
        );
        let p: Preopen = "data".parse().unwrap();
        assert_eq!(p.guest, "data");
        assert!("::/x".parse::<Preopen>().is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_pinned_preopen_notices_a_swap() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let pinned: Preopen = format!("{}::/d", data.display())
            .parse::<Preopen>()
            .unwrap();
        let pinned = pinned.pinned().unwrap();
        assert!(pinned.still_pinned());
        std::fs::remove_dir(&data).unwrap();
        std::fs::create_dir(root.path().join("keys")).unwrap();
        std::os::unix::fs::symlink(root.path().join("keys"), &data).unwrap();
        assert!(!pinned.still_pinned());
    }
}
