//! Actor projects: the `wzt.toml` project file and the templates `wzt new` creates projects
//! from (embedded in the binary).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fsutil::{CheckedFile, FileError, FileRules, Others, Owner, open_beneath};
use crate::sign::{ClaimsSpec, Grant, SignError};

/// The file name of a project file.
pub const PROJECT_FILE: &str = "wzt.toml";

/// `wzt.toml`. Unknown keys are an error, so a typo does not silently change what is signed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectFile {
    pub actor: ActorSection,
    pub build: BuildSection,
    /// Host options for `wzt dev` and for `wzt run` without ACTOR, by flag name without the
    /// dashes: `listen = "127.0.0.1:3000"`, `mock-caps = true`, `allow-host = ["a.example"]`,
    /// `config = { greeting = "hi" }`. Read as flags typed before the command line's own.
    #[serde(default)]
    pub dev: Option<toml::Table>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActorSection {
    pub name: String,
    pub version: Option<String>,
    pub revision: Option<i32>,
    /// Capability aliases or contract ids, or `["auto"]`.
    #[serde(default)]
    pub caps: Vec<String>,
    pub call_alias: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The account key (a store key name) that signs the actor; `account` when absent.
    pub issuer: Option<String>,
    /// Per-resource grants by kind, as lists: `kv.bucket = ["app"]` (a dotted key, so also
    /// `[actor.scopes.kv] bucket = ["app"]`).
    #[serde(default)]
    pub scopes: toml::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildSection {
    /// Run with `sh -c` in the project directory.
    pub command: String,
    /// The built artifact, relative to the project directory.
    pub artifact: PathBuf,
    /// The command of `wzt build --release`, when it differs from `command` (the templates'
    /// `command` builds in release mode already); it writes `artifact` too.
    pub release_command: Option<String>,
    /// Extra files `wzt dev` watches, as globs relative to the project directory (for inputs
    /// the sources walk skips: ignored or hidden files the build reads).
    #[serde(default)]
    pub watch: Vec<String>,
}

/// A project: its directory and its parsed project file.
#[derive(Debug, Clone)]
pub struct Project {
    pub dir: PathBuf,
    pub file: ProjectFile,
}

#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not a valid project file: {message}")]
    Parse { path: String, message: String },
    #[error(
        "{path} is not trusted: {why}. A project file names a build command and what to sign, so wzt uses only one that you own and nobody else can change; {fix}"
    )]
    Untrusted {
        path: String,
        why: String,
        fix: String,
    },
    #[error(
        "{path}: build.artifact '{artifact}' is outside the project; name a file inside the project directory"
    )]
    ArtifactOutside { path: String, artifact: String },
    #[error(
        "{path} is not signed: {why}. wzt signs the project's artifact with your key only when it is a regular file of yours that nobody else can write, reached through directories of yours that nobody else can write, with no symbolic link below the project directory; {fix}"
    )]
    UntrustedArtifact {
        path: String,
        why: String,
        fix: String,
    },
    #[error("{path}: [dev] {key}: {message}")]
    DevTable {
        path: String,
        key: String,
        message: String,
    },
    #[error(
        "{}, which {} capabilities, and `caps` in wzt.toml grants none: signed like this it could not run. Set `caps = [{}]` in [actor] (or `[\"auto\"]`: exactly what it imports; `[\"none\"]`: no grants, on purpose)",
        needs.iter().map(|n| format!("the actor {}", crate::text::escape(n))).collect::<Vec<_>>().join(", "),
        if needs.len() == 1 { "needs" } else { "need" },
        suggested.iter().map(|a| format!("\"{a}\"")).collect::<Vec<_>>().join(", ")
    )]
    CapsNotStated {
        needs: Vec<String>,
        suggested: Vec<String>,
    },
}

