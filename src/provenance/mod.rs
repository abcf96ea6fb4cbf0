//! Provenance (docs/design.md §15): a signed in-toto statement that binds an artifact to what
//! it was built from, written by `wzt build` (or `wzt attest`) beside the signed artifact,
//! checked by the trust policy, and carried through registries as an OCI referrer.
//!
//! - [`dsse`]: the envelope (PAE, signing with an account key, bounded reading, verifying);
//! - [`statement`]: the in-toto Statement v1 with an SLSA Provenance v1 predicate;
//! - [`facts`]: what a build knows (git source, `Cargo.lock`, `rustc -V`, target);
//! - [`deps`]: the crates `cargo auditable` lists in the artifact;
//! - [`check`]: the policy's provenance rules and their failure codes.
//!
//! Nothing here prints; a missing fact is `None` for the caller to report.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

pub mod check;
pub mod deps;
pub mod dsse;
pub mod facts;
pub mod statement;

pub use check::{CheckedProvenance, ProvenanceFailure, check, evaluate, evaluate_candidates};
pub use dsse::{Envelope, MAX_ENVELOPE_LEN};
pub use statement::{ClaimsRecord, Statement, Subject};

/// The extension of a provenance file: `hello_s.wasm` has `hello_s.intoto.json` beside it.
pub const EXTENSION: &str = "intoto.json";

/// Where the provenance of `artifact` is kept: `<stem>.intoto.json` in its directory.
pub fn path_for(artifact: &Path) -> PathBuf {
    let stem = artifact
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "artifact".into());
    artifact.with_file_name(format!("{stem}.{EXTENSION}"))
}

/// Lower-case hex SHA-256 of `bytes` (an in-toto subject digest).
pub fn sha256_hex(bytes: &[u8]) -> String {
    facts::hex(&Sha256::digest(bytes))
}

/// The subjects of an artifact's provenance: the file as it is (`name`, its SHA-256), and its
/// content without the signature section (`unsigned_name`, the module hash: what the build
/// produced before signing). An unsigned artifact is one subject.
pub fn subjects(name: &str, sha256: &str, unsigned: Option<(&str, &str)>) -> Vec<Subject> {
    let mut subjects = vec![Subject {
        name: name.to_string(),
        sha256: sha256.to_string(),
    }];
    if let Some((unsigned_name, module_hash)) = unsigned {
        let module_hash = module_hash.to_ascii_lowercase();
        if module_hash != sha256 {
            subjects.push(Subject {
                name: unsigned_name.to_string(),
                sha256: module_hash,
            });
        }
    }
    subjects
}

/// A signed provenance ready to write, and what went into it.
#[derive(Debug)]
pub struct Recorded {
    pub envelope: Envelope,
    pub statement: Statement,
    /// How many crates the artifact's cargo-auditable list holds (`None`: no list).
    pub crates: Option<usize>,
    /// Why the artifact's dependency list could not be read, when it could not.
    pub deps_error: Option<deps::DepsError>,
}

/// The crates `bytes` lists (cargo auditable), and why not when the list is unreadable.
pub fn crates_of(bytes: &[u8]) -> (Option<Vec<deps::Crate>>, Option<deps::DepsError>) {
    let mut cursor = std::io::Cursor::new(bytes);
    let read = crate::wasm::Layout::scan(&mut cursor, bytes.len() as u64)
        .map_err(deps::DepsError::from)
        .and_then(|layout| deps::read(&layout, &mut cursor));
    match read {
        Ok(crates) => (crates, None),
        Err(e) => (None, Some(e)),
    }
}

/// The provenance of a `wzt build`: the signed artifact `signed_bytes` (file `signed_name`),
/// built as `unsigned_name` whose content hashes to `module_hash`, with the build's `facts`
/// and the claims it was signed with, signed by `issuer`.
pub fn for_build(
    signed_name: &str,
    signed_bytes: &[u8],
    unsigned_name: &str,
    module_hash: &str,
    facts: &facts::BuildFacts,
    claims: Option<&ClaimsRecord>,
    issuer: &crate::keys::Key,
) -> Result<Recorded, dsse::SignError> {
    let (crates, deps_error) = crates_of(signed_bytes);
    let subjects = subjects(
        signed_name,
        &sha256_hex(signed_bytes),
        Some((unsigned_name, module_hash)),
    );
    let statement = Statement::for_build(
        &subjects,
        facts,
        crates.as_deref().unwrap_or_default(),
        claims,
    );
    let envelope = Envelope::sign(statement.to_json(), issuer)?;
    Ok(Recorded {
        envelope,
        statement,
        crates: crates.map(|c| c.len()),
        deps_error,
    })
}

