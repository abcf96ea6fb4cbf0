//! `wzt dev`: build, sign and serve the project here; rebuild, re-sign and swap the actor when
//! its sources change, without dropping the listener.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use clap::Args;
use notify_debouncer_mini::notify::RecursiveMode;

use super::host_args::{self, HostArgs};
use super::sign::{default_key, key_name_of};
use super::{Ctx, Outcome};
use crate::host::http::ActorSlot;
use crate::host::providers::{self, Providers};
use crate::host::{self, Actor, EntryPoint, Host};
use crate::keys::{Key, KeyRole};
use crate::policy::Policy;
use crate::project::Project;
use crate::sign::{ClaimsSpec, Grant, sign_file};
use crate::verify::{evaluate, examine};

/// Build, sign and serve the project in this directory, and reload it when its sources change.
///
/// Builds with the project's build command, signs with its issuer key (store key `account` by
/// default) and the store key `<name>_module` — both generated on first use — and runs the
/// actor with local providers (or --mock-caps). Changes under the project directory (except
/// target/ and .wzt/) rebuild, re-sign and swap the running actor; if a build fails, the last
/// good version keeps serving and the compiler's output is shown. Commands are run again after
/// each good build. Ctrl-C stops.
#[derive(Debug, Args)]
pub struct Opts {
    #[command(flatten)]
    host: HostArgs,
    /// How long changes must settle before a rebuild starts.
    #[arg(long, default_value = "300ms", value_name = "DURATION")]
    debounce: String,
}

/// Everything a rebuild needs.
struct Builder {
    project: Project,
    issuer: Key,
    subject: Key,
    host: Arc<Host>,
    providers: Arc<Providers>,
    policy: Policy,
    signed: PathBuf,
}

