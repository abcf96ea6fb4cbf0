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
use super::keysource::KeyOpts;
use super::output::{self, escape};
use super::{Ctx, Outcome};
use crate::devloop::{self, DevLoop};
use crate::host::runner::{Runner, RunnerConfig};
use crate::host::{BuildEvent, EntryPoint, HostEvent, LoadError};
use crate::project::Project;

/// Build, sign and serve the project in this directory, and reload it when its sources change.
///
/// Builds with the project's build command, signs with its issuer key (store key `account` by
/// default) and the store key `<name>_module` — both generated on first use — and runs the
/// actor with local providers (or --mock-caps). Changes under the project directory (except
/// target/ and .wzt/) rebuild, re-sign and swap the running actor; if a build fails, the last
/// good version keeps serving and the compiler's output is shown. Commands are run again after
/// each good build. Host options come from the project's `[dev]` table; flags override them.
/// Builds show a spinner with the time elapsed on a terminal; each served request is one line,
/// `METHOD PATH STATUS MS`. Ctrl-C stops. Also `wzt watch`.
#[derive(Debug, Args)]
pub struct Opts {
    /// The project directory (or one inside it) [default: the current directory].
    #[arg(value_name = "DIR")]
    dir: Option<std::path::PathBuf>,
    /// How long changes must settle before a rebuild starts.
    #[arg(long, default_value = "300ms", value_name = "DURATION", value_parser = crate::time::parse_std_duration)]
    debounce: Duration,
    #[command(flatten)]
    keys: KeyOpts,
    #[command(flatten)]
    runner: RunnerArgs,
    #[command(flatten)]
    pub(super) format: super::output::FormatOpt,
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
        let issuer = self.keys.dev_issuer(ctx, &store, project.issuer())?;
        let subject = self.keys.subject(&store, &project.subject_key_name()?)?;
        let name = project.file.actor.name.clone();
        let mut providers = self.runner.providers.settings()?;
        // `--dir` passes the preopen checks here; whether the actor may have it (`fs`) is
        // checked by each build as it is linked (a rebuild may add the grant).
        let all: crate::caps::Grants = crate::caps::Capability::ALL.into_iter().collect();
        let mut protected =
            host_args::protected_paths(store.dir(), &self.runner.providers, &providers, None);
        // What the dev loop builds and signs from: an actor that could write there would run
        // natively in the next build (a build script) or grant itself more (wzt.toml).
        protected.extend(host_args::project_build_inputs(&project.dir));
        let mut options = self.runner.host.options(&all, &[], &protected)?;
        options.report_requests = true;
        let console = self
            .runner
            .console
            .prepare(false, &mut options, &mut providers);
        let written = providers.written();
        let view = super::dev_view::DevView {
            terminal: ctx.stderr_is_terminal,
            trace_caps: self.runner.providers.trace.trace_caps,
        }
        .show();
        let sink = console_args::sink(console.as_ref(), view);
        let dev = Arc::new(DevLoop::new(project, issuer, subject)?);

        let command = dev.project().file.build.command;
        sink(HostEvent::Build(BuildEvent::Started { command }));
        let started = Instant::now();
        let built = match dev.build() {
            Ok(built) => built,
            Err(devloop::DevError::Build(e)) => {
                // The compiler's captured output: its lines kept, each escaped.
                sink(HostEvent::Build(BuildEvent::Failed {
                    output: format!("{e:#}"),
                }));
                return Ok(Outcome::CheckFailed);
            }
            Err(devloop::DevError::Stop(e)) => return Err(e),
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
                eprintln!(
                    "wzt dev: refusing to run {}: {}",
                    escape(&name),
                    super::fixes::refusal(&refusal, super::fixes::GrantsFrom::Project)
                );
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
        // An invalid or incompatible wzt.toml stops the loop with its error (exit 2).
        let (stop, mut stopped) = tokio::sync::oneshot::channel();
        let _watching = dev.watch(
            Arc::clone(&runner),
            &written,
            self.debounce,
            runtime.handle().clone(),
            sink,
            stop,
        )?;
        let mut stop_error = None;
        let until_stopped = async {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => eprintln!("wzt dev: stopping"),
                // (A watcher that ended without a word disables this branch.)
                Ok(stop) = &mut stopped => {
                    eprintln!("wzt dev: stopping: the running version no longer matches wzt.toml");
                    stop_error = Some(stop);
                }
            }
        };

        let dir = dev.project().dir.display().to_string();
        if entry == EntryPoint::Http {
            runtime.block_on(async {
                let listener = host_args::bind(self.runner.host.listen).await?;
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
                if !self.runner.quiet {
                    for (label, text) in &startup.providers {
                        eprintln!("  {label:<9} {text}");
                    }
                }
                runner.serve_http(listener, until_stopped).await?;
                anyhow::Ok(())
            })?;
        } else {
            eprintln!(
                "wzt dev: watching {dir}; the command runs again after each good build (Ctrl-C stops)"
            );
            runtime.block_on(until_stopped);
        }
        runner.finish()?;
        match stop_error {
            Some(devloop::Stop::Invalid(e)) => Err(e),
            Some(devloop::Stop::Refused(e)) => {
                eprintln!("wzt dev: {}", escape(&format!("{e:#}")));
                Ok(Outcome::CheckFailed)
            }
            None => Ok(Outcome::Success),
        }
    }
}
