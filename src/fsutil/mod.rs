//! Files: writing them ([`output`]: complete under no name, then named in one step that also
//! decides whether an existing file may be replaced), and opening and checking the ones wzt
//! did not just write ([`checked`]: the one place that knows about symbolic links, FIFOs,
//! owners, modes, hard links and size caps).

pub mod checked;
pub mod output;

pub use checked::{
    CheckedFile, FileError, FileRules, Others, Owner, check_dir, ensure_private_dir, open_beneath,
    read_capped, read_named, read_named_text,
};
pub use output::{Existing, NewFile, create_stream, write_atomically};

use std::path::PathBuf;

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
