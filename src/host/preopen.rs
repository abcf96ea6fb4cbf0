//! Host directories preopened for a guest with the `fs` grant (`--dir HOST[::GUEST]`), and
//! the check every one of them passes before the host may use it (docs/design.md §6).
//!
//! A [`PreopenRequest`] is what a person asked for; a [`Preopens`] is the checked set, and
//! [`Preopens::check`] is its only constructor: no directory holding the key store, the compile
//! cache or a provider's files; no directory inside another; each pinned by canonical path,
//! device and inode, so a swap of the path later (a symlink planted through another preopen, or
//! by another local user) is refused at the next invocation. `HostOptions` takes only this type.

use std::path::{Path, PathBuf};

/// `--dir HOST[::GUEST]` as given (the guest path defaults to the host path as written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreopenRequest {
    host: PathBuf,
    guest: String,
}

impl std::str::FromStr for PreopenRequest {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (host, guest) = s.split_once("::").unwrap_or((s, s));
        if host.is_empty() || guest.is_empty() {
            return Err("expected HOST[::GUEST], e.g. ./data::/data".into());
        }
        Ok(PreopenRequest {
            host: PathBuf::from(host),
            guest: guest.to_string(),
        })
    }
}

impl PreopenRequest {
    pub fn host(&self) -> &Path {
        &self.host
    }
}

/// A path no preopen may reach, and what it is (for the refusal).
#[derive(Debug, Clone)]
pub struct Protected {
    pub what: &'static str,
    pub path: PathBuf,
}

/// A checked preopen: canonical host path and the identity it had when checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preopen {
    host: PathBuf,
    guest: String,
    identity: (u64, u64),
}

impl Preopen {
    pub fn host(&self) -> &Path {
        &self.host
    }

    pub fn guest(&self) -> &str {
        &self.guest
    }

    /// Whether the host path still names the directory that was checked.
    pub fn still_pinned(&self) -> bool {
        match (
            std::fs::canonicalize(&self.host),
            std::fs::symlink_metadata(&self.host),
        ) {
            (Ok(real), Ok(meta)) => {
                real == self.host && meta.is_dir() && identity(&meta) == self.identity
            }
            _ => false,
        }
    }
}

/// Why a `--dir` is refused.
#[derive(Debug, thiserror::Error)]
pub enum PreopenError {
    #[error("--dir needs the fs capability, which this actor is not granted")]
    NotGranted,
    #[error(
        "--dir {}: it would give the actor {what} ({}); preopen a directory that does not hold it (wzt keeps the key store, the compile cache, the key-value store, the policy, the trace file and the providers' files out of the actor's reach), or move that file elsewhere",
        .dir.display(),
        .protected.display()
    )]
    Protected {
        dir: PathBuf,
        what: &'static str,
        protected: PathBuf,
    },
    #[error(
        "{what} ({}) has other hard links, one of which a --dir could hold; give the actor no directory, or make it a file with one name",
        .protected.display()
    )]
    HardLinked {
        what: &'static str,
        protected: PathBuf,
    },
    #[error(
        "--dir {} and --dir {} overlap (one holds the other); preopen directories that do not contain each other",
        .first.display(),
        .second.display()
    )]
    Overlap { first: PathBuf, second: PathBuf },
    #[error("--dir {}", .dir.display())]
    Unusable {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The checked preopens of a host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preopens(Vec<Preopen>);

impl Preopens {
    /// No directory at all.
    pub fn none() -> Preopens {
        Preopens(Vec::new())
    }

    /// Checks `requests` against `protected` and each other, and pins each directory.
    /// `fs_granted` says whether the actor may have directories at all.
    pub fn check(
        requests: &[PreopenRequest],
        protected: &[Protected],
        fs_granted: bool,
    ) -> Result<Preopens, PreopenError> {
        if requests.is_empty() {
            return Ok(Preopens::none());
        }
        if !fs_granted {
            return Err(PreopenError::NotGranted);
        }
        // Each path is compared as written (made absolute, `.` and `..` folded, no link
        // followed) and as it resolves: a protected file reached through a link inside the
        // directory, or a directory that is a link to a parent of one, is refused either way.
        for request in requests {
            let dir_forms = [lexical_path(&request.host), resolve_path(&request.host)];
            for Protected { what, path } in protected {
                let forms = [lexical_path(path), resolve_path(path)];
                let overlaps = dir_forms.iter().any(|dir| {
                    forms
                        .iter()
                        .any(|p| p.starts_with(dir) || dir.starts_with(p))
                });
                if overlaps {
                    return Err(PreopenError::Protected {
                        dir: request.host.clone(),
                        what,
                        protected: forms[1].clone(),
                    });
                }
                // Another name of the file could be anywhere, also in the directory.
                #[cfg(unix)]
                if let Ok(meta) = std::fs::metadata(path) {
                    use std::os::unix::fs::MetadataExt;
                    if meta.is_file() && meta.nlink() > 1 {
                        return Err(PreopenError::HardLinked {
                            what,
                            protected: path.clone(),
                        });
                    }
                }
            }
        }
        // Pin each directory now, and refuse nesting: a guest could otherwise replace an inner
        // preopen's path, through the outer one, with a symlink to anywhere.
        let mut pinned: Vec<Preopen> = Vec::new();
        for request in requests {
            let unusable = |source| PreopenError::Unusable {
                dir: request.host.clone(),
                source,
            };
            let host = std::fs::canonicalize(&request.host).map_err(unusable)?;
            let meta = std::fs::metadata(&host).map_err(unusable)?;
            if !meta.is_dir() {
                return Err(unusable(std::io::Error::other("not a directory")));
            }
            if let Some(other) = pinned
                .iter()
                .find(|d| d.host.starts_with(&host) || host.starts_with(&d.host))
            {
                return Err(PreopenError::Overlap {
                    first: other.host.clone(),
                    second: host,
                });
            }
            pinned.push(Preopen {
                host,
                guest: request.guest.clone(),
                identity: identity(&meta),
            });
        }
        Ok(Preopens(pinned))
    }

    pub fn iter(&self) -> impl Iterator<Item = &Preopen> {
        self.0.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// `path` made absolute with `.` and `..` folded as written, no link followed.
pub fn lexical_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut folded = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                folded.pop();
            }
            other => folded.push(other),
        }
    }
    folded
}

