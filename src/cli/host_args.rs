//! The host options `wzt run` and `wzt dev` share (limits, compile cache, preopens, and the
//! providers' own flag groups), and how host events are printed.

use std::net::SocketAddr;

use anyhow::Context as _;
use clap::Args;

use crate::caps::{Capability, Grants};
use crate::host::providers::ProviderArgs;
use crate::host::providers::config::parse_key_value;
use crate::host::{self, HostEvent, HostOptions, PreopenRequest, Preopens, Protected};

/// The async runtime the host serves and runs actors on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Every flag of the embedded host: its limits and its providers. These are also the keys
/// of a project's `[dev]` table.
#[derive(Debug, Clone, Args)]
pub struct RunnerArgs {
    /// Print no startup block (what runs, the policy and trust it passed, its grants and
    /// limits); what the actor does and errors are still printed.
    #[arg(long, short = 'q', help_heading = "Output")]
    pub quiet: bool,
    #[command(flatten)]
    pub host: HostArgs,
    #[command(flatten)]
    pub providers: ProviderArgs,
    #[command(flatten)]
    pub console: super::console_args::ConsoleArgs,
}

/// Options of the embedded host itself.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Host")]
pub struct HostArgs {
    /// Where to serve an HTTP actor: PORT (on 127.0.0.1), IP:PORT, or localhost:PORT; port 0
    /// picks a free one (also --addr).
    #[arg(
        long,
        alias = "addr",
        default_value = "127.0.0.1:8080",
        value_name = "[HOST:]PORT",
        value_parser = parse_listen
    )]
    pub listen: SocketAddr,
    /// An environment variable for the actor, K=V (repeatable).
    #[arg(long = "env", short = 'e', value_name = "K=V", value_parser = parse_key_value)]
    pub env: Vec<(String, String)>,
    /// Preopen a host directory for the guest, HOST[::GUEST] (needs the fs capability).
    #[arg(long = "dir", value_name = "HOST[::GUEST]")]
    pub dirs: Vec<PreopenRequest>,
    /// Linear memory per instance, e.g. 512MiB.
    #[arg(long, help_heading = "Limits", default_value = "512MiB", value_name = "SIZE", value_parser = host::parse_size)]
    pub max_memory: u64,
    /// Wall-clock deadline per invocation, e.g. 30s or 500ms.
    #[arg(long, help_heading = "Limits", default_value = "30s", value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: std::time::Duration,
    /// Invocations running at once; more wait.
    #[arg(long, help_heading = "Limits", default_value_t = 64, value_name = "N")]
    pub max_concurrent: usize,
    /// Memory kept resident per instance slot between invocations and reset in place (only
    /// the pages an invocation touched); 0 returns it all to the kernel after each invocation
    /// (slower: page faults and TLB shootdowns on every request). More is faster for actors
    /// that touch more memory, and holds more while idle.
    #[arg(long, help_heading = "Limits", default_value = "16MiB", value_name = "SIZE", value_parser = host::parse_size)]
    pub keep_resident: u64,
    /// Compile without reading or writing the compile cache ($XDG_CACHE_HOME/wzt).
    #[arg(long)]
    pub no_cache: bool,
}

impl HostArgs {
    /// The host's options. Every `--dir` is checked against `protected` (the key store, the
    /// compile cache and its secret, and what the providers protect: an actor with `fs` could
    /// otherwise read the signing keys or plant native code), against the others, and pinned.
    pub fn options(
        &self,
        grants: &Grants,
        args: &[String],
        protected: &[Protected],
    ) -> anyhow::Result<HostOptions> {
        let dirs = Preopens::check(
            &self.dirs,
            protected,
            grants.contains(Capability::Filesystem),
        )?;
        Ok(HostOptions {
            max_memory: self.max_memory,
            timeout: self.timeout,
            max_concurrent: self.max_concurrent.max(1),
            cache: if self.no_cache {
                None
            } else {
                host::CacheLocation::default_for_user()
            },
            args: args.to_vec(),
            env: self.env.clone(),
            dirs,
            keep_resident: self.keep_resident,
            report_requests: false,
        })
    }
}

/// What of a project no `--dir` may hold: what its build reads and signs with (`wzt.toml`,
/// `Cargo.toml`, `Cargo.lock`, `build.rs`, `src/`, `.cargo/`) and `.wzt/` (its dev builds and
/// key-value store). An actor that wrote there would run natively in the next build (a build
/// script) or be signed with more (`wzt.toml`); a data directory beside them stays possible.
pub fn project_build_inputs(dir: &std::path::Path) -> Vec<Protected> {
    [
        crate::project::PROJECT_FILE,
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src",
        ".cargo",
        ".wzt",
    ]
    .into_iter()
    .map(|name| Protected {
        what: "a build input of the project (wzt.toml, Cargo.toml, Cargo.lock, build.rs, src/, .cargo/ or .wzt/)",
        path: dir.join(name),
    })
    .collect()
}

