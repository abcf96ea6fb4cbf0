//! Writing files atomically: a temporary file in the same directory, fsync, rename.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` atomically with what `fill` writes, giving it `mode_from`'s permissions when
/// given (so a signed copy keeps the input's mode), else the usual 0644 less the umask.
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
    let mut tmp = tempfile::Builder::new()
        .prefix(".wzt-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    let value = {
        let mut writer = BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        let value = fill(&mut writer)?;
        writer.flush()?;
        value
    };
    match mode_from {
        Some(src) => tmp
            .as_file()
            .set_permissions(fs::metadata(src)?.permissions())?,
        None => set_default_permissions(tmp.as_file())?,
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(value)
}

/// 0644: what a new file gets under the common umask 022 (tempfile creates 0600).
#[cfg(unix)]
fn set_default_permissions(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_file: &fs::File) -> io::Result<()> {
    Ok(())
}
