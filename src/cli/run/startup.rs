//! The startup block of `wzt run` (on stderr, so stdout carries only the actor's output), and
//! its `--json` object.

use std::io::Write as _;
use std::net::SocketAddr;

use serde::Serialize;

use super::super::Ctx;
use super::super::output::{self, escape};
use super::super::policy_args::TrustUsed;
use super::Opts;
use crate::caps::Grants;
use crate::host::CacheStatus;
use crate::host::runner::Runner;
use crate::lattice::Lattice;

/// `wzt run --json`'s startup object (field names are stable: README).
#[derive(Serialize)]
struct StartupJson<'a> {
    actor: &'a str,
    version: Option<&'a str>,
    kind: &'a str,
    issuer: Option<&'a str>,
    caps: &'a Grants,
    scopes: &'a std::collections::BTreeMap<String, Vec<String>>,
    listen: Option<String>,
    pooling: bool,
    cache_hit: bool,
    lattice: Option<LatticeJson<'a>>,
    /// The console's URL (with its token), with --console.
    console: Option<&'a str>,
    policy: &'a TrustUsed,
}

#[derive(Serialize)]
struct LatticeJson<'a> {
    url: &'a str,
    tls: bool,
    auth: &'a str,
    name: &'a str,
    host: Option<&'a str>,
    cluster: Option<String>,
    endorsement_expires: Option<u64>,
    trusted_clusters: &'a [String],
    replay: &'a str,
    subscriptions: &'a [String],
    queue_group: Option<String>,
}

fn lattice_json<'a>(lattice: &'a Lattice, opts: &'a Opts, runner: &Runner) -> LatticeJson<'a> {
    let signer = lattice.signer();
    LatticeJson {
        url: lattice.url(),
        tls: lattice.tls_required(),
        auth: lattice.auth_kind(),
        name: lattice.trust().lattice(),
        host: signer.map(|s| s.host_key()),
        cluster: signer.map(|s| s.cluster_key()),
        endorsement_expires: signer.map(|s| s.endorsement_expires()),
        trusted_clusters: lattice.trust().clusters(),
        replay: if lattice.replay().is_lattice_wide() {
            "lattice"
        } else {
            "host"
        },
        subscriptions: &opts.subscribe,
        queue_group: runner.queue_group(),
    }
}

/// Prints the startup block (and, with `--json`, the startup object when the run keeps going:
/// it listens or is subscribed).
pub(super) fn print(
    opts: &Opts,
    ctx: &Ctx,
    runner: &Runner,
    listening: Option<SocketAddr>,
    console: Option<&str>,
    used: &TrustUsed,
) {
    let startup = runner.startup();
    let lattice = runner.lattice().map(|l| l.as_ref());
    if ctx.json && (listening.is_some() || !opts.subscribe.is_empty()) {
        output::print_json(&StartupJson {
            actor: &startup.actor,
            version: startup.version.as_deref(),
            kind: startup.kind,
            issuer: startup.issuer.as_deref(),
            caps: &startup.caps,
            scopes: &startup.scopes,
            listen: listening.map(|a| format!("http://{a}")),
            pooling: startup.pooling,
            cache_hit: startup.cache == CacheStatus::Hit,
            lattice: lattice.map(|l| lattice_json(l, opts, runner)),
            console,
            policy: used,
        });
        let _ = std::io::stdout().flush();
    }
    if opts.runner.quiet {
        return;
    }
    let version = startup
        .version
        .as_deref()
        .map(|v| format!(" {}", escape(v)))
        .unwrap_or_default();
    let grants: Vec<String> = startup
        .caps
        .iter()
        .map(|g| escape(g.display_name()))
        .collect();
    let compile = match &startup.cache {
        CacheStatus::Off => "compiled (cache off)",
        CacheStatus::Hit => "loaded from the compile cache",
        CacheStatus::Compiled | CacheStatus::Replaced(_) => "compiled (now cached)",
    };
    eprintln!(
        "wzt: running {}{version} ({})",
        escape(&startup.actor),
        startup.kind
    );
    eprintln!(
        "  issuer    {}",
        startup
            .issuer
            .as_deref()
            .map(escape)
            .unwrap_or_else(|| "unsigned (--allow-unsigned)".into())
    );
    eprintln!("  policy    {}", used.describe());
    eprintln!(
        "  grants    {}",
        if grants.is_empty() {
            "none".to_string()
        } else {
            grants.join(", ")
        }
    );
    // Shown for a scoped actor (an unscoped one's block is as it always was).
    let scope_lines = if startup.scopes.is_empty() {
        &[][..]
    } else {
        &startup.scope_lines[..]
    };
    for (i, line) in scope_lines.iter().enumerate() {
        eprintln!("  {:<9} {line}", if i == 0 { "scopes" } else { "" });
    }
    eprintln!(
        "  engine    {} allocator, {compile}; limits: {} MiB memory, {:?} per invocation, {} concurrent",
        if startup.pooling {
            "pooling"
        } else {
            "on-demand"
        },
        startup.max_memory >> 20,
        startup.timeout,
        startup.max_concurrent
    );
    for (label, text) in &startup.providers {
        eprintln!("  {label:<9} {text}");
    }
    if let Some(lattice) = lattice {
        let from = if opts.lattice.trusted_clusters.is_empty() {
            "the key store's cluster keys"
        } else {
            "--trusted-cluster"
        };
        describe_lattice(
            lattice,
            runner.queue_group().as_deref(),
            &opts.subscribe,
            from,
        );
    }
    if let Some(addr) = listening {
        eprintln!("  listening on http://{addr}");
    }
}

/// The lattice lines of the startup block.
fn describe_lattice(lattice: &Lattice, queue: Option<&str>, subscribed: &[String], from: &str) {
    let trust = lattice.trust();
    if let Some(signer) = lattice.signer() {
        eprintln!(
            "  lattice   {} on {} as host {}",
            trust.lattice(),
            lattice.url(),
            signer.host_key()
        );
        eprintln!(
            "  endorsed  by {} until {} ({})",
            signer.cluster_key(),
            crate::time::rfc3339(signer.endorsement_expires()),
            signer.describe_renewal()
        );
    }
    eprintln!("  nats      {}", lattice.connection_note());
    eprintln!("  trusts    {} ({from})", trust.clusters().join(", "));
    eprintln!("  replays   checked {}", lattice.replay().describe());
    eprintln!("  revoked   {}", lattice.describe_revocations());
    if let Some(note) = lattice.replay_note() {
        eprintln!("wzt: warning: {note}");
    }
    if !subscribed.is_empty() {
        let subjects: Vec<String> = subscribed.iter().map(|s| escape(s)).collect();
        eprintln!(
            "  subscribed {} (queue group {})",
            subjects.join(", "),
            queue.unwrap_or_default()
        );
    }
}
