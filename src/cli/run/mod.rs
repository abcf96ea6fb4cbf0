//! `wzt run`: verify an actor, then run it in the embedded host with only its granted
//! capabilities linked. The flags are here; the running is `host::Runner`'s.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::bail;
use clap::Args;

use super::console_args;
use super::fixes::GrantsFrom;
use super::host_args::{self, RunnerArgs};
use super::lattice_args::LatticeArgs;
use super::output::{self, escape};
use super::policy_args::PolicyOpts;
use super::registry_args::{self, FetchFailure, RegistryOpts};
use super::{Ctx, Outcome};

use crate::host::LoadError;
use crate::host::runner::{Runner, RunnerConfig};
use crate::verify::{Failure, Rejection, admit};

mod dispatch;
mod preflight;
mod request;
mod startup;

use request::{Header, Message, RequestLine};

/// Verify an actor and run it: serve an HTTP actor, or run a command once.
///
/// The actor is verified first, with the same rules and policy options as `wzt verify`; only
/// the always-linked interfaces and those of granted capabilities are linked, and an import of
/// anything else refuses to start. An HTTP actor is served on --listen until Ctrl-C (in-flight
/// requests finish), or answers one --request in-process. A command (wasi:cli/run, or a
/// preview 1 module's _start) runs once and its exit code is wzt's. An oci://REF is fetched
/// from the registry through the blob cache (digests checked), then verified the same way.
/// Without ACTOR, inside a project, its signed artifact (`--build` builds and signs it first),
/// with the host options of the project's `[dev]` table (flags override them); `wzt run DIR`
/// does the same for the project in DIR. The startup block (on stderr; -q drops it) says what
/// runs, the policy and trust it passed, its grants and limits. Also `wzt serve` and `wzt up`.
#[derive(Debug, Args)]
pub struct Opts {
    /// The actor (.wasm component or preview 1 module), oci://REGISTRY/REPOSITORY:TAG, or a
    /// project directory (its signed artifact) [default: the signed artifact of the wzt.toml
    /// project here].
    #[arg(value_name = "ACTOR|oci://REF|DIR")]
    actor: Option<PathBuf>,
    /// For a project (no ACTOR, or DIR): build and sign it first, as `wzt build` does.
    #[arg(long)]
    build: bool,
    /// Send one request in-process instead of listening, e.g. 'GET /' or 'POST /items';
    /// print the response body; exit 0 for 2xx/3xx, 1 otherwise.
    #[arg(long, value_name = "'METHOD /PATH'", help_heading = "Request")]
    request: Option<RequestLine>,
    /// A request header, K:V (repeatable).
    #[arg(
        long = "header",
        short = 'H',
        value_name = "K:V",
        requires = "request",
        help_heading = "Request"
    )]
    headers: Vec<Header>,
    /// The request body: text, or @FILE to read it from a file.
    #[arg(
        long,
        short = 'd',
        value_name = "TEXT|@FILE",
        requires = "request",
        help_heading = "Request"
    )]
    data: Option<String>,
    /// Print the response status line and headers before the body (curl's -i; in wzt, -i is
    /// --issuer).
    #[arg(long, requires = "request", help_heading = "Request")]
    include: bool,
    /// Capabilities granted to an unsigned actor run with --allow-unsigned (none by default),
    /// or `auto` for exactly what it imports (still checked against the policy's
    /// allowed_caps); a signed actor's grants are its claims.
    #[arg(long, value_delimiter = ',', value_name = "CAPS")]
    caps: Vec<String>,
    /// Deliver a message to the actor's wasmcloud:messaging handler before anything else,
    /// SUBJECT=PAYLOAD (repeatable).
    #[arg(long = "message", value_name = "SUBJECT=PAYLOAD")]
    messages: Vec<Message>,
    /// With --lattice: deliver messages on SUBJECT (NATS wildcards allowed) to the actor's
    /// wasmcloud:messaging handler once they pass every check, through a queue group named
    /// after the actor, so hosts running the same actor share them (repeatable).
    #[arg(long = "subscribe", value_name = "SUBJECT", help_heading = "Lattice")]
    subscribe: Vec<String>,
    #[command(flatten)]
    lattice: LatticeArgs,
    #[command(flatten)]
    runner: RunnerArgs,
    #[command(flatten)]
    policy: PolicyOpts,
    #[command(flatten)]
    provenance: super::provenance_args::ProvenanceOpts,
    #[command(flatten)]
    registry: RegistryOpts,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
    /// Words after ACTOR that are not options: an error with a hint to put them after `--`
    /// (clap alone would only say "unexpected argument").
    #[arg(hide = true, value_name = "STRAY")]
    stray: Vec<String>,
    /// Arguments for a command actor, after `--`.
    #[arg(last = true, value_name = "ARGS")]
    args: Vec<String>,
}

impl Opts {
    /// The directory of the project this run is of (no ACTOR: here; ACTOR a directory: that
    /// one), whose `[dev]` table applies; `None` for an actor file or `oci://` reference.
    pub fn project_dir(&self) -> anyhow::Result<Option<PathBuf>> {
        match &self.actor {
            None => Ok(Some(std::env::current_dir()?)),
            Some(dir) if dir.is_dir() => Ok(Some(dir.clone())),
            Some(_) => Ok(None),
        }
    }

    pub fn run(mut self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let project = self.project_dir()?;
        let actor = match project.clone() {
            Some(dir) => {
                if self.build {
                    let outcome = super::build::build_for_run(ctx, &dir)?;
                    if outcome != Outcome::Success {
                        return Ok(outcome);
                    }
                }
                super::artifact::project_signed_artifact_in(&dir, "run")?
            }
            None if self.build => bail!(
                "--build builds a project: run it in the project, or name the project directory (`wzt run DIR --build`); {} is a file",
                self.actor
                    .as_deref()
                    .unwrap_or(std::path::Path::new(""))
                    .display()
            ),
            None => self.actor.take().expect("an actor file"),
        };
        self.run_actor(ctx, actor, project)
    }