/// `path` made absolute with symlinks resolved, as far as it exists (the rest appended), so
/// paths can be compared for containment before everything in them exists.
pub fn resolve_path(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = std::fs::canonicalize(existing) {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_parse() {
        let p: PreopenRequest = "./data::/data".parse().unwrap();
        assert_eq!((p.host(), p.guest.as_str()), (Path::new("./data"), "/data"));
        let p: PreopenRequest = "data".parse().unwrap();
        assert_eq!(p.guest, "data");
        assert!("::/x".parse::<PreopenRequest>().is_err());
    }

    #[test]
    fn protected_overlapping_and_ungranted_directories_are_refused() {
        let root = tempfile::tempdir().unwrap();
        let keys = root.path().join("keys");
        let data = root.path().join("data");
        std::fs::create_dir_all(data.join("inner")).unwrap();
        let request = |p: &Path| -> PreopenRequest { p.display().to_string().parse().unwrap() };
        let protected = [Protected {
            what: "the key store",
            path: keys.clone(),
        }];
        assert!(matches!(
            Preopens::check(&[request(root.path())], &protected, true),
            Err(PreopenError::Protected {
                what: "the key store",
                ..
            })
        ));
        assert!(matches!(
            Preopens::check(&[request(&data)], &protected, false),
            Err(PreopenError::NotGranted)
        ));
        assert!(matches!(
            Preopens::check(&[request(&data), request(&data.join("inner"))], &[], true),
            Err(PreopenError::Overlap { .. })
        ));
        assert!(matches!(
            Preopens::check(&[request(&root.path().join("missing"))], &[], true),
            Err(PreopenError::Unusable { .. })
        ));
        let ok = Preopens::check(&[request(&data)], &protected, true).unwrap();
        assert_eq!(ok.iter().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_pinned_preopen_notices_a_swap() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data");
        std::fs::create_dir(&data).unwrap();
        let request: PreopenRequest = format!("{}::/d", data.display()).parse().unwrap();
        let pinned = Preopens::check(&[request], &[], true).unwrap();
        let pinned = pinned.iter().next().unwrap();
        assert!(pinned.still_pinned());
        std::fs::remove_dir(&data).unwrap();
        std::fs::create_dir(root.path().join("keys")).unwrap();
        std::os::unix::fs::symlink(root.path().join("keys"), &data).unwrap();
        assert!(!pinned.still_pinned());
    }
}
