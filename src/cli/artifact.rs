//! Opening an artifact named on the command line for the commands that read one: a file, or
//! `oci://REF` fetched from a registry through the blob cache.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use anyhow::{Context as _, bail};

use super::Ctx;
use super::registry_args::{FetchFailure, RegistryOpts, oci_reference};
use crate::fsutil::{CheckedFile, FileError, FileRules};
use crate::project::Project;
use crate::verify::{Examined, examine};

/// Where an examined artifact's bytes can be read again (for its imports and exports).
pub trait Source: Read + Seek {}
impl<T: Read + Seek> Source for T {}

/// Opens an artifact named on the command line: a regular file (a symbolic link to one is
/// followed), opened without waiting on a FIFO, of at most `wasm::MAX_ARTIFACT_LEN`.
pub fn open_artifact(path: &Path) -> Result<CheckedFile, FileError> {
    CheckedFile::open(path, FileRules::named(crate::wasm::MAX_ARTIFACT_LEN))
}

/// Reads a whole artifact named on the command line (see [`open_artifact`]): what `run` and
/// `push` verify and use.
pub fn read_artifact(path: &Path) -> anyhow::Result<Vec<u8>> {
    Ok(open_artifact(path)?.read_all()?)
}

/// Opens and examines one artifact; errors here are input errors (exit 2).
fn examine_path(path: &Path) -> anyhow::Result<(Examined, BufReader<File>)> {
    let file = open_artifact(path)?;
    let len = file.len();
    let mut reader = BufReader::with_capacity(64 << 10, file.into_file());
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

/// The signed artifact of the project here (what `wzt sign` without FILE and `wzt build`
/// write), for `wzt VERB` without FILE; an error says how to make it.
pub fn project_signed_artifact(verb: &str) -> anyhow::Result<std::path::PathBuf> {
    let cwd = std::env::current_dir()?;
    let project = Project::find(&cwd)?.with_context(|| {
        format!(
            "no FILE given and no wzt.toml in this directory or above: name the .wasm to {verb}, or run inside a project (`wzt new`)"
        )
    })?;
    signed_artifact_of(&project, verb)
}

/// The signed artifact of the project in `dir` (`wzt run DIR`).
pub fn project_signed_artifact_in(dir: &Path, verb: &str) -> anyhow::Result<std::path::PathBuf> {
    let project = Project::find(dir)?.with_context(|| {
        format!(
            "{} is a directory without a wzt.toml (here or above): name an actor file, or a project directory (`wzt new` makes one)",
            dir.display()
        )
    })?;
    signed_artifact_of(&project, verb)
}

fn signed_artifact_of(project: &Project, verb: &str) -> anyhow::Result<std::path::PathBuf> {
    let signed = project.signed_artifact()?;
    if !signed.is_file() {
        let artifact = project.artifact();
        if artifact.is_file() {
            bail!(
                "the project's signed artifact {} does not exist yet: sign it with `wzt sign` or `wzt build` (or {verb} the unsigned build: `wzt {verb} {}`)",
                signed.display(),
                artifact.display()
            );
        }
        bail!(
            "the project's signed artifact {} does not exist yet: build and sign it with `wzt build`",
            signed.display(),
        );
    }
    Ok(signed)
}