    fn run_actor(
        self,
        ctx: &Ctx,
        actor: PathBuf,
        project: Option<PathBuf>,
    ) -> anyhow::Result<Outcome> {
        if let Some(first) = self.stray.first() {
            let shown: Vec<String> = self.stray.iter().map(|w| escape(w)).collect();
            bail!(
                "unexpected argument '{}' after the actor: arguments for a command actor go after `--`, e.g. `wzt run {} -- {}`",
                escape(first),
                actor.display(),
                shown.join(" ")
            );
        }
        let (policy, used) = self.policy.build_telling(ctx)?;
        let (bytes, default_name) = match registry_args::oci_reference(&actor) {
            Some(reference) => match self.registry.fetch(ctx, reference) {
                Ok(fetched) => {
                    let name = registry_args::parse_ref(reference)?
                        .short_name()
                        .to_string();
                    (fetched.bytes, Some(name))
                }
                Err(FetchFailure::Check(e)) => {
                    eprintln!("error: {e:#}");
                    return Ok(Outcome::CheckFailed);
                }
                Err(FetchFailure::Error(e)) => return Err(e),
            },
            None => {
                let bytes = super::artifact::read_artifact(&actor)?;
                let stem = actor.file_stem().map(|s| s.to_string_lossy().into_owned());
                (bytes, stem)
            }
        };
        let unsigned_grants = preflight::unsigned_grants(&self.caps, &bytes)?;
        // Admission verifies the very bytes the host compiles: no window to swap the file.
        let admitted = match admit(bytes, &policy, crate::time::now(), unsigned_grants) {
            Ok(admitted) => admitted,
            Err(Rejection::Failed(failures)) => {
                let heading = format!("refusing to run {}:", actor.display());
                if let [Failure::Unsigned] = failures.as_slice() {
                    eprintln!("{heading}");
                    for line in super::fixes::unsigned(&actor) {
                        eprintln!("  {line}");
                    }
                } else {
                    output::print_failures(&heading, &failures);
                }
                return Ok(Outcome::CheckFailed);
            }
            Err(e @ Rejection::GrantsForSignedActor) => return Err(e.into()),
            Err(Rejection::Unreadable(e)) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot read {}", actor.display()))
                );
            }
        };
        // Provenance (docs/design.md §15), when the policy has a rule for it or --provenance.
        let provenance =
            self.provenance
                .refuse_unless_checked(&actor, &self.registry, &admitted, &policy);
        if let Some(outcome) = provenance? {
            return Ok(outcome);
        }
        let grants_from = if admitted.claims().is_some() {
            GrantsFrom::Claims
        } else {
            GrantsFrom::UnsignedCaps
        };
        let granted = admitted.grants();
        let join_lattice = self.lattice_preflight(granted)?;
        let name = admitted
            .claims()
            .and_then(|c| c.metadata.name.clone())
            .or(default_name)
            .unwrap_or_else(|| "actor".into());
        let mut providers = self.runner.providers.settings()?;
        let mut protected = host_args::protected_paths(
            ctx.store()?.dir(),
            &self.runner.providers,
            &providers,
            used.file.as_deref(),
        );
        protected.extend(self.own_files(project.as_deref()));
        let mut options = self.runner.host.options(granted, &self.args, &protected)?;
        if self.request.is_some() && !join_lattice {
            // One invocation at a time: a pool sized for one starts faster.
            options.max_concurrent = 1;
        }
        let lattice = if join_lattice {
            Some(
                self.lattice
                    .host_config(ctx, Some(&policy), format!("wzt run {name}"))?,
            )
        } else {
            None
        };
        let console =
            self.runner
                .console
                .prepare(self.request.is_some(), &mut options, &mut providers);
        let config = RunnerConfig {
            name,
            host: options,
            providers,
            lattice,
            reloadable: false,
        };
        let printer = host_args::Printer {
            trace_caps: self.runner.providers.trace.trace_caps,
            requests: false,
        };
        let runtime = host_args::runtime()?;
        let sink = console_args::sink(console.as_ref(), printer.show());
        let runner = match runtime.block_on(Runner::start(admitted, config, sink)) {
            Ok(runner) => Arc::new(runner),
            Err(LoadError::Refused(refusal)) => {
                eprintln!(
                    "refusing to run {}: {}",
                    actor.display(),
                    super::fixes::refusal(&refusal, grants_from)
                );
                return Ok(Outcome::CheckFailed);
            }
            Err(LoadError::Unusable(e)) => return Err(e),
        };
        host_args::report_cache(&runner.startup());
        if !self.subscribe.is_empty() && !runner.actor().handles_messages() {
            bail!("--subscribe needs an actor that exports wasmcloud:messaging/handler");
        }
        let serving = console.map(|c| c.start(&runtime, &runner)).transpose()?;
        let console_url = serving.as_ref().map(|s| s.url());
        let outcome = dispatch::dispatch(&self, ctx, &runtime, &runner, console_url, &used);
        if let Err(e) = runtime.block_on(runner.flush_lattice()) {
            eprintln!("wzt: warning: {e:#}");
        }
        let counts = runner.finish()?;
        if !counts.is_empty() {
            let total: u64 = counts.iter().map(|(_, n)| n).sum();
            let list: Vec<String> = counts.iter().map(|(c, n)| format!("{c} {n}")).collect();
            eprintln!(
                "wzt: lattice: rejected {total} message(s) in all: {}",
                list.join(", ")
            );
        }
        outcome
    }
}
