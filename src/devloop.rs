//! The inner dev loop behind `wzt dev`: build the project, sign the artifact with the
//! project's keys, admit it, load it into the host, and do it again when a source changes,
//! swapping the running actor without dropping the listener.
//!
//! Nothing here prints: what happens is reported as [`DevEvent`]s to the caller.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use notify_debouncer_mini::notify::RecursiveMode;

use crate::caps::Grants;
use crate::host::http::ActorSlot;
use crate::host::providers::Providers;
use crate::host::{Actor, EntryPoint, Host};
use crate::keys::Key;
use crate::policy::Policy;
use crate::project::{Profile, Project};
use crate::sign::sign_file;
use crate::verify::{Admitted, admit};

/// Something the dev loop reports.
#[derive(Debug)]
pub enum DevEvent {
    /// A source changed (the first changed path); a rebuild starts.
    Changed(PathBuf),
    /// The new version was built, signed, admitted and swapped in; where its compiled code
    /// came from.
    Reloaded {
        elapsed: Duration,
        cache: crate::host::CacheStatus,
    },
    /// The rebuild failed; the last good version keeps running. The text is what to show.
    BuildFailed(String),
    /// A command actor ran after a good build and exited with this code.
    CommandExited(i32),
    /// A command actor trapped or ran past its deadline.
    CommandFailed(String),
    /// The rebuild produced the same code (same module hash): nothing was swapped.
    Unchanged,
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

    pub fn host(&self) -> &Host {
        &self.host
    }

    /// Builds with the project's build command, signs, admits and loads the actor. The error
    /// is what to show the developer (the compiler's output for a failed build).
    pub fn build(&self) -> anyhow::Result<Built> {
        self.build_unless_unchanged(None)
            .map(|built| built.expect("no hash to compare with"))
    }

    /// As [`DevLoop::build`], but `Ok(None)` when the new artifact's module hash is `current`:
    /// the code did not change, so there is nothing to swap.
    pub fn build_unless_unchanged(&self, current: Option<&str>) -> anyhow::Result<Option<Built>> {
        let artifact = self.project.run_build(Profile::Default)?;
        let spec = self.project.claims_spec(crate::time::now())?;
        std::fs::create_dir_all(self.signed.parent().expect("a file in .wzt/dev"))?;
        sign_file(&artifact, &self.signed, &spec, &self.issuer, &self.subject)
            .with_context(|| format!("cannot sign {}", artifact.display()))?;
        let bytes = std::fs::read(&self.signed)?;
        let admitted = admit(bytes, &self.policy, crate::time::now(), Grants::none())
            .context("the signed actor is not admitted")?;
        if current == Some(admitted.module_hash()) {
            return Ok(None);
        }
        let actor = Actor::load(&self.host, &admitted, Arc::clone(&self.providers))?;
        Ok(Some(Built {
            actor: Arc::new(actor),
            admitted,
        }))
    }

    /// Watches the project directory; after each change to a watched file (and a `debounce`
    /// quiet period) rebuilds and swaps the actor in `slot` (`current` is the running
    /// version's module hash), running a command actor again on `runtime`. Watched: the
    /// project's sources (everything not ignored by `.gitignore`/`.ignore`, hidden files and
    /// `target/`, `.wzt/`, `.git/` aside) plus the `[build] watch` globs; never wzt's own
    /// output files, the built artifact, or the files in `written` (what this run writes: the
    /// trace file, the key-value store and its journal files, a dump). Watching stops when the
    /// returned guard is dropped.
    pub fn watch(
        self: &Arc<Self>,
        slot: Arc<ActorSlot>,
        current: String,
        written: &[PathBuf],
        debounce: Duration,
        runtime: tokio::runtime::Handle,
        report: impl Fn(DevEvent) + Send + 'static,
    ) -> anyhow::Result<Watching> {
        let mut watched = Watched::new(&self.project)?;
        watched.written.push(self.project.artifact());
        watched.written.extend(
            written
                .iter()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone())),
        );
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
                let mut current = current;
                let mut last = watched.snapshot();
                for events in rx {
                    let Ok(events) = events else { continue };
                    if !events.iter().any(|e| is_candidate(dir, &e.path)) {
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
                    report(DevEvent::Changed(
                        changed.strip_prefix(dir).unwrap_or(&changed).to_path_buf(),
                    ));
                    let started = Instant::now();
                    match this.build_unless_unchanged(Some(&current)) {
                        Ok(Some(built)) => {
                            current = built.admitted.module_hash().to_string();
                            let actor = built.actor;
                            slot.replace(Arc::clone(&actor));
                            report(DevEvent::Reloaded {
                                elapsed: started.elapsed(),
                                cache: actor.cache.clone(),
                            });
                            if actor.entry_point() != EntryPoint::Http {
                                report(run_command(&runtime, &actor));
                            }
                        }
                        Ok(None) => report(DevEvent::Unchanged),
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
    /// The `[build] watch` globs, as a whitelist walk.
    extra: Option<ignore::overrides::Override>,
    /// Files wzt itself writes to (its stdout and stderr, when redirected into the project),
    /// by device and inode.
    own_output: Vec<(u64, u64)>,
    /// Files this run writes (and `FILE-wal`, `FILE-shm`, `FILE-journal` beside them).
    written: Vec<PathBuf>,
}

impl Watched {
    fn new(project: &Project) -> anyhow::Result<Watched> {
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
            extra,
            own_output: own_output_files(),
            written: Vec::new(),
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
        let plain = Watched::new(&project(root, &[])).unwrap();
        assert_eq!(names(&plain), ["dev.log", "src/lib.rs", "wzt.toml"]);
        let mut writing = Watched::new(&project(root, &[])).unwrap();
        std::fs::write(root.join("kv.sqlite-wal"), "x").unwrap();
        writing.written = vec![root.join("dev.log"), root.join("kv.sqlite")];
        assert_eq!(names(&writing), ["src/lib.rs", "wzt.toml"]);
        std::fs::remove_file(root.join("kv.sqlite-wal")).unwrap();
        let with_globs = Watched::new(&project(root, &["gen/*.json"])).unwrap();
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
