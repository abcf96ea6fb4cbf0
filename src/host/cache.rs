//! The compiled-artifact cache (docs/design.md §8).
//!
//! A cache entry is native code: loading one runs it outside the wasm sandbox. So an entry is
//! used only when it is authenticated as what this user's wzt wrote for that exact module hash,
//! artifact kind and engine: each file starts with an HMAC-SHA256 tag, keyed by a per-user
//! secret kept outside the cache directory (0600), over those three names and the compiled
//! bytes. The directory must be a real directory owned by this user and writable by nobody
//! else; files are opened without following symlinks and must be regular files owned by this
//! user. Anything else is not loaded: the actor is compiled again and the entry replaced.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::fsutil::{self, CheckedFile, FileError, FileRules};

type HmacSha256 = Hmac<Sha256>;

/// Length of the authentication tag that starts every entry.
const TAG_LEN: usize = 32;
/// Length of the per-user secret.
const SECRET_LEN: usize = 32;
/// The largest entry read (compiled code of the largest actors is far smaller).
const MAX_ENTRY_LEN: u64 = 4 << 30;
/// What the tag covers besides the bytes, so a tag cannot be moved between formats.
const DOMAIN: &[u8] = b"wzt compile cache v1\0";

/// Where the cache lives: its directory and the file holding the secret (outside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheLocation {
    pub dir: PathBuf,
    pub secret: PathBuf,
}

impl CacheLocation {
    /// `$XDG_CACHE_HOME/wzt` (else `~/.cache/wzt`) with the secret at
    /// `$XDG_DATA_HOME/wzt/cache.key` (else `~/.local/share/wzt/cache.key`).
    pub fn default_for_user() -> Option<CacheLocation> {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
        };
        let data = var("XDG_DATA_HOME").or_else(|| var("HOME").map(|h| h.join(".local/share")))?;
        Some(CacheLocation {
            dir: fsutil::user_cache_dir()?,
            secret: data.join("wzt").join("cache.key"),
        })
    }
}

/// Why the cache cannot be used at all (the host then compiles every time).
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error(
        "the compile cache directory {} is {problem}; wzt will not load native code from it. Fix it with `chmod 700 {}` (and make sure you own it), or remove it",
        dir.display(), dir.display()
    )]
    UnsafeDir { dir: PathBuf, problem: String },
    #[error(
        "the compile cache secret {} is {problem}; fix it with `chmod 600 {}`, or remove it to make a new one",
        path.display(), path.display()
    )]
    UnsafeSecret { path: PathBuf, problem: String },
    #[error("cannot use the compile cache at {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

/// The result of looking an entry up.
pub enum Lookup {
    /// An authenticated entry: the compiled bytes (without the tag).
    Hit(Vec<u8>),
    /// No entry.
    Miss,
    /// An entry that is there but not to be trusted; says why.
    Rejected(String),
}

/// An opened, checked cache.
pub struct CompileCache {
    dir: PathBuf,
    secret: [u8; SECRET_LEN],
}

impl std::fmt::Debug for CompileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompileCache")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl CompileCache {
    /// Creates or checks the directory and loads or creates the secret.
    pub fn open(location: &CacheLocation) -> Result<CompileCache, CacheError> {
        ensure_private_dir(&location.dir)?;
        let secret = load_or_create_secret(&location.secret)?;
        Ok(CompileCache {
            dir: location.dir.clone(),
            secret,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, name: &EntryName) -> PathBuf {
        self.dir.join(format!(
            "{}-{}-{}.cwasm",
            name.kind, name.module_hash, name.engine
        ))
    }

    fn tag(&self, name: &EntryName, bytes: &[u8]) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(&self.secret).expect("any key length works");
        mac.update(DOMAIN);
        for part in [name.kind, name.module_hash, name.engine] {
            mac.update(part.as_bytes());
            mac.update(b"\0");
        }
        mac.update(bytes);
        mac
    }

    /// Reads and authenticates the entry for `name`.
    pub fn read(&self, name: &EntryName) -> Lookup {
        let path = self.path(name);
        let mut data = match CheckedFile::open_if_exists(&path, FileRules::own(MAX_ENTRY_LEN)) {
            Ok(Some(file)) => match file.read_all() {
                Ok(data) => data,
                Err(e) => return Lookup::Rejected(format!("it cannot be read: {e}")),
            },
            Ok(None) => return Lookup::Miss,
            Err(e) => return Lookup::Rejected(format!("it is {}", e.problem())),
        };
        if data.len() < TAG_LEN {
            return Lookup::Rejected("it is too short to hold an authentication tag".into());
        }
        let compiled = data.split_off(TAG_LEN);
        match self.tag(name, &compiled).verify_slice(&data) {
            Ok(()) => Lookup::Hit(compiled),
            Err(_) => Lookup::Rejected(
                "its authentication tag does not match (it was not written by this user's wzt for this module)"
                    .into(),
            ),
        }
    }

    /// Writes the entry for `name` atomically (a file there, or a symlink, is replaced).
    pub fn write(&self, name: &EntryName, compiled: &[u8]) -> io::Result<()> {
        let tag = self.tag(name, compiled).finalize().into_bytes();
        let mut file = crate::fsutil::NewFile::create_in(&self.dir, 0o600)?;
        file.write_all(&tag)?;
        file.write_all(compiled)?;
        file.place(&self.path(name), crate::fsutil::Existing::Replace)
    }
}

/// What an entry is for: the artifact kind, its module hash (computed by verification) and
/// the engine's compatibility hash.
pub struct EntryName<'a> {
    pub kind: &'a str,
    pub module_hash: &'a str,
    pub engine: &'a str,
}

