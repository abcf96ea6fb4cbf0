//! `wzt doctor`'s checks of the environment wzt works in: the toolchain a project build
//! needs, the key store, the compile cache, the project file, the clock. Each check says what
//! it found and, when something is wrong, how to fix it. Nothing here changes anything.

use std::path::Path;
use std::process::Command;

use crate::keys::{KeyRole, KeyStore};
use crate::project::Project;

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Works, but something is worth knowing (a missing default key that will be generated).
    Warn,
    /// Something a command will fail on.
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    /// A stable name: `cargo`, `target:wasm32-wasip2`, `keys`, `key:account`, `cache`,
    /// `project`, `build_tool`, `clock`.
    pub name: String,
    pub status: Status,
    pub detail: String,
    /// What to do about it (for `warn` and `fail`).
    pub fix: Option<String>,
}

impl Check {
    fn ok(name: &str, detail: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: Status::Ok,
            detail: detail.into(),
            fix: None,
        }
    }

    fn bad(status: Status, name: &str, detail: impl Into<String>, fix: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

/// The wasm targets the templates build for (wasip1 for preview 1 modules).
pub const WASM_TARGETS: [&str; 2] = ["wasm32-wasip2", "wasm32-wasip1"];

/// Everything `wzt doctor` reports, in order. `now` is the clock's reading (seconds since the
/// epoch).
pub fn run_checks(store: &KeyStore, cwd: &Path, now: u64) -> Vec<Check> {
    let mut checks = Vec::new();
    checks.extend(toolchain());
    checks.extend(key_store(store));
    checks.push(compile_cache());
    checks.extend(project(cwd));
    checks.push(clock(now, store));
    checks
}

/// The first line of `program args`' stdout, when it runs and succeeds.
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    if !output.status.success() {
        return None;
    }
    Some(
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .trim()
            .to_string(),
    )
}

fn toolchain() -> Vec<Check> {
    let mut checks = Vec::new();
    match first_line("cargo", &["--version"]) {
        Some(version) => checks.push(Check::ok("cargo", version)),
        None => checks.push(Check::bad(
            Status::Fail,
            "cargo",
            "cargo is not on PATH: projects made by `wzt new` cannot be built",
            "install Rust with rustup (https://rustup.rs), then open a new shell",
        )),
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    for target in WASM_TARGETS {
        let name = format!("target:{target}");
        let check = match &installed {
            None => Check::bad(
                Status::Warn,
                &name,
                "rustup is not on PATH: cannot tell whether the target is installed",
                format!(
                    "with rustup: `rustup target add {target}`; otherwise install the target for your toolchain"
                ),
            ),
            Some(list) if list.lines().any(|l| l.trim() == target) => Check::ok(&name, "installed"),
            Some(_) => Check::bad(
                // The templates build for wasip2; wasip1 is only for preview 1 modules.
                if target == "wasm32-wasip2" {
                    Status::Fail
                } else {
                    Status::Warn
                },
                &name,
                "not installed",
                format!("rustup target add {target}"),
            ),
        };
        checks.push(check);
    }
    checks
}

fn key_store(store: &KeyStore) -> Vec<Check> {
    let dir = store.dir().display().to_string();
    let keys = match store.list() {
        Ok(keys) => keys,
        Err(e) => {
            return vec![Check::bad(
                Status::Fail,
                "keys",
                format!("the key store {dir} cannot be used: {e}"),
                "fix what the message names (`chmod 700` the directory if it is yours), or point WZT_KEYS_DIR elsewhere",
            )];
        }
    };
    let mut checks = Vec::new();
    if !store.dir().is_dir() {
        checks.push(Check::bad(
            Status::Warn,
            "keys",
            format!("the key store {dir} does not exist yet"),
            "create an account key: `wzt keys gen account`",
        ));
    } else {
        let invalid: Vec<&str> = keys
            .iter()
            .filter(|k| k.info.is_err())
            .map(|k| k.name.as_str())
            .collect();
        if invalid.is_empty() {
            checks.push(Check::ok(
                "keys",
                format!("{dir}: {} key(s), private to you", keys.len()),
            ));
        } else {
            checks.push(Check::bad(
                Status::Warn,
                "keys",
                format!(
                    "{dir}: {} key(s), {} unusable: {}",
                    keys.len(),
                    invalid.len(),
                    invalid.join(", ")
                ),
                "`wzt keys list` shows why each is unusable",
            ));
        }
    }
    let account = keys.iter().find(|k| k.name == "account");
    checks.push(match account {
        Some(k) => match &k.info {
            Ok(info) if info.public_only => Check::bad(
                Status::Fail,
                "key:account",
                format!(
                    "the store key `account` is a public key only ({}): signing needs its seed",
                    info.public_key
                ),
                "import its seed (`wzt keys import account - --force`, the seed on standard input), or make a new one (`wzt keys gen account --force`)",
            ),
            Ok(info) if info.role == KeyRole::Account => Check::ok(
                "key:account",
                format!(
                    "{} ({})",
                    info.public_key,
                    if k.encrypted { "encrypted" } else { "not encrypted" }
                ),
            ),
            Ok(info) => Check::bad(
                Status::Fail,
                "key:account",
                format!("the store key `account` is {} key", info.role.with_article()),
                "`wzt sign` signs with `account` by default: rename or remove it, then `wzt keys gen account`",
            ),
            Err(e) => Check::bad(
                Status::Fail,
                "key:account",
                format!("the store key `account` is unusable: {e}"),
                "fix or remove it, then `wzt keys gen account`",
            ),
        },
        None => Check::bad(
            Status::Warn,
            "key:account",
            "no `account` key: signing generates one on a terminal and refuses to in CI",
            "wzt keys gen account (add --encrypt to protect it with a passphrase)",
        ),
    });
    checks
}

fn compile_cache() -> Check {
    let Some(location) = crate::host::CacheLocation::default_for_user() else {
        return Check::bad(
            Status::Warn,
            "cache",
            "no cache directory can be determined (neither XDG_CACHE_HOME nor HOME is set): every run compiles",
            "set HOME or XDG_CACHE_HOME",
        );
    };
    let dir = location.dir.display().to_string();
    if !location.dir.exists() {
        return Check::ok("cache", format!("{dir} (made on the first run)"));
    }
    // Opening checks the directory and the secret the entries are authenticated with.
    match crate::host::cache::CompileCache::open(&location) {
        Ok(_) => Check::ok("cache", format!("{dir}, private to you")),
        Err(e) => Check::bad(
            Status::Fail,
            "cache",
            e.to_string(),
            "fix what the message names, or run with --no-cache",
        ),
    }
}

fn project(cwd: &Path) -> Vec<Check> {
    match Project::find(cwd) {
        Ok(None) => Vec::new(),
        Err(e) => vec![Check::bad(
            Status::Fail,
            "project",
            e.to_string(),
            project_fix(&e),
        )],
        Ok(Some(project)) => {
            let mut checks = vec![Check::ok(
                "project",
                format!(
                    "{} ({})",
                    project.dir.join(crate::project::PROJECT_FILE).display(),
                    project.file.actor.name
                ),
            )];
            let command = &project.file.build.command;
            let tool = command.split_whitespace().next().unwrap_or_default();
            if !tool.is_empty() && !tool.contains('/') && !tool.contains('=') {
                checks.push(if on_path(tool) {
                    Check::ok("build_tool", format!("{tool} (from `{command}`)"))
                } else {
                    Check::bad(
                        Status::Fail,
                        "build_tool",
                        format!("`{tool}`, the first word of the build command `{command}`, is not on PATH"),
                        format!("install {tool}, or change [build] command in wzt.toml"),
                    )
                });
            }
            checks
        }
    }
}

/// What to do about a project file that cannot be used.
fn project_fix(e: &crate::project::ProjectError) -> String {
    use crate::project::ProjectError as E;
    match e {
        E::Parse { path, message } => {
            // toml's messages start `TOML parse error at line N, column M`.
            let at = message
                .split_once("at line ")
                .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
                .filter(|n| !n.is_empty());
            match at {
                Some(line) => format!(
                    "edit line {line} of {path} as the error shows (a value in quotes, a known key: `wzt new` writes a complete wzt.toml to compare with)"
                ),
                None => format!(
                    "edit {path} as the error says (`wzt new` writes a complete wzt.toml to compare with)"
                ),
            }
        }
        E::Untrusted { fix, .. } | E::UntrustedArtifact { fix, .. } => fix.clone(),
        E::ArtifactOutside { path, .. } => format!(
            "set build.artifact in {path} to the built file's path inside the project, e.g. target/wasm32-wasip2/release/NAME.wasm"
        ),
        E::DevTable { path, key, .. } => format!(
            "fix or remove `{key}` in the [dev] table of {path}: its keys are the flags of `wzt run --help` without dashes"
        ),
        E::Read { path, .. } => format!("make {path} a readable file of yours, or remove it"),
        E::CapsNotStated { .. } => "set `caps` in [actor] of wzt.toml".to_string(),
    }
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            let candidate = dir.join(program);
            candidate.is_file()
                && std::fs::metadata(&candidate).is_ok_and(|m| {
                    use std::os::unix::fs::PermissionsExt;
                    m.permissions().mode() & 0o111 != 0
                })
        })
    })
}