/// What no `--dir` may hold: the key store, the compile cache, what the providers keep and
/// write (`ProviderSettings::protected`), the files they read (`ProviderArgs::input_files`),
/// the policy file the run was judged by and where the default one is read from.
pub fn protected_paths(
    key_store: &std::path::Path,
    args: &host::providers::ProviderArgs,
    providers: &host::providers::ProviderSettings,
    policy: Option<&std::path::Path>,
) -> Vec<Protected> {
    let mut protected = vec![Protected {
        what: "the key store",
        path: key_store.to_path_buf(),
    }];
    if let Some(cache) = host::CacheLocation::default_for_user() {
        protected.push(Protected {
            what: "the compile cache",
            path: cache.dir,
        });
        protected.push(Protected {
            what: "the compile cache secret",
            path: cache.secret,
        });
    }
    protected.extend(providers.protected());
    protected.extend(args.input_files());
    protected.extend(policy.map(|path| Protected {
        what: "the policy file",
        path: path.to_path_buf(),
    }));
    // Where the default policy file is read from, whether or not it exists yet: an actor that
    // wrote one there would set the policy of the next run.
    if let Some(dir) = super::policy_args::default_policy_path()
        .as_deref()
        .and_then(std::path::Path::parent)
    {
        protected.push(Protected {
            what: "wzt's configuration directory (the default policy file)",
            path: dir.to_path_buf(),
        });
    }
    if let Some(path) = std::env::var_os("WZT_POLICY").filter(|p| !p.is_empty()) {
        protected.push(Protected {
            what: "the policy file WZT_POLICY names",
            path: path.into(),
        });
    }
    protected
}

/// `--listen`: `PORT` (on 127.0.0.1), `IP:PORT` (`[::1]:PORT` for IPv6), `localhost:PORT`.
/// Other names are refused rather than looked up: what a server listens on should be plain.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let loopback = |port| SocketAddr::from(([127, 0, 0, 1], port));
    if let Ok(port) = text.parse::<u16>() {
        return Ok(loopback(port));
    }
    if let Ok(addr) = text.parse::<SocketAddr>() {
        return Ok(addr);
    }
    let Some((host, port)) = text.rsplit_once(':') else {
        return Err(format!(
            "'{}' is not PORT, IP:PORT or localhost:PORT (e.g. 8080, 127.0.0.1:8080)",
            crate::text::escape(text)
        ));
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("'{}' is not a port (0 to 65535)", crate::text::escape(port)))?;
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(loopback(port));
    }
    if host.is_empty() {
        return Err(format!(
            "':{port}' names no address: use {port} or 127.0.0.1:{port} for this machine only, 0.0.0.0:{port} for every interface"
        ));
    }
    Err(format!(
        "'{}' is not an IP address: give PORT, IP:PORT or localhost:PORT (wzt does not look up names to listen on)",
        crate::text::escape(host)
    ))
}

/// Binds the HTTP listener; a port in use, or not allowed, is said with the fix.
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    host::http::bind(addr).await.map_err(|e| {
        let fix = match e.root_cause().downcast_ref::<std::io::Error>().map(|e| e.kind()) {
            Some(std::io::ErrorKind::AddrInUse) => format!(
                "cannot listen on {addr}: the address is in use (another server, or another wzt, listens there). Choose another port with `--listen PORT` (`--listen 0` picks a free one), or `listen` in the [dev] table of wzt.toml"
            ),
            Some(std::io::ErrorKind::PermissionDenied) => format!(
                "cannot listen on {addr}: permission denied (ports below 1024 need privileges); choose a port of 1024 or more with `--listen PORT`, or `listen` in the [dev] table of wzt.toml"
            ),
            Some(std::io::ErrorKind::AddrNotAvailable) => format!(
                "cannot listen on {addr}: this machine has no such address; use 127.0.0.1 (`--listen {}`), or one of its own addresses",
                addr.port()
            ),
            _ => return e,
        };
        anyhow::anyhow!(fix)
    })
}

/// A positive duration.
fn parse_timeout(text: &str) -> Result<std::time::Duration, String> {
    let d = crate::time::parse_std_duration(text)?;
    if d.is_zero() {
        return Err("the deadline must be longer than 0s".into());
    }
    Ok(d)
}

/// Says on stderr when the compile cache is not used, or when an entry was refused.
pub fn report_cache(startup: &host::runner::Startup) {
    if let Some(e) = &startup.cache_error {
        eprintln!("wzt: {e}; compiling without the cache");
    }
    if let host::CacheStatus::Replaced(why) = &startup.cache {
        eprintln!(
            "wzt: refused the compile cache entry for this actor ({why}); compiled it again and replaced the entry"
        );
    }
}

/// Which events are printed on stderr (their `Display` escapes what came from the guest).
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    /// Capability calls (`--trace-caps`).
    pub trace_caps: bool,
    /// One line per answered request (`wzt dev`).
    pub requests: bool,
}

impl Printer {
    /// Prints `event` on stderr when it is one of those asked for.
    pub fn show(self) -> impl Fn(&HostEvent) + Send + Sync + 'static {
        move |event: &HostEvent| {
            let shown = match event {
                HostEvent::CapCall(_) => self.trace_caps,
                HostEvent::Request(_) => self.requests,
                _ => true,
            };
            if shown {
                super::output::eprint_line(event);
            }
        }
    }
}
