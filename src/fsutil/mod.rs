//! Files: writing them atomically (a temporary file in the same directory, fsync, rename),
//! and opening and checking the ones wzt did not just write ([`checked`]: the one place that
//! knows about symbolic links, FIFOs, owners, modes, hard links and size caps).

pub mod checked;

pub use checked::{
    CheckedFile, FileError, FileRules, Others, Owner, check_dir, ensure_private_dir, read_named,
    read_named_text,
};

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` atomically with what `fill` writes, giving it `mode_from`'s permissions when
/// given (so a signed copy keeps the input's mode), else what any new file gets: 0666 less the
/// umask (the temporary file is created with that mode, so the kernel applies the umask).
/// A failure leaves `path` as it was.
pub fn write_atomically<T>(
    path: &Path,
    mode_from: Option<&Path>,
    fill: impl FnOnce(&mut BufWriter<&mut fs::File>) -> io::Result<T>,
) -> io::Result<T> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".wzt-").suffix(".tmp");
    #[cfg(unix)]
    if mode_from.is_none() {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    let value = {
        let mut writer = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        let value = fill(&mut writer)?;
        writer.flush()?;
        value
    };
    if let Some(src) = mode_from {
        tmp.as_file()
            .set_permissions(fs::metadata(src)?.permissions())?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// Runs `f` under `mask`, restoring the previous umask. (The umask is process-wide: this is
    /// the only test in the library that changes it.)
    fn with_umask<T>(mask: libc::mode_t, f: impl FnOnce() -> T) -> T {
        // SAFETY: umask cannot fail; it only swaps the process's file creation mask.
        let old = unsafe { libc::umask(mask) };
        let value = f();
        // SAFETY: as above.
        unsafe { libc::umask(old) };
        value
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn new_files_honour_the_umask_and_copies_keep_the_input_mode() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let write = |p: &Path, from: Option<&Path>| {
            write_atomically(p, from, |w| w.write_all(b"data")).unwrap()
        };
        with_umask(0o077, || write(&out, None));
        assert_eq!(mode(&out), 0o600);
        with_umask(0o002, || write(&out, None));
        assert_eq!(mode(&out), 0o664);
        let input = dir.path().join("input");
        fs::write(&input, b"in").unwrap();
        fs::set_permissions(&input, fs::Permissions::from_mode(0o751)).unwrap();
        let copy = dir.path().join("copy");
        with_umask(0o077, || write(&copy, Some(&input)));
        assert_eq!(mode(&copy), 0o751);
        assert_eq!(fs::read(&copy).unwrap(), b"data");
    }
}

/// `$XDG_CACHE_HOME/wzt`, else `~/.cache/wzt`: where the compile cache and the blob cache live.
pub fn user_cache_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
    };
    let cache = var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))?;
    Some(cache.join("wzt"))
}