/// 2025-01-01T00:00:00Z: a clock before it is certainly wrong.
const EARLIEST_PLAUSIBLE: u64 = 1_735_689_600;

fn clock(now: u64, store: &KeyStore) -> Check {
    if now < EARLIEST_PLAUSIBLE {
        return Check::bad(
            Status::Fail,
            "clock",
            format!(
                "the clock says {}, before 2025: claims would be judged not yet valid or long expired",
                crate::time::rfc3339(now)
            ),
            "set the system clock (e.g. enable NTP: `timedatectl set-ntp true`)",
        );
    }
    // A key file written "in the future" means the clock was set back since.
    let newest = std::fs::read_dir(store.dir())
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.metadata().ok()?.modified().ok())
        .filter_map(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .max();
    match newest {
        Some(t) if t > now + 300 => Check::bad(
            Status::Warn,
            "clock",
            format!(
                "the clock says {}, but a key store file was written at {}: the clock went back",
                crate::time::rfc3339(now),
                crate::time::rfc3339(t)
            ),
            "check the system clock (claims' validity depends on it)",
        ),
        _ => Check::ok("clock", crate::time::rfc3339(now)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_before_2025_fails_and_a_sane_one_passes() {
        let dir = tempfile::tempdir().unwrap();
        let store = KeyStore::new(dir.path().join("keys"));
        assert_eq!(clock(1_000, &store).status, Status::Fail);
        assert_eq!(clock(EARLIEST_PLAUSIBLE + 1, &store).status, Status::Ok);
    }

    #[test]
    fn a_missing_store_warns_with_the_command_that_fixes_it() {
        let dir = tempfile::tempdir().unwrap();
        let checks = key_store(&KeyStore::new(dir.path().join("keys")));
        assert_eq!(checks[0].status, Status::Warn);
        assert_eq!(checks[1].name, "key:account");
        assert_eq!(checks[1].status, Status::Warn);
        assert!(
            checks[1]
                .fix
                .as_deref()
                .unwrap()
                .starts_with("wzt keys gen account")
        );
    }
}
