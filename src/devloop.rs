//! The inner dev loop behind `wzt dev`: build the project, sign the artifact with the
//! project's keys, admit it, swap it into the running [`Runner`], and do it again when a
//! source changes, without dropping the listener.
//!
//! Nothing here prints: what happens is reported as [`BuildEvent`]s (inside
//! [`HostEvent::Build`]) to the event sink, beside the runner's own events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use notify_debouncer_mini::notify::RecursiveMode;

use crate::caps::Grants;
use crate::fsutil::{CheckedFile, Existing, FileRules};
use crate::host::GrantsFrom;
use crate::host::{BuildEvent, EntryPoint, EventSink, HostEvent, LoadError, Runner};
use crate::keys::Key;
use crate::policy::Policy;
use crate::project::{BuildOutput, Profile, Project};
use crate::sign::sign_file;
use crate::verify::{Admitted, admit};

/// Everything a rebuild needs: the project and its keys.
pub struct DevLoop {
    /// The project as last read: `wzt.toml` is read again before every build.
    project: Mutex<Project>,
    /// What the loop was started with and cannot change while it runs (the keys were loaded
    /// for it, the host was configured from it).
    started: Started,
    issuer: Key,
    subject: Key,
    /// Trusts exactly the project's issuer.
    policy: Policy,
    /// Where the signed artifact is written: `.wzt/dev/<stem>_s.wasm`.
    signed: PathBuf,
}

/// The parts of `wzt.toml` a running `wzt dev` was set up from.
#[derive(Debug, Clone, PartialEq)]
struct Started {
    issuer: String,
    stem: String,
    dev: Option<toml::Table>,
}

impl Started {
    fn of(project: &Project) -> anyhow::Result<Started> {
        Ok(Started {
            issuer: project.issuer().to_string(),
            stem: project.artifact_stem()?.to_string(),
            dev: project.file.dev.clone(),
        })
    }
}

/// Why a rebuild gave no new actor.
#[derive(Debug, thiserror::Error)]
pub enum DevError {
    /// The build failed (the compiler's output): the last good version may keep running.
    #[error("{0:#}")]
    Build(anyhow::Error),
    /// `wzt.toml` is invalid now, or changed what a running `wzt dev` cannot change: nothing
    /// may keep running on what the file no longer says; `wzt dev` stops with this error.
    #[error("{0:#}")]
    Stop(anyhow::Error),
}

/// Why a running `wzt dev` stops: nothing may keep running on grants the project file no longer
/// gives.
#[derive(Debug)]
pub enum Stop {
    /// `wzt.toml` is invalid now, or changed what a running loop cannot apply (an input error).
    Invalid(anyhow::Error),
    /// The version with the file's new claims was refused by the host (its code needs a
    /// capability they no longer grant): a failed check.
    Refused(anyhow::Error),
}

/// What a change did to the running actor.
enum Rebuilt {
    /// A new version (new code, new claims, or both) to swap in.
    New(Box<Admitted>),
    /// The same code and claims as the running one.
    Same,
}

/// Whether two actors carry the same claims, but for when they were signed (`iat`) and the
/// token's id: what the claims grant and say about the actor.
fn same_claims(a: &Admitted, b: &Admitted) -> bool {
    match (a.claims(), b.claims()) {
        (Some(a), Some(b)) => {
            a.issuer == b.issuer
                && a.subject == b.subject
                && a.expires == b.expires
                && a.not_before == b.not_before
                && a.metadata == b.metadata
        }
        (None, None) => true,
        _ => false,
    }
}

impl DevLoop {
    pub fn new(project: Project, issuer: Key, subject: Key) -> anyhow::Result<DevLoop> {
        let started = Started::of(&project)?;
        Ok(DevLoop {
            signed: project
                .dir
                .join(".wzt/dev")
                .join(format!("{}_s.wasm", started.stem)),
            policy: Policy {
                trusted_issuers: vec![issuer.public_key().to_string()],
                ..Policy::default()
            },
            project: Mutex::new(project),
            started,
            issuer,
            subject,
        })
    }

