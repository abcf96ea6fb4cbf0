//! Opening an artifact from a path for the commands that read one.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::Context as _;

use crate::verify::{Examined, examine};

/// Opens and examines one artifact; errors here are input errors (exit 2).
pub fn examine_path(path: &Path) -> anyhow::Result<(Examined, BufReader<File>)> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(64 << 10, file);
    let examined =
        examine(&mut reader, len).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((examined, reader))
}
