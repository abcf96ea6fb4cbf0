//! The inner dev loop behind `wzt dev`: build the project, sign the artifact with the
//! project's keys, admit it, load it into the host, and do it again when a source changes,
//! swapping the running actor without dropping the listener.
//!
//! Nothing here prints: what happens is reported as [`DevEvent`]s to the caller.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context as _, bail};
use notify_debouncer_mini::notify::RecursiveMode;

use crate::caps::Grants;
use crate::host::http::ActorSlot;
use crate::host::providers::Providers;
use crate::host::{Actor, EntryPoint, Host};
use crate::keys::Key;
use crate::policy::Policy;
use crate::project::Project;
use crate::sign::sign_file;
use crate::verify::{Admitted, admit};

/// Something the dev loop reports.
#[derive(Debug)]
pub enum DevEvent {
    /// A source changed (the first changed path); a rebuild starts.
    Changed(PathBuf),
    /// The new version was built, signed, admitted and swapped in.
    Reloaded { elapsed: Duration },
    /// The rebuild failed; the last good version keeps running. The text is what to show.
    BuildFailed(String),
    /// A command actor ran after a good build and exited with this code.
    CommandExited(i32),
    /// A command actor trapped or ran past its deadline.
    CommandFailed(String),
}

/// A built, signed and admitted version of the project.
pub struct Built {
    pub actor: Arc<Actor>,
    pub admitted: Admitted,
}

/// Everything a rebuild needs: the project, its keys, the host and the providers.
pub struct DevLoop {
    project: Project,
    issuer: Key,
    subject: Key,
    host: Arc<Host>,
    providers: Arc<Providers>,
    /// Trusts exactly the project's issuer.
    policy: Policy,
    /// Where the signed artifact is written: `.wzt/dev/<stem>_s.wasm`.
    signed: PathBuf,
}

impl DevLoop {
    pub fn new(
        project: Project,
        issuer: Key,
        subject: Key,
        host: Arc<Host>,
        providers: Arc<Providers>,
    ) -> anyhow::Result<DevLoop> {
        let stem = project.artifact_stem()?.to_string();
        Ok(DevLoop {
            signed: project.dir.join(".wzt/dev").join(format!("{stem}_s.wasm")),
            policy: Policy {
                trusted_issuers: vec![issuer.public_key().to_string()],
                ..Policy::default()
            },
            project,
            issuer,
            subject,
            host,
            providers,
        })
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Builds with the project's build command, signs, admits and loads the actor. The error
    /// is what to show the developer (the compiler's output for a failed build).
    pub fn build(&self) -> anyhow::Result<Built> {
        let command = &self.project.file.build.command;
        let output = Command::new("sh")
            .args(["-c", command])
            .current_dir(&self.project.dir)
            .env_remove(crate::keys::PASSPHRASE_ENV)
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
        let spec = self.project.claims_spec(crate::time::now())?;
        std::fs::create_dir_all(self.signed.parent().expect("a file in .wzt/dev"))?;
        let artifact = self.project.artifact();
        sign_file(&artifact, &self.signed, &spec, &self.issuer, &self.subject)
            .with_context(|| format!("cannot sign {}", artifact.display()))?;
        let bytes = std::fs::read(&self.signed)?;
        let admitted = admit(bytes, &self.policy, crate::time::now(), Grants::none())
            .context("the signed actor is not admitted")?;
        let actor = Actor::load(&self.host, &admitted, Arc::clone(&self.providers))?;
        Ok(Built {
            actor: Arc::new(actor),
            admitted,
        })
    }

    /// Watches the project directory; after each change to a source file (and a `debounce`
    /// quiet period) rebuilds and swaps the actor in `slot`, running a command actor again on
    /// `runtime`. Watching stops when the returned guard is dropped.
    pub fn watch(
        self: &Arc<Self>,
        slot: Arc<ActorSlot>,
        debounce: Duration,
        runtime: tokio::runtime::Handle,
        report: impl Fn(DevEvent) + Send + 'static,
    ) -> anyhow::Result<Watching> {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut debouncer = notify_debouncer_mini::new_debouncer(debounce, tx)
            .context("cannot watch the project directory")?;
        debouncer
            .watcher()
            .watch(&self.project.dir, RecursiveMode::Recursive)
            .context("cannot watch the project directory")?;
        let this = Arc::clone(self);
        std::thread::Builder::new()
            .name("wzt-dev-watch".into())
            .spawn(move || {
                let dir = &this.project.dir;
                let mut last = snapshot(dir);
                for events in rx {
                    let Ok(events) = events else { continue };
                    if !events.iter().any(|e| is_source(dir, &e.path)) {
                        continue;
                    }
                    let now = snapshot(dir);
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
                    report(DevEvent::Changed(
                        changed.strip_prefix(dir).unwrap_or(&changed).to_path_buf(),
                    ));
                    let started = Instant::now();
                    match this.build() {
                        Ok(built) => {
                            let actor = built.actor;
                            slot.replace(Arc::clone(&actor));
                            report(DevEvent::Reloaded {
                                elapsed: started.elapsed(),
                            });
                            if actor.entry_point() != EntryPoint::Http {
                                report(run_command(&runtime, &actor));
                            }
                        }
                        Err(e) => report(DevEvent::BuildFailed(format!("{e:#}"))),
                    }
                }
            })
            .context("cannot start the watcher thread")?;
        Ok(Watching {
            _debouncer: debouncer,
        })
    }
}

/// Keeps the project watched while it lives.
pub struct Watching {
    _debouncer: notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>,
}

/// Runs a command actor once on `runtime` and says how it ended.
pub fn run_command(runtime: &tokio::runtime::Handle, actor: &Arc<Actor>) -> DevEvent {
    match runtime.block_on(actor.run_command()) {
        Ok(code) => DevEvent::CommandExited(code),
        Err(e) => DevEvent::CommandFailed(format!("{e:#}")),
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
fn snapshot(project_dir: &Path) -> BTreeMap<PathBuf, (u64, Option<SystemTime>)> {
    let mut files = BTreeMap::new();
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
