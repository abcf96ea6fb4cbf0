//! `wzt dev`: build, sign and serve the project here; rebuild, re-sign and swap the actor when
//! its sources change, without dropping the listener.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Args;
use serde::Serialize;

use super::console_args;
use super::host_args::{self, RunnerArgs};
use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::devloop::{self, DevLoop};
use crate::host::runner::{Runner, RunnerConfig};
use crate::host::{self, BuildEvent, EntryPoint, HostEvent, LoadError};
use crate::keys::KeyRole;
use crate::project::Project;

/// Build, sign and serve the project in this directory, and reload it when its sources change.
///
/// Builds with the project's build command, signs with its issuer key (store key `account` by
/// default) and the store key `<name>_module` — both generated on first use — and runs the
/// actor with local providers (or --mock-caps). Changes under the project directory (except
/// target/ and .wzt/) rebuild, re-sign and swap the running actor; if a build fails, the last
/// good version keeps serving and the compiler's output is shown. Commands are run again after
/// each good build. Host options come from the project's `[dev]` table; flags override them.
/// Ctrl-C stops. Also `wzt watch`.
#[derive(Debug, Args)]
pub struct Opts {
    /// The project directory (or one inside it) [default: the current directory].
    #[arg(value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
    #[command(flatten)]
    runner: RunnerArgs,
    /// How long changes must settle before a rebuild starts.
    #[arg(long, default_value = "300ms", value_name = "DURATION", value_parser = crate::time::parse_std_duration)]
    debounce: Duration,
}

/// `wzt dev --json`'s startup object (field names are stable: README).
#[derive(Serialize)]
struct DevJson<'a> {
    actor: &'a str,
    listen: String,
    project: &'a str,
    /// The console's URL (with its token), with --console.
    console: Option<&'a str>,
}

impl Opts {
    /// Where to look for the project: DIR, else the current directory.
    pub fn project_dir(&self) -> anyhow::Result<std::path::PathBuf> {
        match &self.dir {
            Some(dir) if !dir.is_dir() => bail!("{} is not a directory", dir.display()),
            Some(dir) => Ok(dir.clone()),
            None => Ok(std::env::current_dir()?),
        }
    }

    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let start = self.project_dir()?;
        let project = Project::find(&start)?.with_context(|| {
            format!(
                "no wzt.toml in {} or above: create a project with `wzt new`",
                start.display()
            )
        })?;
        let store = ctx.store()?;
        let issuer = keysource::default_key(&store, project.issuer(), KeyRole::Account, false)?;
        let subject =
            keysource::default_key(&store, &project.subject_key_name()?, KeyRole::Module, false)?;
        let name = project.file.actor.name.clone();
        let mut providers = self.runner.providers.settings()?;
        // `--dir` passes the preopen checks here; whether the actor may have it (`fs`) is
        // checked by each build as it is linked (a rebuild may add the grant).
        let all: crate::caps::Grants = crate::caps::Capability::ALL.into_iter().collect();
        let protected = host_args::protected_paths(store.dir(), &providers);
        let mut options = self.runner.host.options(&all, &[], &protected)?;
        options.report_requests = true;
        let console = self
            .runner
            .console
            .prepare(false, &mut options, &mut providers);
        let written = providers.written();
        let printer = host_args::Printer {
            trace_caps: self.runner.providers.trace.trace_caps,
            requests: true,
        };
        let sink = console_args::sink(console.as_ref(), printer.sink());
        let dev = Arc::new(DevLoop::new(project, issuer, subject)?);

        let command = dev.project().file.build.command.clone();
        eprintln!("wzt dev: building {}: {}", escape(&name), escape(&command));
        let started = Instant::now();
        let built = match dev.build() {
            Ok(built) => built,
            Err(e) => {
                eprintln!("wzt dev: {e:#}");
                return Ok(Outcome::CheckFailed);
            }
        };
        sink(HostEvent::Build(BuildEvent::Built {
            elapsed: started.elapsed(),
        }));
        let config = RunnerConfig {
            name: name.clone(),
            host: options,
            providers,
            lattice: None,
            reloadable: true,
        };
        let runtime = host_args::runtime()?;
        let runner = match runtime.block_on(Runner::start(built, config, Arc::clone(&sink))) {
            Ok(runner) => Arc::new(runner),
            Err(LoadError::Refused(refusal)) => {
                eprintln!("wzt dev: {}", escape(&refusal.to_string()));
                return Ok(Outcome::CheckFailed);
            }
            Err(LoadError::Unusable(e)) => return Err(e),
        };
        let startup = runner.startup();
        host_args::report_cache(&startup);
        let serving = console.map(|c| c.start(&runtime, &runner)).transpose()?;
        let console_url = serving.as_ref().map(|s| s.url());
        let entry = runner.entry_point();
        if !matches!(
            entry,
            EntryPoint::Http | EntryPoint::Command | EntryPoint::Preview1
        ) {
            bail!("wzt dev serves HTTP actors and runs commands; this actor is neither");
        }
        if entry != EntryPoint::Http {
            sink(HostEvent::Build(devloop::run_command(
                runtime.handle(),
                &runner,
            )));
        }
        let _watching = dev.watch(
            Arc::clone(&runner),
            &written,
            self.debounce,
            runtime.handle().clone(),
            sink,
        )?;

        let dir = dev.project().dir.display().to_string();
        if entry == EntryPoint::Http {
            runtime.block_on(async {
                let listener = host::http::bind(self.runner.host.listen).await?;
                let addr = listener.local_addr()?;
                if ctx.json {
                    output::print_json(&DevJson {
                        actor: &name,
                        listen: format!("http://{addr}"),
                        project: &dir,
                        console: console_url,
                    });
                    let _ = std::io::stdout().flush();
                }
                eprintln!(
                    "wzt dev: serving {} on http://{addr}; watching {dir} (Ctrl-C stops)",
                    escape(&name),
                );
                for (label, text) in &startup.providers {
                    eprintln!("  {label:<9} {text}");
                }
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                    eprintln!("wzt dev: stopping");
                };
                runner.serve_http(listener, shutdown).await?;
                anyhow::Ok(())
            })?;
        } else {
            eprintln!(
                "wzt dev: watching {dir}; the command runs again after each good build (Ctrl-C stops)"
            );
            runtime.block_on(async {
                let _ = tokio::signal::ctrl_c().await;
            });
        }
        runner.finish()?;
        Ok(Outcome::Success)
    }
}