/// Why `wzt attest` cannot write a provenance.
#[derive(Debug, thiserror::Error)]
pub enum AttestError {
    #[error(transparent)]
    Wasm(#[from] crate::wasm::WasmError),
    #[error(transparent)]
    Sign(#[from] dsse::SignError),
    #[error("{0} is not a git checkout: --source names the checkout the artifact was built from")]
    NotACheckout(String),
}

/// A provenance `wzt attest` made, and what it could not know.
#[derive(Debug)]
pub struct Attested {
    pub recorded: Recorded,
    /// What a build would have recorded and this provenance does not say.
    pub unknown: Vec<&'static str>,
}

/// The provenance of an artifact built elsewhere (`name`, `bytes`): its digests, the claims
/// when they verify, the crates it lists, and, with `source_dir`, that checkout's git source
/// and `Cargo.lock` (the signer vouches that the artifact was built from it); signed by
/// `issuer`.
pub fn for_attest(
    name: &str,
    bytes: &[u8],
    source_dir: Option<&Path>,
    issuer: &crate::keys::Key,
) -> Result<Attested, AttestError> {
    let examined = crate::verify::examine(&mut std::io::Cursor::new(bytes), bytes.len() as u64)?;
    let stem = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let unsigned_name = match stem.strip_suffix("_s") {
        Some(base) => format!("{base}.wasm"),
        None => format!("{stem}.unsigned.wasm"),
    };
    let sha256 = sha256_hex(bytes);
    let subjects = subjects(
        name,
        &sha256,
        examined
            .module_hash()
            .filter(|_| examined.is_signed())
            .map(|h| (unsigned_name.as_str(), h)),
    );
    let claims = examined.verified_claims().map(|c| ClaimsRecord {
        jti: c.id.clone(),
        issuer: c.issuer.clone(),
        subject: c.subject.clone(),
    });
    let source = match source_dir {
        Some(dir) => Some(
            facts::git_source(dir)
                .ok_or_else(|| AttestError::NotACheckout(dir.display().to_string()))?,
        ),
        None => None,
    };
    let lock = source
        .as_ref()
        .zip(source_dir)
        .and_then(|(s, dir)| facts::cargo_lock(dir, Some(s.top.as_path())));
    let path = source
        .as_ref()
        .zip(source_dir)
        .map(|(s, dir)| facts::relative_to(dir, &s.top));
    let (crates, deps_error) = crates_of(bytes);
    let statement = Statement::for_attest(
        &subjects,
        source.as_ref().map(|s| (s, path.as_deref())),
        lock.as_ref(),
        crates.as_deref().unwrap_or_default(),
        claims.as_ref(),
    );
    let mut unknown = vec![
        "the build command and wzt.toml settings",
        "the toolchain (rustc version, target)",
        "when it was built",
    ];
    if source.is_none() {
        unknown.push("the source repository and commit (name the checkout with --source DIR)");
    } else if lock.is_none() {
        unknown.push("Cargo.lock (none in the checkout)");
    }
    if crates.is_none() {
        unknown.push("the crates it was built from (it carries no cargo-auditable list)");
    }
    let envelope = Envelope::sign(statement.to_json(), issuer)?;
    Ok(Attested {
        recorded: Recorded {
            envelope,
            statement,
            crates: crates.map(|c| c.len()),
            deps_error,
        },
        unknown,
    })
}

/// Reads a provenance file: at most [`MAX_ENVELOPE_LEN`] + 1 bytes (more is refused when
/// parsed), from a regular file only (a FIFO planted there does not block the read).
/// `Ok(None)` when there is no such file.
pub fn read_file(path: &Path) -> std::io::Result<Option<Vec<u8>>> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    let mut bytes = Vec::new();
    file.take(MAX_ENVELOPE_LEN as u64 + 1)
        .read_to_end(&mut bytes)?;
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_provenance_sits_beside_the_artifact() {
        assert_eq!(
            path_for(Path::new("target/x/hello_s.wasm")),
            Path::new("target/x/hello_s.intoto.json")
        );
        assert_eq!(
            path_for(Path::new("echo.wasm")),
            Path::new("echo.intoto.json")
        );
    }

    #[test]
    fn a_signed_artifact_has_two_subjects_and_an_unsigned_one_one() {
        let s = subjects("a_s.wasm", "ab", Some(("a.wasm", "CD")));
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].sha256, "cd");
        assert_eq!(subjects("a.wasm", "cd", Some(("a.wasm", "CD"))).len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("x.intoto.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_file(&fifo).is_err());
        assert!(read_file(&dir.path().join("none")).unwrap().is_none());
    }
}