/// [`ProjectError::CapsNotStated`]: `sign`'s refusal of a grant-less actor that needs grants,
/// for a project, whose grants are set in wzt.toml.
pub fn caps_not_stated(needs: &[String], suggested: &[String]) -> ProjectError {
    ProjectError::CapsNotStated {
        needs: needs.to_vec(),
        suggested: suggested.to_vec(),
    }
}

/// A signing error as a project's owner needs it (see [`caps_not_stated`]).
pub fn explain_sign_error(e: SignError) -> anyhow::Error {
    match e {
        SignError::GrantsNotStated { needs, suggested } => {
            caps_not_stated(&needs, &suggested).into()
        }
        other => other.into(),
    }
}

/// A failed build: the command could not start, or it exited unsuccessfully (with its output,
/// which is what the developer needs to see).
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("cannot run the build command `{command}`: {source}")]
    Spawn {
        command: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the build failed (`{command}`, {status}){}",
        match output {
            Some(output) => format!(":\n{output}"),
            None => "; its output is above".to_string(),
        }
    )]
    Failed {
        command: String,
        status: std::process::ExitStatus,
        /// The command's stdout then stderr, lossily decoded, when it was captured
        /// ([`BuildOutput::Captured`]); shown escaped.
        output: Option<String>,
    },
    #[error(
        "the build succeeded but did not write the artifact {artifact}; check build.artifact in wzt.toml"
    )]
    NoArtifact { artifact: String },
    #[error("the build wrote {artifact}, but it cannot be read: {source}")]
    ArtifactUnreadable {
        artifact: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Project(#[from] ProjectError),
}

/// Where the build command's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuildOutput {
    /// To wzt's standard error as it runs (the command's stdout too, so wzt's stdout keeps its
    /// own results): the compiler's progress, warnings and colors as it shows them on a
    /// terminal. `color: false` asks cargo for none (`CARGO_TERM_COLOR=never`).
    Live { color: bool },
    /// Captured; a failed build's error carries it.
    Captured,
}

/// Which of the project's builds to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// `build.command`, writing `build.artifact`.
    Default,
    /// `build.release_command` when set, else as `Default`.
    Release,
}

/// The largest project file read.
const MAX_PROJECT_FILE: u64 = 1 << 20;

