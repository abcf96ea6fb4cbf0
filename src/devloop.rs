//! The inner dev loop behind `wzt dev`: build the project, sign the artifact with the
//! project's keys, admit it, swap it into the running [`Runner`], and do it again when a
//! source changes, without dropping the listener.
//!
//! Nothing here prints: what happens is reported as [`BuildEvent`]s (inside
//! [`HostEvent::Build`]) to the event sink, beside the runner's own events.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use anyhow::Context as _;
use notify_debouncer_mini::notify::RecursiveMode;

use crate::caps::Grants;
use crate::host::{BuildEvent, EntryPoint, EventSink, HostEvent, Runner};
use crate::keys::Key;
use crate::policy::Policy;
use crate::project::{Profile, Project};
use crate::sign::sign_file;
use crate::verify::{Admitted, admit};

/// Everything a rebuild needs: the project and its keys.
pub struct DevLoop {
    project: Project,
    issuer: Key,
    subject: Key,
    /// Trusts exactly the project's issuer.
    policy: Policy,
    /// Where the signed artifact is written: `.wzt/dev/<stem>_s.wasm`.
    signed: PathBuf,
}

impl DevLoop {
    pub fn new(project: Project, issuer: Key, subject: Key) -> anyhow::Result<DevLoop> {
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
        })
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    /// Builds with the project's build command, signs and admits the artifact. The error is
    /// what to show the developer (the compiler's output for a failed build).
    pub fn build(&self) -> anyhow::Result<Admitted> {
        let artifact = self.project.run_build(Profile::Default)?;
        let spec = self.project.claims_spec(crate::time::now())?;
        std::fs::create_dir_all(self.signed.parent().expect("a file in .wzt/dev"))?;
        sign_file(&artifact, &self.signed, &spec, &self.issuer, &self.subject)
            .with_context(|| format!("cannot sign {}", artifact.display()))?;
        let bytes = std::fs::read(&self.signed)?;
        admit(bytes, &self.policy, crate::time::now(), Grants::none())
            .context("the signed actor is not admitted")
    }

    /// Watches the project directory; after each change to a watched file (and a `debounce`
    /// quiet period) rebuilds and swaps the actor running in `runner`, running a command
    /// actor again on `runtime`. Watched: the project's sources (everything not ignored by
    /// `.gitignore`/`.ignore`, hidden files and `target/`, `.wzt/`, `.git/` aside) plus the
    /// `[build] watch` globs; never wzt's own output files, the built artifact, or the files
    /// in `written` (what this run writes: the trace file, the key-value store and its journal
    /// files, a dump). Watching stops when the returned guard is dropped.
    pub fn watch(
        self: &Arc<Self>,
        runner: Arc<Runner>,
        written: &[PathBuf],
        debounce: Duration,
        runtime: tokio::runtime::Handle,
        events: EventSink,
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
        let report = move |event: BuildEvent| events(HostEvent::Build(event));
        std::thread::Builder::new()
            .name("wzt-dev-watch".into())
            .spawn(move || {
                let dir = &this.project.dir;
                let mut last = watched.snapshot();
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
                    let started = Instant::now();
                    let built = match this.build() {
                        Ok(built) => built,
                        Err(e) => {
                            report(BuildEvent::Failed {
                                output: format!("{e:#}"),
                            });
                            continue;
                        }
                    };
                    if built.module_hash() == runner.admitted().module_hash() {
                        report(BuildEvent::Unchanged);
                        continue;
                    }
                    report(BuildEvent::Built {
                        elapsed: started.elapsed(),
                    });
                    match runner.swap(built) {
                        Ok(actor) if actor.entry_point() != EntryPoint::Http => {
                            report(run_command(&runtime, &runner));
                        }
                        Ok(_) => {}
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