    /// The project as last read.
    pub fn project(&self) -> Project {
        self.project
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Reads `wzt.toml` again: an invalid file, or one that changed the issuer, the artifact's
    /// name (so the subject key) or the `[dev]` table, is [`DevError::Stop`].
    fn reload_project(&self) -> Result<Project, DevError> {
        let dir = self.project().dir;
        let project = Project::load(&dir).map_err(|e| DevError::Stop(e.into()))?;
        let now = Started::of(&project).map_err(DevError::Stop)?;
        let changed = [
            (now.issuer != self.started.issuer, "[actor] issuer"),
            (now.stem != self.started.stem, "the name of build.artifact"),
            (now.dev != self.started.dev, "the [dev] table"),
        ];
        if let Some((_, what)) = changed.iter().find(|(changed, _)| *changed) {
            return Err(DevError::Stop(anyhow::anyhow!(
                "{}: {what} changed, which a running `wzt dev` cannot apply (its keys and host were set up from it); start `wzt dev` again",
                dir.join(crate::project::PROJECT_FILE).display()
            )));
        }
        project
            .claims_spec(crate::time::now())
            .map_err(|e| DevError::Stop(anyhow::Error::new(e).context("wzt.toml")))?;
        *self.project.lock().unwrap_or_else(|e| e.into_inner()) = project.clone();
        Ok(project)
    }

    /// Reads `wzt.toml` again, builds with its build command, signs the artifact with its
    /// claims and admits it. A failed build is [`DevError::Build`] (the compiler's output);
    /// an invalid `wzt.toml` is [`DevError::Stop`].
    pub fn build(&self) -> Result<Admitted, DevError> {
        let project = self.reload_project()?;
        let artifact = project
            .run_build(Profile::Default, BuildOutput::Captured)
            .map_err(|e| DevError::Build(e.into()))?;
        self.sign_and_admit(&project, |spec, out| {
            sign_file(
                &artifact,
                out,
                Existing::Replace,
                spec,
                &self.issuer,
                &self.subject,
            )
            .map_err(crate::project::explain_sign_error)
            .with_context(|| format!("cannot sign {}", artifact.path().display()))
            .map(drop)
        })
        .map_err(DevError::Build)
    }

    /// Signs with the project's claims through `sign` (into the path it is given), reads the
    /// signed file back and admits it.
    fn sign_and_admit(
        &self,
        project: &Project,
        sign: impl FnOnce(&crate::sign::ClaimsSpec, &Path) -> anyhow::Result<()>,
    ) -> anyhow::Result<Admitted> {
        let spec = project.claims_spec(crate::time::now())?;
        crate::fsutil::ensure_private_dir(self.signed.parent().expect("a file in .wzt/dev"))?;
        sign(&spec, &self.signed)?;
        let bytes = CheckedFile::open(&self.signed, FileRules::own(crate::wasm::MAX_ARTIFACT_LEN))
            .and_then(|file| file.read_all())?;
        admit(bytes, &self.policy, crate::time::now(), Grants::none())
            .context("the signed actor is not admitted")
    }

    /// After a failed build: the running code signed again with `wzt.toml`'s claims as they
    /// are now, when they differ from the running ones (a capability removed from the file
    /// must not stay granted because the code does not compile yet).
    fn resign_running(&self, running: &Admitted) -> anyhow::Result<Rebuilt> {
        let project = self.project();
        let resigned = self.sign_and_admit(&project, |spec, out| {
            let (bytes, _) =
                crate::sign::sign_bytes(running.bytes(), spec, &self.issuer, &self.subject)?;
            crate::fsutil::write_atomically(out, None, Existing::Replace, |w| {
                std::io::Write::write_all(w, &bytes)
            })?;
            Ok(())
        })?;
        Ok(if same_claims(&resigned, running) {
            Rebuilt::Same
        } else {
            Rebuilt::New(Box::new(resigned))
        })
    }

    /// One round after a change: the new version to swap in, the same one, or why neither.
    fn rebuild(
        &self,
        running: &Admitted,
        report: &dyn Fn(BuildEvent),
    ) -> Result<Rebuilt, DevError> {
        match self.build() {
            Ok(built) => Ok(
                if built.module_hash() == running.module_hash() && same_claims(&built, running) {
                    Rebuilt::Same
                } else {
                    Rebuilt::New(Box::new(built))
                },
            ),
            Err(DevError::Build(e)) => {
                report(BuildEvent::Failed {
                    output: format!("{e:#}"),
                });
                match self.resign_running(running).map_err(DevError::Stop)? {
                    Rebuilt::Same => Err(DevError::Build(e)),
                    new => {
                        report(BuildEvent::Resigned);
                        Ok(new)
                    }
                }
            }
            Err(stop) => Err(stop),
        }
    }

    /// Watches the project directory; after each change to a watched file (and a `debounce`
    /// quiet period) reads `wzt.toml` again, rebuilds and swaps the actor running in `runner`
    /// when its code or claims changed, running a command actor again on `runtime`. Watched:
    /// the project's sources (everything not ignored by `.gitignore`/`.ignore`, hidden files
    /// and `target/`, `.wzt/`, `.git/` aside) plus the `[build] watch` globs; never wzt's own
    /// output files, the built artifact, or the files in `written` (what this run writes: the
    /// trace file, the key-value store and its journal files, a dump). An invalid project file,
    /// or new claims the host refuses, goes to `stop` and ends the watching (the old version
    /// must not keep serving what the file no longer grants). Watching stops when the returned
    /// guard is dropped.
    #[allow(clippy::too_many_arguments)]
    pub fn watch(
        self: &Arc<Self>,
        runner: Arc<Runner>,
        written: &[PathBuf],
        debounce: Duration,
        runtime: tokio::runtime::Handle,
        events: EventSink,
        stop: tokio::sync::oneshot::Sender<Stop>,
    ) -> anyhow::Result<Watching> {
        let project = self.project();
        let written: Vec<PathBuf> = std::iter::once(project.artifact())
            .chain(
                written
                    .iter()
                    .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),
            )
            .collect();
        let mut watched = Watched::new(&project, written.clone())?;
        // The state changes are measured against, taken here, before the watch is armed and
        // before the caller says it is watching: an edit made once that is said is either seen
        // by the watch or, made before it was armed, caught by the comparison just after.
        let first = watched.snapshot();
        let (tx, rx) = std::sync::mpsc::channel();
        let early = tx.clone();
        let mut debouncer = notify_debouncer_mini::new_debouncer(debounce, tx)
            .context("cannot watch the project directory")?;
        debouncer
            .watcher()
            .watch(&project.dir, RecursiveMode::Recursive)
            .context("cannot watch the project directory")?;
        if watched.snapshot() != first {
            let _ = early.send(Ok(vec![notify_debouncer_mini::DebouncedEvent {
                path: project.dir.join(crate::project::PROJECT_FILE),
                kind: notify_debouncer_mini::DebouncedEventKind::Any,
            }]));
        }
        let this = Arc::clone(self);
        let report = move |event: BuildEvent| events(HostEvent::Build(event));
        std::thread::Builder::new()
            .name("wzt-dev-watch".into())
            .spawn(move || {
                let dir = &project.dir;
                let mut last = first;
                for batch in rx {
                    let Ok(batch) = batch else { continue };
                    if !batch.iter().any(|e| is_candidate(dir, &e.path)) {
                        continue;
                    }
                    let now = watched.snapshot();
                    if now == last {
                        continue;
                    }
                    let changed = now
                        .iter()
                        .find(|(p, v)| last.get(*p) != Some(*v))
                        .map(|(p, _)| p.clone())
                        .or_else(|| last.keys().find(|p| !now.contains_key(*p)).cloned())
                        .unwrap_or_default();
                    // Edits made while the build runs show up against this and rebuild again.
                    last = now;
                    report(BuildEvent::Changed {
                        path: changed
                            .strip_prefix(dir)
                            .unwrap_or(&changed)
                            .display()
                            .to_string(),
                    });
                    report(BuildEvent::Started {
                        command: this.project().file.build.command,
                    });
                    let started = Instant::now();
                    let running = runner.admitted();
                    let rebuilt = this.rebuild(&running, &report);
                    // `[build] watch` may have changed with the file.
                    let globs = this.project().file.build.watch;
                    if globs != watched.globs
                        && let Ok(rewatched) = Watched::new(&this.project(), written.clone())
                    {
                        watched = rewatched;
                        last = watched.snapshot();
                    }
                    let built = match rebuilt {
                        Ok(Rebuilt::New(built)) => built,
                        Ok(Rebuilt::Same) => {
                            report(BuildEvent::Unchanged);
                            continue;
                        }
                        Err(DevError::Build(_)) => continue,
                        Err(DevError::Stop(e)) => {
                            let _ = stop.send(Stop::Invalid(e));
                            return;
                        }
                    };
                    report(BuildEvent::Built {
                        elapsed: started.elapsed(),
                    });
                    let new_claims = !same_claims(&built, &running);
                    match runner.swap(*built) {
                        Ok(actor) if actor.entry_point() != EntryPoint::Http => {
                            report(run_command(&runtime, &runner));
                        }
                        Ok(_) => {}
                        // The old version holds grants the file no longer gives: it stops too.
                        Err(e) if new_claims => {
                            let _ = stop.send(Stop::Refused(
                                anyhow::Error::new(e)
                                    .context("the version with wzt.toml's new claims cannot run"),
                            ));
                            return;
                        }
                        // The grants come from wzt.toml: the fix is there.
                        Err(LoadError::Refused(refusal)) => report(BuildEvent::Failed {
                            output: format!(
                                "refusing to run the new build: {}",
                                refusal.with_fix(GrantsFrom::Project)
                            ),
                        }),
                        Err(e) => report(BuildEvent::Failed {
                            output: format!("{e:#}"),
                        }),
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
pub fn run_command(runtime: &tokio::runtime::Handle, runner: &Runner) -> BuildEvent {
    match runtime.block_on(runner.run_command()) {
        Ok(code) => BuildEvent::CommandExited { code },
        Err(e) => BuildEvent::CommandFailed {
            error: format!("{e:#}"),
        },
    }
}

/// Whether an event at `path` may concern a watched file (a cheap first filter; the
/// snapshot decides).
fn is_candidate(project_dir: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(project_dir) else {
        return false;
    };
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    !matches!(first.as_str(), "target" | ".wzt" | ".git")
}

/// Size and modification time of every watched file.
type Snapshot = BTreeMap<PathBuf, (u64, Option<SystemTime>)>;

/// Which files the dev loop watches.
struct Watched {
    dir: PathBuf,
    /// The `[build] watch` globs as written (to notice a change of them).
    globs: Vec<String>,
    /// The `[build] watch` globs, as a whitelist walk.
    extra: Option<ignore::overrides::Override>,
    /// Files wzt itself writes to (its stdout and stderr, when redirected into the project),
    /// by device and inode.
    own_output: Vec<(u64, u64)>,
    /// Files this run writes (and `FILE-wal`, `FILE-shm`, `FILE-journal` beside them).
    written: Vec<PathBuf>,
}

impl Watched {
    fn new(project: &Project, written: Vec<PathBuf>) -> anyhow::Result<Watched> {
        let extra = if project.file.build.watch.is_empty() {
            None
        } else {
            let mut builder = ignore::overrides::OverrideBuilder::new(&project.dir);
            for glob in &project.file.build.watch {
                builder
                    .add(glob)
                    .with_context(|| format!("[build] watch: '{glob}' is not a valid glob"))?;
            }
            Some(builder.build().context("[build] watch")?)
        };
        Ok(Watched {
            dir: project.dir.clone(),
            globs: project.file.build.watch.clone(),
            extra,
            own_output: own_output_files(),
            written,
        })
    }

    fn snapshot(&self) -> Snapshot {
        let mut files = BTreeMap::new();
        let skip_state = |entry: &ignore::DirEntry| {
            entry.depth() != 1
                || !matches!(entry.file_name().to_str(), Some("target" | ".wzt" | ".git"))
        };
        let sources = ignore::WalkBuilder::new(&self.dir)
            .require_git(false)
            .filter_entry(skip_state)
            .build();
        let extra = self.extra.as_ref().map(|overrides| {
            ignore::WalkBuilder::new(&self.dir)
                .standard_filters(false)
                .overrides(overrides.clone())
                .filter_entry(skip_state)
                .build()
        });
        for entry in sources.chain(extra.into_iter().flatten()).flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            if !meta.is_file() || self.is_own_output(&meta) || self.is_written(entry.path()) {
                continue;
            }
            files.insert(
                entry.path().to_path_buf(),
                (meta.len(), meta.modified().ok()),
            );
        }
        files
    }

    fn is_written(&self, path: &Path) -> bool {
        let text = path.to_string_lossy();
        self.written.iter().any(|w| {
            path == w || {
                let w = w.to_string_lossy();
                ["-wal", "-shm", "-journal"]
                    .iter()
                    .any(|suffix| text.strip_suffix(suffix) == Some(&*w))
            }
        })
    }

    #[cfg(unix)]
    fn is_own_output(&self, meta: &std::fs::Metadata) -> bool {
        use std::os::unix::fs::MetadataExt;
        self.own_output.contains(&(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn is_own_output(&self, _meta: &std::fs::Metadata) -> bool {
        false
    }
}

/// Device and inode of the regular files this process's stdout and stderr write to.
#[cfg(unix)]
fn own_output_files() -> Vec<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    [
        "/dev/stdout",
        "/proc/self/fd/1",
        "/dev/stderr",
        "/proc/self/fd/2",
    ]
    .iter()
    .filter_map(|p| std::fs::metadata(p).ok())
    .filter(|m| m.is_file())
    .map(|m| (m.dev(), m.ino()))
    .collect()
}

#[cfg(not(unix))]
fn own_output_files() -> Vec<(u64, u64)> {
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dir: &Path, watch: &[&str]) -> Project {
        Project {
            dir: dir.to_path_buf(),
            file: crate::project::ProjectFile {
                actor: crate::project::ActorSection {
                    name: "a".into(),
                    version: None,
                    revision: None,
                    caps: vec![],
                    call_alias: None,
                    tags: vec![],
                    issuer: None,
                    scopes: Default::default(),
                },
                build: crate::project::BuildSection {
                    command: "true".into(),
                    artifact: "a.wasm".into(),
                    release_command: None,
                    watch: watch.iter().map(|s| s.to_string()).collect(),
                },
                dev: None,
            },
        }
    }

    #[test]
    fn sources_are_watched_and_build_output_and_ignored_files_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for file in [
            "src/lib.rs",
            "wzt.toml",
            "target/x.wasm",
            ".wzt/dev/x_s.wasm",
            "dev.log",
            "notes.tmp",
            "gen/schema.json",
        ] {
            std::fs::create_dir_all(root.join(file).parent().unwrap()).unwrap();
            std::fs::write(root.join(file), "x").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "*.tmp\ngen/\n").unwrap();
        let names = |watched: &Watched| -> Vec<String> {
            watched
                .snapshot()
                .keys()
                .map(|p| p.strip_prefix(root).unwrap().display().to_string())
                .collect()
        };
        let plain = Watched::new(&project(root, &[]), Vec::new()).unwrap();
        assert_eq!(names(&plain), ["dev.log", "src/lib.rs", "wzt.toml"]);
        std::fs::write(root.join("kv.sqlite-wal"), "x").unwrap();
        let writing = Watched::new(
            &project(root, &[]),
            vec![root.join("dev.log"), root.join("kv.sqlite")],
        )
        .unwrap();
        assert_eq!(names(&writing), ["src/lib.rs", "wzt.toml"]);
        std::fs::remove_file(root.join("kv.sqlite-wal")).unwrap();
        let with_globs = Watched::new(&project(root, &["gen/*.json"]), Vec::new()).unwrap();
        assert_eq!(
            names(&with_globs),
            ["dev.log", "gen/schema.json", "src/lib.rs", "wzt.toml"]
        );
        assert!(is_candidate(root, &root.join("src/lib.rs")));
        assert!(!is_candidate(root, &root.join("target/x.wasm")));
        assert!(!is_candidate(
            Path::new("/p"),
            Path::new("/elsewhere/lib.rs")
        ));
    }
}
