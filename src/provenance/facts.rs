//! What a build knows about itself, gathered for its provenance: the git source (remote URL
//! without credentials, commit, ref, whether the tree is clean), `Cargo.lock`'s digest, the
//! toolchain (`rustc -V`, the target), and the project's settings.
//!
//! Every fact is best effort: a project outside git, a machine without git or rustc, simply
//! records less (`None`), and the caller says what was not recorded. Nothing here fails a
//! build.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::project::{Profile, Project};

/// The git checkout a build ran in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitSource {
    /// The remote's URL with any user name, password or token removed; `None` without a
    /// remote.
    pub repository: Option<String>,
    /// `refs/heads/…` (or `refs/tags/…`) when HEAD is on a branch; `None` when detached.
    pub git_ref: Option<String>,
    /// The commit of HEAD; `None` in a repository without commits.
    pub commit: Option<String>,
    /// No change to tracked files and no untracked file (ignored files aside).
    pub clean: bool,
    /// The checkout's top directory.
    pub top: PathBuf,
}

/// Everything `wzt build` records besides the artifact itself.
#[derive(Debug, Clone)]
pub struct BuildFacts {
    pub command: String,
    pub profile: &'static str,
    /// `build.artifact` as written in wzt.toml.
    pub artifact: String,
    /// The project directory relative to the checkout's top (`.` at the top).
    pub project_path: Option<String>,
    /// The `[actor]` table of wzt.toml.
    pub actor: Value,
    pub source: Option<GitSource>,
    /// `Cargo.lock`'s path (relative to the checkout or the project) and SHA-256.
    pub cargo_lock: Option<(String, String)>,
    /// `rustc -V` as printed.
    pub rustc: Option<String>,
    pub target: Option<String>,
    /// Seconds since the epoch.
    pub started: u64,
    pub finished: u64,
}

impl BuildFacts {
    /// The facts known before the build runs (the source is read before the build can change
    /// it); [`BuildFacts::finish`] adds the rest.
    pub fn start(project: &Project, profile: Profile, started: u64) -> BuildFacts {
        let (command, _) = project.build_command(profile);
        let actor = &project.file.actor;
        let source = git_source(&project.dir);
        let project_path = source.as_ref().map(|s| relative(&project.dir, &s.top));
        let artifact = project.file.build.artifact.display().to_string();
        BuildFacts {
            command: command.to_string(),
            profile: match profile {
                Profile::Default => "default",
                Profile::Release => "release",
            },
            target: target_of(command, &artifact),
            artifact,
            project_path,
            actor: json!({
                "name": actor.name,
                "version": actor.version,
                "revision": actor.revision,
                "caps": actor.caps,
                "call_alias": actor.call_alias,
                "tags": actor.tags,
                "issuer": project.issuer(),
            }),
            source,
            cargo_lock: None,
            rustc: None,
            started,
            finished: started,
        }
    }

    /// After the build: the lock file it used, the toolchain, the finish time.
    pub fn finish(&mut self, project: &Project, finished: u64) {
        let top = self.source.as_ref().map(|s| s.top.clone());
        self.cargo_lock = cargo_lock(&project.dir, top.as_deref());
        self.rustc = rustc_version(&project.dir);
        self.finished = finished;
    }
}

/// `path` relative to `base` when it is inside it (`.` for `base` itself).
pub fn relative_to(path: &Path, base: &Path) -> String {
    relative(path, base)
}

fn relative(path: &Path, base: &Path) -> String {
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    match path.strip_prefix(&base) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => path.display().to_string(),
    }
}

/// Runs `git ARGS` in `dir` (no fsmonitor hook, no optional locks); its trimmed stdout when
/// it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.fsmonitor=false"])
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The git checkout `dir` is in, or `None` (not in one, or no git).
pub fn git_source(dir: &Path) -> Option<GitSource> {
    let top = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    let commit =
        git(dir, &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).filter(|c| !c.is_empty());
    let git_ref = git(dir, &["symbolic-ref", "--quiet", "HEAD"]).filter(|r| !r.is_empty());
    let branch = git_ref
        .as_deref()
        .and_then(|r| r.strip_prefix("refs/heads/"));
    // The branch's upstream remote, else `origin`, else the only remote.
    let remote = branch
        .and_then(|b| git(dir, &["config", "--get", &format!("branch.{b}.remote")]))
        .filter(|r| !r.is_empty() && r != ".")
        .or_else(|| {
            let remotes = git(dir, &["remote"])?;
            let names: Vec<&str> = remotes.lines().collect();
            if names.contains(&"origin") {
                Some("origin".to_string())
            } else if let [only] = names.as_slice() {
                Some(only.to_string())
            } else {
                None
            }
        });
    let repository = remote
        .and_then(|r| git(dir, &["remote", "get-url", &r]))
        .filter(|u| !u.is_empty())
        .map(|u| sanitize_remote(&u));
    let status = git(dir, &["status", "--porcelain", "--untracked-files=normal"]);
    Some(GitSource {
        repository,
        git_ref,
        commit,
        // A status that cannot be read is not a clean tree.
        clean: status.is_some_and(|s| s.is_empty()),
        top,
    })
}