/// Opens and reads a project file, refusing one (or its directory) that another user owns or
/// that group or others can write: it names a build command to run and what to sign.
fn read_trusted(path: &Path) -> Result<Vec<u8>, ProjectError> {
    let untrusted = |what: &str, e: FileError| {
        match e {
        FileError::ForeignOwner { .. } => ProjectError::Untrusted {
            path: path.display().to_string(),
            why: format!("{what} is {}", e.problem()),
            fix: "remove it if you did not put it there, or keep your project in a directory of your own".to_string(),
        },
        FileError::WritableByOthers { path: p, mode } => ProjectError::Untrusted {
            path: path.display().to_string(),
            why: format!("{what} is writable by other users (mode {mode:03o})"),
            fix: format!("fix it with `chmod go-w {}` if it is yours", p.display()),
        },
        FileError::Io { source, path: p } => ProjectError::Read {
            path: p.display().to_string(),
            source,
        },
        other => ProjectError::Read {
            path: other.path().display().to_string(),
            source: std::io::Error::other(other.problem()),
        },
    }
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    crate::fsutil::check_dir(dir, Owner::Me, true).map_err(|e| untrusted("its directory", e))?;
    let rules = FileRules {
        // A project file linked from elsewhere is followed; what it points to is checked.
        follow_symlinks: true,
        ..FileRules::own(MAX_PROJECT_FILE)
    };
    CheckedFile::open(path, rules)
        .and_then(|file| file.read_all())
        .map_err(|e| untrusted("the file", e))
}

impl Project {
    /// The project containing `start`: the nearest `wzt.toml` in it or an ancestor, searching
    /// no higher than the repository root (a directory with `.git`) or `$HOME`, so a
    /// `wzt.toml` planted above them (in `/tmp`, say) is never picked up. A project file that
    /// another user owns or could have written is refused (it names a build command to run
    /// and what to sign).
    pub fn find(start: &Path) -> Result<Option<Project>, ProjectError> {
        // Canonical, so a HOME given through a symlink still stops the search.
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .map(PathBuf::from)
            .map(|h| std::fs::canonicalize(&h).unwrap_or(h));
        let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
        for dir in start.ancestors() {
            let path = dir.join(PROJECT_FILE);
            if path.is_file() {
                return Project::load(dir).map(Some);
            }
            if dir.join(".git").exists() || home.as_deref() == Some(dir) {
                break;
            }
        }
        Ok(None)
    }

    /// Reads and checks the project file in `dir` (see [`Project::find`] for what is refused).
    pub fn load(dir: &Path) -> Result<Project, ProjectError> {
        let path = dir.join(PROJECT_FILE);
        let bytes = read_trusted(&path)?;
        let text = String::from_utf8(bytes).map_err(|_| ProjectError::Parse {
            path: path.display().to_string(),
            message: "it is not UTF-8 text".into(),
        })?;
        let file = toml::from_str(&text).map_err(|e: toml::de::Error| ProjectError::Parse {
            path: path.display().to_string(),
            message: crate::text::redact_seeds(&e.to_string()),
        })?;
        let project = Project {
            dir: dir.to_path_buf(),
            file,
        };
        project.check_artifact_inside()?;
        Ok(project)
    }

    /// `build.artifact` must name a file inside the project: relative, never climbing out with
    /// `..`, and (when it exists) not a symlink to somewhere else. Checked when the project is
    /// loaded and again right before a built artifact is signed.
    pub fn check_artifact_inside(&self) -> Result<(), ProjectError> {
        let artifact = &self.file.build.artifact;
        let outside = || ProjectError::ArtifactOutside {
            path: self.dir.join(PROJECT_FILE).display().to_string(),
            artifact: artifact.display().to_string(),
        };
        let mut depth = 0usize;
        for part in artifact.components() {
            match part {
                std::path::Component::Normal(_) => depth += 1,
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    depth = depth.checked_sub(1).ok_or_else(outside)?;
                }
                std::path::Component::RootDir | std::path::Component::Prefix(_) => {
                    return Err(outside());
                }
            }
        }
        if let (Ok(dir), Ok(real)) = (
            std::fs::canonicalize(&self.dir),
            std::fs::canonicalize(self.dir.join(artifact)),
        ) && !real.starts_with(dir)
        {
            return Err(outside());
        }
        Ok(())
    }

    pub fn artifact(&self) -> PathBuf {
        self.dir.join(&self.file.build.artifact)
    }

    /// Opens the artifact to sign it, once: beneath the project directory with no symbolic
    /// link on the way, through directories this user owns that group and others cannot write
    /// (the project directory too), a regular file of this user's that they cannot write, of at
    /// most [`crate::wasm::MAX_ARTIFACT_LEN`]. (Hard links are allowed: cargo links its
    /// artifacts from `deps/`.) Whatever is signed is read from the returned file.
    pub fn open_artifact(&self) -> Result<CheckedFile, ProjectError> {
        self.check_artifact_inside()?;
        let rules = FileRules {
            follow_symlinks: false,
            owner: Owner::Me,
            others: Others::Read,
            single_link: false,
            max_len: crate::wasm::MAX_ARTIFACT_LEN,
            create: None,
        };
        let artifact = &self.file.build.artifact;
        open_beneath(&self.dir, artifact, Owner::Me, rules).map_err(|e| {
            let at = e.path().display().to_string();
            let (why, fix) = match &e {
                FileError::Missing { .. } => {
                    return ProjectError::Read {
                        path: at,
                        source: std::io::Error::from(std::io::ErrorKind::NotFound),
                    };
                }
                FileError::Io { source, .. } => {
                    return ProjectError::Read {
                        path: at,
                        source: std::io::Error::new(source.kind(), source.to_string()),
                    };
                }
                FileError::ForeignOwner { .. } => (
                    format!("{at} is {}", e.problem()),
                    "remove it if you did not put it there, and build again".to_string(),
                ),
                FileError::WritableByOthers { .. } => (
                    format!("{at} is {}", e.problem()),
                    format!("fix it with `chmod go-w {at}` if it is yours, and build again"),
                ),
                FileError::Symlink { .. } => (
                    format!("{at} is a symbolic link"),
                    "build into the project itself, and name the file itself in build.artifact"
                        .to_string(),
                ),
                FileError::TooLarge { .. } => (
                    format!("{at} is {}", e.problem()),
                    "a WebAssembly artifact is never that large: check build.artifact".to_string(),
                ),
                _ => (
                    format!("{at} is {}", e.problem()),
                    "check build.artifact in wzt.toml".to_string(),
                ),
            };
            ProjectError::UntrustedArtifact {
                path: self.artifact().display().to_string(),
                why,
                fix,
            }
        })
    }

    /// The `[dev]` table as command-line flags (`--key=value`, repeated for a list, `--key`
    /// for `true`, `--key=K=V` per entry of a table), for the flags in `allowed` (long names
    /// without dashes) and not in `given` (flags the command line sets itself) nor in
    /// `skipped` (keys of the table that this command does not take: the lattice's for `wzt
    /// dev`). An unknown key or a value of the wrong shape is an error naming the key.
    pub fn dev_args(
        &self,
        allowed: &[&str],
        given: &[&str],
        skipped: &[&str],
    ) -> Result<Vec<String>, ProjectError> {
        let Some(table) = &self.file.dev else {
            return Ok(Vec::new());
        };
        let path = self.dir.join(PROJECT_FILE).display().to_string();
        let bad = |key: &str, message: String| ProjectError::DevTable {
            path: path.clone(),
            key: key.to_string(),
            message,
        };
        let scalar = |key: &str, value: &toml::Value| -> Result<String, ProjectError> {
            match value {
                toml::Value::String(s) => Ok(s.clone()),
                toml::Value::Integer(i) => Ok(i.to_string()),
                toml::Value::Float(f) => Ok(f.to_string()),
                other => Err(bad(
                    key,
                    format!("expected a string or a number, found {}", other.type_str()),
                )),
            }
        };
        let mut args = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        for (written, value) in table {
            // `mock_caps` is `mock-caps`, as `[actor]` keys are snake_case.
            let key = &written.replace('_', "-");
            if skipped.contains(&key.as_str()) {
                continue;
            }
            if !allowed.contains(&key.as_str()) {
                return Err(bad(
                    written,
                    format!(
                        "not a host option; the keys are the flags of `wzt run`/`wzt dev` without dashes (`-` or `_` between words): {}",
                        allowed.join(", ")
                    ),
                ));
            }
            if seen.contains(key) {
                return Err(bad(
                    written,
                    format!(
                        "`{key}` is given twice (as `{}` and with `-`/`_` swapped)",
                        written
                    ),
                ));
            }
            seen.push(key.clone());
            if given.contains(&key.as_str()) {
                continue;
            }
            match value {
                toml::Value::Boolean(true) => args.push(format!("--{key}")),
                toml::Value::Boolean(false) => {}
                toml::Value::Array(items) => {
                    for item in items {
                        args.push(format!("--{key}={}", scalar(key, item)?));
                    }
                }
                toml::Value::Table(entries) => {
                    for (k, v) in entries {
                        args.push(format!("--{key}={k}={}", scalar(key, v)?));
                    }
                }
                other => args.push(format!("--{key}={}", scalar(key, other)?)),
            }
        }
        Ok(args)
    }

    /// The build command of `profile`, and whether the project defines one of its own for it.
    pub fn build_command(&self, profile: Profile) -> (&str, bool) {
        match (profile, &self.file.build.release_command) {
            (Profile::Release, Some(command)) => (command, true),
            (Profile::Release, None) => (&self.file.build.command, false),
            (Profile::Default, _) => (&self.file.build.command, true),
        }
    }

    /// The process that runs `command` (`sh -c` in the project directory), with none of the
    /// secrets wzt reads from the environment (`keys::SECRET_ENVS`: seeds, the passphrase):
    /// every build script and proc-macro of the build runs inside it.
    pub fn build_process(&self, command: &str) -> std::process::Command {
        let mut process = std::process::Command::new("sh");
        process.args(["-c", command]).current_dir(&self.dir);
        for name in crate::keys::SECRET_ENVS {
            process.env_remove(name);
        }
        process
    }

    /// Runs the build command of `profile` ([`Project::build_process`]), its output where
    /// `output` says; then opens the artifact with [`Project::open_artifact`] (so a symbolic
    /// link the build put where the artifact goes, or a file another user could write, is
    /// refused).
    pub fn run_build(
        &self,
        profile: Profile,
        output: BuildOutput,
    ) -> Result<CheckedFile, BuildError> {
        let (command, _) = self.build_command(profile);
        let spawn_error = |source| BuildError::Spawn {
            command: command.to_string(),
            source,
        };
        let mut child = self.build_process(command);
        child.stdin(std::process::Stdio::null());
        let (status, captured) = match output {
            BuildOutput::Live { color } => {
                use std::os::fd::AsFd as _;
                let stderr = std::io::stderr().as_fd().try_clone_to_owned();
                child.stdout(stderr.map_err(spawn_error)?);
                if !color {
                    child.env("CARGO_TERM_COLOR", "never");
                }
                (child.status().map_err(spawn_error)?, None)
            }
            BuildOutput::Captured => {
                let out = child.output().map_err(spawn_error)?;
                let text = format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                );
                (out.status, Some(text))
            }
        };
        if !status.success() {
            return Err(BuildError::Failed {
                command: command.to_string(),
                status,
                output: captured,
            });
        }
        // The build may have put a symlink where the artifact goes: opened without following.
        match self.open_artifact() {
            Ok(file) => Ok(file),
            Err(ProjectError::Read { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                Err(BuildError::NoArtifact {
                    artifact: self.artifact().display().to_string(),
                })
            }
            Err(ProjectError::Read { path, source }) => Err(BuildError::ArtifactUnreadable {
                artifact: path,
                source,
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// The issuer key name: the project's, else `account`.
    pub fn issuer(&self) -> &str {
        self.file.actor.issuer.as_deref().unwrap_or("account")
    }

    /// The artifact's file stem, which names the signed output and the subject key.
    pub fn artifact_stem(&self) -> Result<&str, ProjectError> {
        self.file
            .build
            .artifact
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| ProjectError::Parse {
                path: self.dir.join(PROJECT_FILE).display().to_string(),
                message: "build.artifact has no file name (or one that is not UTF-8)".into(),
            })
    }

    /// Where `wzt sign` without FILE writes the signed artifact (and where `wzt inspect` without
    /// FILE looks): `<artifact stem>_s.wasm` beside the artifact.
    pub fn signed_artifact(&self) -> Result<PathBuf, ProjectError> {
        let stem = self.artifact_stem()?;
        Ok(self.artifact().with_file_name(format!("{stem}_s.wasm")))
    }

    /// The store name of the subject (module) key: `<artifact stem>_module`.
    pub fn subject_key_name(&self) -> Result<String, ProjectError> {
        Ok(crate::keys::module_key_name(self.artifact_stem()?))
    }

    /// The claims the project file asks for, issued at `now` (no validity window: flags add
    /// one).
    pub fn claims_spec(&self, now: u64) -> Result<ClaimsSpec, SignError> {
        let actor = &self.file.actor;
        if let Some(alias) = &actor.call_alias {
            crate::sign::validate_call_alias(alias)?;
        }
        Ok(ClaimsSpec {
            name: Some(actor.name.clone()),
            ver: actor.version.clone(),
            rev: actor.revision,
            tags: actor.tags.clone(),
            grant: Grant::from_words(&actor.caps)?,
            scopes: crate::scopes::Scopes::from_toml(&actor.scopes, "[actor.scopes]")?,
            call_alias: actor.call_alias.clone(),
            expires: None,
            not_before: None,
            issued_at: now,
        })
    }
}

/// A project template embedded in the binary.
pub struct Template {
    pub name: &'static str,
    pub description: &'static str,
    /// Relative path and contents, with `{{name}}`, `{{crate}}` and `{{crate_wit}}` to fill.
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! template_file {
    ($template:literal, $path:literal) => {
        (
            $path,
            include_str!(concat!("../templates/", $template, "/", $path)),
        )
    };
}

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "http-hello",
        description: "an HTTP actor that answers with a greeting (wasi:http)",
        files: &[
            template_file!("http-hello", "Cargo.toml"),
            template_file!("http-hello", "src/lib.rs"),
            template_file!("http-hello", "wzt.toml"),
            template_file!("http-hello", "README.md"),
            template_file!("http-hello", ".gitignore"),
        ],
    },
    Template {
        name: "kv-counter",
        description: "an HTTP actor that counts visits in key-value storage and logs them",
        files: &[
            template_file!("kv-counter", "Cargo.toml"),
            template_file!("kv-counter", "src/lib.rs"),
            template_file!("kv-counter", "wit/world.wit"),
            template_file!("kv-counter", "wzt.toml"),
            template_file!("kv-counter", "README.md"),
            template_file!("kv-counter", ".gitignore"),
            // The WIT packages it imports: one copy, the one the host is built from.
            (
                "wit/deps/keyvalue/store.wit",
                include_str!("../wit/keyvalue/store.wit"),
            ),
            (
                "wit/deps/logging/logging.wit",
                include_str!("../wit/logging/logging.wit"),
            ),
        ],
    },
    Template {
        name: "msg-greeter",
        description: "a messaging actor that answers requests on `greet` (host B of the lattice example)",
        files: &[
            template_file!("msg-greeter", "Cargo.toml"),
            template_file!("msg-greeter", "src/lib.rs"),
            template_file!("msg-greeter", "wit/world.wit"),
            template_file!("msg-greeter", "wzt.toml"),
            template_file!("msg-greeter", "README.md"),
            template_file!("msg-greeter", ".gitignore"),
            (
                "wit/deps/messaging/messaging.wit",
                include_str!("../wit/messaging/messaging.wit"),
            ),
        ],
    },
    Template {
        name: "msg-front",
        description: "an HTTP actor that asks `greet` over messaging (host A of the lattice example)",
        files: &[
            template_file!("msg-front", "Cargo.toml"),
            template_file!("msg-front", "src/lib.rs"),
            template_file!("msg-front", "wit/world.wit"),
            template_file!("msg-front", "wzt.toml"),
            template_file!("msg-front", "README.md"),
            template_file!("msg-front", ".gitignore"),
            (
                "wit/deps/messaging/messaging.wit",
                include_str!("../wit/messaging/messaging.wit"),
            ),
        ],
    },
    Template {
        name: "command",
        description: "a command actor (wasi:cli) that greets its arguments",
        files: &[
            template_file!("command", "Cargo.toml"),
            template_file!("command", "src/main.rs"),
            template_file!("command", "wzt.toml"),
            template_file!("command", "README.md"),
            template_file!("command", ".gitignore"),
        ],
    },
];

pub fn template(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// The templates someone probably meant by `word`: those whose name starts with it or has it
/// as a part (`kv`, `msg`), else the nearest within a few typos.
pub fn suggest_template(word: &str) -> Vec<&'static str> {
    let word = word.trim().to_ascii_lowercase();
    if word.is_empty() {
        return Vec::new();
    }
    let containing: Vec<&'static str> = TEMPLATES
        .iter()
        .filter(|t| t.name.split('-').any(|part| part == word) || t.name.starts_with(&word))
        .map(|t| t.name)
        .collect();
    if !containing.is_empty() {
        return containing;
    }
    TEMPLATES
        .iter()
        .map(|t| (strsim::levenshtein(&word, t.name), t.name))
        .filter(|(distance, _)| *distance <= 3)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| vec![name])
        .unwrap_or_default()
}

/// Checks a new project's name: it becomes the crate name, so lower-case ASCII letters, digits,
/// `-` and `_`, starting with a letter.
pub fn validate_name(name: &str) -> Result<(), String> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "'{name}' cannot name a project: use lower-case letters, digits, '-' and '_', starting with a letter"
        ))
    }
}