/// Creates `dir` (0700) or checks an existing one (`fsutil::ensure_private_dir`), as the
/// compile cache's error.
fn ensure_private_dir(dir: &Path) -> Result<(), CacheError> {
    fsutil::ensure_private_dir(dir).map_err(|e| match e {
        FileError::Io { source, .. } => CacheError::Io {
            path: dir.to_path_buf(),
            source,
        },
        unsafe_dir => CacheError::UnsafeDir {
            dir: dir.to_path_buf(),
            problem: unsafe_dir.problem(),
        },
    })
}

/// Loads the per-user secret, creating it (0600, never replacing one) when missing.
fn load_or_create_secret(path: &Path) -> Result<[u8; SECRET_LEN], CacheError> {
    let io_err = |source| CacheError::Io {
        path: path.to_path_buf(),
        source,
    };
    let unsafe_secret = |problem: String| CacheError::UnsafeSecret {
        path: path.to_path_buf(),
        problem,
    };
    let read = |mut file: File| -> Result<[u8; SECRET_LEN], CacheError> {
        let mut secret = [0u8; SECRET_LEN];
        let mut rest = Vec::new();
        file.read_exact(&mut secret).map_err(io_err)?;
        file.read_to_end(&mut rest).map_err(io_err)?;
        if !rest.is_empty() {
            return Err(unsafe_secret(format!(
                "not a wzt cache secret (longer than {SECRET_LEN} bytes)"
            )));
        }
        Ok(secret)
    };
    let secret_rules = FileRules {
        single_link: false,
        ..FileRules::secret(4096)
    };
    match CheckedFile::open_if_exists(path, secret_rules) {
        Ok(Some(file)) => return read(file.into_file()),
        Ok(None) => {}
        Err(FileError::Io { source, .. }) => return Err(io_err(source)),
        Err(e) => return Err(unsafe_secret(e.problem())),
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(io_err)?;
    let secret: [u8; SECRET_LEN] = rand::random();
    // Created 0600 and unnamed until placed; placing never replaces a secret another wzt
    // created at the same moment (then that one is used).
    let mut file = crate::fsutil::NewFile::create_in(dir, 0o600).map_err(io_err)?;
    file.write_all(&secret).map_err(io_err)?;
    match file.place(path, crate::fsutil::Existing::Refuse) {
        Ok(()) => Ok(secret),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            match CheckedFile::open_if_exists(path, secret_rules) {
                Ok(Some(file)) => read(file.into_file()),
                Ok(None) => Err(io_err(e)),
                Err(e) => Err(unsafe_secret(e.problem())),
            }
        }
        Err(e) => Err(io_err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name() -> EntryName<'static> {
        EntryName {
            kind: "component",
            module_hash: "AB",
            engine: "e1",
        }
    }

    fn location(root: &Path) -> CacheLocation {
        CacheLocation {
            dir: root.join("cache"),
            secret: root.join("data/cache.key"),
        }
    }

    #[test]
    fn entries_round_trip_and_forgeries_are_rejected() {
        let root = tempfile::tempdir().unwrap();
        let cache = CompileCache::open(&location(root.path())).unwrap();
        assert!(matches!(cache.read(&name()), Lookup::Miss));
        cache.write(&name(), b"compiled").unwrap();
        assert!(matches!(cache.read(&name()), Lookup::Hit(b) if b == b"compiled"));

        // The same bytes under another module hash do not authenticate.
        let other = EntryName {
            module_hash: "CD",
            ..name()
        };
        fs::copy(cache.path(&name()), cache.path(&other)).unwrap();
        assert!(matches!(cache.read(&other), Lookup::Rejected(_)));

        // A flipped byte does not either.
        let path = cache.path(&name());
        let mut data = fs::read(&path).unwrap();
        *data.last_mut().unwrap() ^= 1;
        fs::write(&path, data).unwrap();
        assert!(matches!(cache.read(&name()), Lookup::Rejected(_)));

        // Reopening keeps the secret: a fresh write reads back.
        let again = CompileCache::open(&location(root.path())).unwrap();
        again.write(&name(), b"again").unwrap();
        assert!(matches!(cache.read(&name()), Lookup::Hit(b) if b == b"again"));
    }

    #[cfg(unix)]
    #[test]
    fn unsafe_places_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().unwrap();
        let loc = location(root.path());
        let cache = CompileCache::open(&loc).unwrap();
        // A symlink in place of an entry is not followed.
        cache.write(&name(), b"real").unwrap();
        let target = cache.path(&name());
        let other = EntryName {
            kind: "module",
            ..name()
        };
        std::os::unix::fs::symlink(&target, cache.path(&other)).unwrap();
        assert!(matches!(cache.read(&other), Lookup::Rejected(w) if w.contains("symbolic link")));
        // A FIFO is reported, not waited on.
        let fifo = cache.path(&EntryName {
            kind: "fifo",
            ..name()
        });
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            cache.read(&EntryName { kind: "fifo", ..name() }),
            Lookup::Rejected(w) if w.contains("not a regular file")
        ));
        // A world-writable directory is not used.
        fs::set_permissions(&loc.dir, fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            CompileCache::open(&loc),
            Err(CacheError::UnsafeDir { .. })
        ));
        fs::set_permissions(&loc.dir, fs::Permissions::from_mode(0o700)).unwrap();
        // A readable secret is refused.
        fs::set_permissions(&loc.secret, fs::Permissions::from_mode(0o644)).unwrap();
        assert!(matches!(
            CompileCache::open(&loc),
            Err(CacheError::UnsafeSecret { .. })
        ));
    }
}
