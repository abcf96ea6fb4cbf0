//! Opening an artifact named on the command line for the commands that read one: a file, or
//! `oci://REF` fetched from a registry through the blob cache.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use anyhow::Context as _;

use super::Ctx;
use super::registry_args::{FetchFailure, RegistryOpts, oci_reference};
use crate::verify::{Examined, examine};

/// Where an examined artifact's bytes can be read again (for its imports and exports).
pub trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

/// Opens and examines one artifact; errors here are input errors (exit 2).
fn examine_path(path: &Path) -> anyhow::Result<(Examined, BufReader<File>)> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(64 << 10, file);
    let examined =
        examine(&mut reader, len).with_context(|| format!("cannot read {}", path.display()))?;
    Ok((examined, reader))
}

/// Opens and examines a file, or fetches and examines `oci://REF` (digests checked; the
/// caller judges the claims). A failed digest check is [`FetchFailure::Check`].
pub fn examine_source(
    ctx: &Ctx,
    path: &Path,
    registry: &RegistryOpts,
) -> Result<(Examined, Box<dyn Source>), FetchFailure> {
    match oci_reference(path) {
        None => examine_path(path)
            .map(|(examined, reader)| (examined, Box::new(reader) as Box<dyn Source>))
            .map_err(FetchFailure::Error),
        Some(reference) => {
            let fetched = registry.fetch(ctx, reference)?;
            let len = fetched.bytes.len() as u64;
            let mut cursor = Cursor::new(fetched.bytes);
            let examined = examine(&mut cursor, len)
                .with_context(|| format!("cannot read {}", path.display()))
                .map_err(FetchFailure::Error)?;
            Ok((examined, Box::new(cursor)))
        }
    }
}