/// The files of `template` for a project called `name`.
pub fn render(template: &Template, name: &str) -> Vec<(PathBuf, String)> {
    let crate_name = name.replace('-', "_");
    let wit_name = name.replace('_', "-");
    template
        .files
        .iter()
        .map(|(path, text)| {
            let text = text
                .replace("{{name}}", name)
                .replace("{{crate}}", &crate_name)
                .replace("{{crate_wit}}", &wit_name);
            (PathBuf::from(path), text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_a_valid_project_file() {
        for t in TEMPLATES {
            let files = render(t, "my-actor");
            let wzt = &files
                .iter()
                .find(|(p, _)| p == Path::new("wzt.toml"))
                .unwrap()
                .1;
            let file: ProjectFile = toml::from_str(wzt).unwrap();
            assert_eq!(file.actor.name, "my-actor");
            assert!(file.build.artifact.ends_with("my_actor.wasm"), "{}", t.name);
            assert!(
                files.iter().all(|(_, text)| !text.contains("{{")),
                "{}",
                t.name
            );
        }
    }

    fn write_project(dir: &Path, artifact: &str) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join(PROJECT_FILE),
            format!(
                "[actor]\nname = \"a\"\n[build]\ncommand = \"true\"\nartifact = \"{artifact}\"\n"
            ),
        )
        .unwrap();
    }

    #[test]
    fn the_search_stops_at_the_repository_root() {
        let root = tempfile::tempdir().unwrap();
        write_project(root.path(), "a.wasm");
        let repo = root.path().join("repo");
        std::fs::create_dir_all(repo.join(".git")).unwrap();
        std::fs::create_dir_all(repo.join("sub")).unwrap();
        assert!(Project::find(&repo.join("sub")).unwrap().is_none());
        assert!(Project::find(root.path()).unwrap().is_some());
    }

    #[test]
    fn artifacts_outside_the_project_are_refused() {
        let root = tempfile::tempdir().unwrap();
        for bad in ["../elsewhere.wasm", "/etc/passwd", "target/../../x.wasm"] {
            write_project(root.path(), bad);
            let err = Project::load(root.path()).unwrap_err();
            assert!(
                matches!(err, ProjectError::ArtifactOutside { .. }),
                "{bad}: {err}"
            );
        }
        write_project(root.path(), "target/../a.wasm");
        assert!(Project::load(root.path()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn writable_project_files_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        write_project(root.path(), "a.wasm");
        let file = root.path().join(PROJECT_FILE);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o666)).unwrap();
        let err = Project::find(root.path()).unwrap_err().to_string();
        assert!(err.contains("writable by other users (mode 666)"), "{err}");
        assert!(
            err.contains(&format!("chmod go-w {}", file.display())),
            "{err}"
        );
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let err = Project::find(root.path()).unwrap_err().to_string();
        assert!(err.contains("its directory is writable"), "{err}");
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        assert!(Project::find(root.path()).unwrap().is_some());
    }

    #[test]
    fn names_are_checked() {
        assert!(validate_name("hello-world_2").is_ok());
        assert!(validate_name("Hello").is_err());
        assert!(validate_name("2x").is_err());
        assert!(validate_name("a/b").is_err());
    }
}
