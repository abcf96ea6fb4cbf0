//! `wzt dev`: build, sign and serve the project here; rebuild, re-sign and swap the actor when
//! its sources change, without dropping the listener.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Args;
use serde_json::json;

use super::host_args::{self, HostArgs};
use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::caps::{Capability, Grants};
use crate::devloop::{DevEvent, DevLoop};
use crate::host::http::ActorSlot;
use crate::host::{self, EntryPoint, Host};
use crate::keys::KeyRole;
use crate::project::Project;
use crate::text::escape_lines;

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
    host: HostArgs,
    /// How long changes must settle before a rebuild starts.
    #[arg(long, default_value = "300ms", value_name = "DURATION", value_parser = crate::time::parse_std_duration)]
    debounce: Duration,
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
        let sink: host::EventSink = Arc::new(host_args::print_event);
        // The key-value store is opened up front: a reload may add the grant.
        let kv_grant: Grants = [Capability::KeyValue].into_iter().collect();
        // `--dir` is checked against the grants of the build when it links (a rebuild may add
        // `fs`); here it only needs to pass the preopen checks.
        let host_grants: Grants = [Capability::KeyValue, Capability::Filesystem]
            .into_iter()
            .collect();
        let namespace = format!("{}.{}", issuer.public_key(), subject.public_key());
        let (providers, kv) = self.host.providers(
            name.clone(),
            &namespace,
            &kv_grant,
            sink,
            self.host.tracer()?,
            None,
        )?;
        let host = Arc::new(Host::new(self.host.host_options(
            &host_grants,
            &[],
            store.dir(),
        )?)?);
        let dev = Arc::new(DevLoop::new(project, issuer, subject, host, providers)?);

        eprintln!(
            "wzt dev: building {}: {}",
            escape(&name),
            dev.project().file.build.command
        );
        let started = Instant::now();
        let built = match dev.build() {
            Ok(built) => built,
            Err(e) => {
                eprintln!("wzt dev: {e:#}");
                return Ok(Outcome::CheckFailed);
            }
        };
        eprintln!("wzt dev: built and signed in {:.1?}", started.elapsed());
        host_args::report_cache(dev.host(), &built.actor);
        let granted = built.admitted.grants().clone();
        let runtime = host_args::runtime()?;
        let entry = built.actor.entry_point();
        if !matches!(
            entry,
            EntryPoint::Http | EntryPoint::Command | EntryPoint::Preview1
        ) {
            bail!("wzt dev serves HTTP actors and runs commands; this actor is neither");
        }
        let slot = Arc::new(ActorSlot::new(Arc::clone(&built.actor)));
        if entry != EntryPoint::Http {
            print_dev_event(crate::devloop::run_command(runtime.handle(), &built.actor));
        }
        let written: Vec<std::path::PathBuf> = [
            Some(self.host.kv_path.clone()),
            self.host.trace_file.clone(),
            self.host.kv_dump.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let _watching = dev.watch(
            Arc::clone(&slot),
            built.admitted.module_hash().to_string(),
            &written,
            self.debounce,
            runtime.handle().clone(),
            print_dev_event,
        )?;

        let dir = dev.project().dir.display().to_string();
        if entry == EntryPoint::Http {
            runtime.block_on(async {
                let listener = host::http::bind(self.host.listen).await?;
                let addr = listener.local_addr()?;
                if ctx.json {
                    output::print_json(&json!({
                        "actor": name,
                        "listen": format!("http://{addr}"),
                        "project": dir,
                    }));
                    let _ = std::io::stdout().flush();
                }
                eprintln!(
                    "wzt dev: serving {} on http://{addr}; watching {dir} (Ctrl-C stops)",
                    escape(&name),
                );
                self.host.describe_providers(&kv, &granted);
                let shutdown = async {
                    let _ = tokio::signal::ctrl_c().await;
                    eprintln!("wzt dev: stopping");
                };
                host::http::serve(Arc::clone(&slot), listener, shutdown).await?;
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
        self.host.dump_kv(&kv)?;
        Ok(Outcome::Success)
    }
}

fn print_dev_event(event: DevEvent) {
    match event {
        DevEvent::Changed(path) => {
            eprintln!(
                "wzt dev: {} changed; rebuilding",
                escape(&path.display().to_string())
            )
        }
        DevEvent::Reloaded { elapsed, cache } => {
            if let crate::host::CacheStatus::Replaced(why) = cache {
                eprintln!(
                    "wzt dev: refused the compile cache entry ({why}); compiled again and replaced it"
                );
            }
            eprintln!("wzt dev: reloaded in {elapsed:.1?}")
        }
        DevEvent::BuildFailed(e) => {
            eprintln!("wzt dev: {e}\nwzt dev: still running the last good version")
        }
        DevEvent::CommandExited(code) => eprintln!("wzt dev: the command exited with {code}"),
        // A trap, with the guest's backtrace (its function names).
        DevEvent::CommandFailed(e) => eprintln!("wzt dev: {}", escape_lines(&e, "    ")),
        DevEvent::Unchanged => eprintln!("wzt dev: the rebuilt code is unchanged; kept running"),
    }
}