impl Builder {
    /// Builds, signs, verifies and loads the actor; returns it with its grants. The error is
    /// what to show the developer.
    fn build(&self) -> anyhow::Result<(Arc<Actor>, Vec<String>)> {
        let command = &self.project.file.build.command;
        let output = Command::new("sh")
            .args(["-c", command])
            .current_dir(&self.project.dir)
            .output()
            .with_context(|| format!("cannot run the build command `{command}`"))?;
        if !output.status.success() {
            bail!(
                "the build failed (`{command}`, {}):\n{}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let actor = &self.project.file.actor;
        let grant = if actor.caps.iter().any(|c| c == "auto") {
            Grant::Auto
        } else {
            Grant::List(
                actor
                    .caps
                    .iter()
                    .map(|c| crate::caps::resolve(c))
                    .collect::<Result<_, _>>()?,
            )
        };
        let spec = ClaimsSpec {
            name: Some(actor.name.clone()),
            ver: actor.version.clone(),
            rev: actor.revision,
            tags: actor.tags.clone(),
            grant,
            call_alias: actor.call_alias.clone(),
            expires: None,
            not_before: None,
            issued_at: crate::time::now(),
        };
        std::fs::create_dir_all(self.signed.parent().expect("a file in .wzt/dev"))?;
        sign_file(
            &self.project.artifact(),
            &self.signed,
            &spec,
            &self.issuer,
            &self.subject,
        )
        .with_context(|| format!("cannot sign {}", self.project.artifact().display()))?;
        let bytes = std::fs::read(&self.signed)?;
        let examined = examine(&mut std::io::Cursor::new(&bytes), bytes.len() as u64)?;
        let failures = evaluate(&examined, &self.policy, crate::time::now());
        if let Some(f) = failures.first() {
            bail!("the signed actor does not verify: [{}] {f}", f.code());
        }
        let granted = examined
            .claims()
            .map(|c| c.caps().to_vec())
            .unwrap_or_default();
        let actor = Actor::load(
            Arc::clone(&self.host),
            &bytes,
            &examined.module_hash,
            &granted,
            Arc::clone(&self.providers),
        )?;
        Ok((Arc::new(actor), granted))
    }
}

/// Whether a change at `path` should rebuild: anything in the project but build output,
/// wzt's own state, version control and editor droppings.
fn is_source(project_dir: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(project_dir) else {
        return false;
    };
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = relative.to_string_lossy();
    !matches!(first.as_str(), "target" | ".wzt" | ".git")
        && !name.ends_with('~')
        && !name.ends_with(".swp")
}

/// Size and modification time of every source file: a rebuild happens only when this changes
/// (reads by the build itself, and saves that change nothing, are events too).
fn snapshot(
    project_dir: &Path,
) -> std::collections::BTreeMap<PathBuf, (u64, Option<std::time::SystemTime>)> {
    let mut files = std::collections::BTreeMap::new();
    let mut dirs = vec![project_dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !is_source(project_dir, &path) {
                continue;
            }
            match entry.metadata() {
                Ok(m) if m.is_dir() => dirs.push(path),
                Ok(m) => {
                    files.insert(path, (m.len(), m.modified().ok()));
                }
                Err(_) => {}
            }
        }
    }
    files
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let cwd = std::env::current_dir()?;
        let project = Project::find(&cwd)?
            .context("no wzt.toml in this directory or above: create a project with `wzt new`")?;
        let debounce = Duration::from_millis(
            humantime::parse_duration(&self.debounce)
                .map_err(|e| anyhow::anyhow!("--debounce: {e}"))?
                .as_millis() as u64,
        );
        let store = ctx.store()?;
        let issuer = default_key(&store, project.issuer(), KeyRole::Account, false)?;
        let stem = project
            .file
            .build
            .artifact
            .file_stem()
            .and_then(|s| s.to_str())
            .context("the artifact path has no file name")?
            .to_string();
        let subject = default_key(
            &store,
            &format!("{}_module", key_name_of(&stem)),
            KeyRole::Module,
            false,
        )?;
        let name = project.file.actor.name.clone();
        let sink: host::EventSink = Arc::new(host_args::print_event);
        // The key-value store is opened up front: a reload may add the grant.
        let (providers, kv) =
            self.host
                .providers(name.clone(), &[providers::KEYVALUE.to_string()], sink)?;
        let host = Arc::new(Host::new(
            self.host
                .host_options(&[crate::host::providers::KEYVALUE.to_string()], &[])?,
        )?);
        let builder = Arc::new(Builder {
            signed: project.dir.join(".wzt/dev").join(format!("{stem}_s.wasm")),
            project,
            policy: Policy {
                trusted_issuers: vec![issuer.public_key().to_string()],
                ..Policy::default()
            },
            issuer,
            subject,
            host,
            providers,
        });

        eprintln!(
            "wzt dev: building {name}: {}",
            builder.project.file.build.command
        );
        let started = Instant::now();
        let first = builder.build();
        let (actor, granted) = match first {
            Ok(built) => built,
            Err(e) => {
                eprintln!("wzt dev: {e:#}");
                return Ok(Outcome::CheckFailed);
            }
        };
        eprintln!("wzt dev: built and signed in {:.1?}", started.elapsed());
        let runtime = host_args::runtime()?;
        let entry = actor.entry_point();
        if !matches!(
            entry,
            EntryPoint::Http | EntryPoint::Command | EntryPoint::Preview1
        ) {
            bail!("wzt dev serves HTTP actors and runs commands; this actor is neither");
        }
        let slot = Arc::new(ActorSlot::new(actor));
        if entry != EntryPoint::Http {
            run_command(&runtime, &slot.current());
        }

        // Watch, rebuild, swap.
        let (tx, rx) = std::sync::mpsc::channel();
        let mut debouncer = notify_debouncer_mini::new_debouncer(debounce, tx)
            .context("cannot watch the project directory")?;
        debouncer
            .watcher()
            .watch(&builder.project.dir, RecursiveMode::Recursive)
            .context("cannot watch the project directory")?;
        let watch_slot = Arc::clone(&slot);
        let watch_builder = Arc::clone(&builder);
        let handle = runtime.handle().clone();
        std::thread::spawn(move || {
            let _watching = debouncer;
            let mut last = snapshot(&watch_builder.project.dir);
            for events in rx {
                let Ok(events) = events else { continue };
                if !events
                    .iter()
                    .any(|e| is_source(&watch_builder.project.dir, &e.path))
                {
                    continue;
                }
                let now = snapshot(&watch_builder.project.dir);
                if now == last {
                    continue;
                }
                let changed = now
                    .iter()
                    .find(|(p, v)| last.get(*p) != Some(*v))
                    .map(|(p, _)| p.clone())
                    .or_else(|| last.keys().find(|p| !now.contains_key(*p)).cloned())
                    .unwrap_or_default();
                last = now;
                eprintln!(
                    "wzt dev: {} changed; rebuilding",
                    changed
                        .strip_prefix(&watch_builder.project.dir)
                        .unwrap_or(&changed)
                        .display()
                );
                let started = Instant::now();
                match watch_builder.build() {
                    Ok((actor, _)) => {
                        let is_http = actor.entry_point() == EntryPoint::Http;
                        watch_slot.replace(Arc::clone(&actor));
                        eprintln!("wzt dev: reloaded in {:.1?}", started.elapsed());
                        if !is_http {
                            let _guard = handle.enter();
                            run_command_on(&handle, &actor);
                        }
                    }
                    Err(e) => {
                        eprintln!("wzt dev: {e:#}\nwzt dev: still running the last good version")
                    }
                }
            }
        });

        if entry == EntryPoint::Http {
            runtime.block_on(async {
                let listener = host::http::bind(self.host.listen).await?;
                eprintln!(
                    "wzt dev: serving {name} on http://{}; watching {} (Ctrl-C stops)",
                    listener.local_addr()?,
                    builder.project.dir.display()
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
                "wzt dev: watching {}; the command runs again after each good build (Ctrl-C stops)",
                builder.project.dir.display()
            );
            runtime.block_on(async {
                let _ = tokio::signal::ctrl_c().await;
            });
        }
        self.host.dump_kv(&kv)?;
        Ok(Outcome::Success)
    }
}

fn run_command(runtime: &tokio::runtime::Runtime, actor: &Arc<Actor>) {
    run_command_on(runtime.handle(), actor);
}

fn run_command_on(handle: &tokio::runtime::Handle, actor: &Arc<Actor>) {
    match handle.block_on(actor.run_command()) {
        Ok(code) => eprintln!("wzt dev: the command exited with {code}"),
        Err(e) => eprintln!("wzt dev: {e:#}"),
    }
}

#[cfg(test)]
mod tests {
    use super::is_source;
    use std::path::Path;

    #[test]
    fn build_output_and_state_do_not_trigger_rebuilds() {
        let dir = Path::new("/p");
        assert!(is_source(dir, Path::new("/p/src/lib.rs")));
        assert!(is_source(dir, Path::new("/p/wzt.toml")));
        assert!(!is_source(dir, Path::new("/p/target/x.wasm")));
        assert!(!is_source(dir, Path::new("/p/.wzt/dev/x_s.wasm")));
        assert!(!is_source(dir, Path::new("/p/src/.lib.rs.swp")));
        assert!(!is_source(dir, Path::new("/elsewhere/lib.rs")));
    }
}