/// A remote URL fit to publish: user names, passwords and tokens (`https://TOKEN@host/…`,
/// `https://user:pass@host/…`), a query and a fragment removed; scp-like `user@host:path`
/// written `ssh://host/path`; a local path `file://PATH`.
pub fn sanitize_remote(url: &str) -> String {
    let url = url.trim();
    if let Some((scheme, rest)) = url.split_once("://") {
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let path = path.split(['?', '#']).next().unwrap_or_default();
        return format!("{}://{host}{path}", scheme.to_ascii_lowercase());
    }
    if let Some((user_host, path)) = url.split_once(':')
        && !user_host.contains('/')
        && !user_host.is_empty()
    {
        let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
        return format!("ssh://{host}/{}", path.trim_start_matches('/'));
    }
    let path = std::fs::canonicalize(url).unwrap_or_else(|_| PathBuf::from(url));
    format!("file://{}", path.display())
}

/// The nearest `Cargo.lock` from `dir` up to `top` (the checkout's top; without one, `dir`
/// only): its path relative to `top` (or its name) and its SHA-256.
pub fn cargo_lock(dir: &Path, top: Option<&Path>) -> Option<(String, String)> {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let top = top.map(|t| std::fs::canonicalize(t).unwrap_or_else(|_| t.to_path_buf()));
    for candidate in dir.ancestors() {
        let lock = candidate.join("Cargo.lock");
        if let Ok(bytes) = std::fs::read(&lock) {
            let name = match &top {
                Some(top) => relative(&lock, top),
                None => "Cargo.lock".to_string(),
            };
            return Some((name, hex(&Sha256::digest(&bytes))));
        }
        if top.as_deref().is_none_or(|t| t == candidate) {
            break;
        }
    }
    None
}

/// `rustc -V` in `dir` (where rustup honours the project's toolchain file).
pub fn rustc_version(dir: &Path) -> Option<String> {
    let out = Command::new("rustc")
        .arg("-V")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The target triple: the build command's `--target T` (or `--target=T`), else the directory
/// after `target/` in the artifact's path when it names a wasm target.
pub fn target_of(command: &str, artifact: &str) -> Option<String> {
    let mut words = command.split_whitespace();
    while let Some(word) = words.next() {
        if word == "--target" {
            return words.next().map(str::to_string);
        }
        if let Some(t) = word.strip_prefix("--target=") {
            return Some(t.to_string());
        }
    }
    let parts: Vec<&str> = artifact.split('/').collect();
    parts
        .windows(2)
        .find(|w| w[0] == "target" && w[1].starts_with("wasm"))
        .map(|w| w[1].to_string())
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_reach_the_provenance() {
        assert_eq!(
            sanitize_remote("https://x-access-token:ghp_SECRET@github.com/acme/a.git"),
            "https://github.com/acme/a.git"
        );
        assert_eq!(
            sanitize_remote("https://ghp_SECRET@github.com/acme/a?token=1#x"),
            "https://github.com/acme/a"
        );
        assert_eq!(
            sanitize_remote("git@github.com:acme/a.git"),
            "ssh://github.com/acme/a.git"
        );
        assert_eq!(
            sanitize_remote("ssh://git@host:2222/a"),
            "ssh://host:2222/a"
        );
        assert!(sanitize_remote("/srv/git/a.git").starts_with("file:///"));
    }

    #[test]
    fn the_target_comes_from_the_command_or_the_path() {
        let p = "target/wasm32-wasip2/release/a.wasm";
        assert_eq!(
            target_of("cargo build --target wasm32-wasip1 --release", p).as_deref(),
            Some("wasm32-wasip1")
        );
        assert_eq!(
            target_of("cargo build --target=wasm32-unknown-unknown", p).as_deref(),
            Some("wasm32-unknown-unknown")
        );
        assert_eq!(target_of("make", p).as_deref(), Some("wasm32-wasip2"));
        assert_eq!(target_of("make", "out/a.wasm"), None);
    }

    #[test]
    fn a_git_checkout_is_read() {
        if git(Path::new("."), &["--version"]).is_none() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let run = |args: &[&str]| {
            let ok = Command::new("git")
                .arg("-C")
                .arg(dir.path())
                .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
                .args(args)
                .output()
                .unwrap()
                .status
                .success();
            assert!(ok, "git {args:?}");
        };
        run(&["init", "-q", "-b", "main"]);
        let source = git_source(dir.path()).unwrap();
        assert_eq!(source.commit, None);
        assert_eq!(source.repository, None);
        std::fs::write(dir.path().join("a"), "a").unwrap();
        run(&["add", "a"]);
        run(&["commit", "-q", "-m", "a"]);
        run(&[
            "remote",
            "add",
            "origin",
            "https://user:pw@example.com/acme/a.git",
        ]);
        let source = git_source(dir.path()).unwrap();
        assert_eq!(source.commit.as_ref().map(String::len), Some(40));
        assert_eq!(source.git_ref.as_deref(), Some("refs/heads/main"));
        assert_eq!(
            source.repository.as_deref(),
            Some("https://example.com/acme/a.git")
        );
        assert!(source.clean);
        std::fs::write(dir.path().join("b"), "untracked").unwrap();
        assert!(!git_source(dir.path()).unwrap().clean);
        assert!(git_source(&std::env::temp_dir().join("no-such-dir-wzt")).is_none());
    }
}
