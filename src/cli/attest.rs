//! `wzt attest`: write a signed provenance for an artifact built elsewhere.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;

use super::output::{self, escape};
use super::{Ctx, Outcome, keysource};
use crate::provenance;

/// Write a signed provenance (an in-toto statement with SLSA provenance, in a DSSE envelope)
/// for an artifact built elsewhere.
///
/// `wzt build` writes the provenance of what it builds; this writes one for a file wzt did not
/// build, from what the file shows: its SHA-256 and module hash, its claims when they verify,
/// and the crates it lists when it was built with `cargo auditable`. With --source DIR it also
/// records that checkout's git remote, commit and clean state and its Cargo.lock: you vouch,
/// with your account key, that the artifact was built from it. It says what it could not know.
/// The output is <stem>.intoto.json beside the file; an existing one is replaced only with
/// --force.
#[derive(Debug, Args)]
pub struct Opts {
    /// The artifact (.wasm).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// The git checkout the artifact was built from.
    #[arg(long, value_name = "DIR")]
    source: Option<PathBuf>,
    /// Account key that signs the provenance: a store key name, a seed file, or - for
    /// standard input [default: WZT_ISSUER_SEED or WASH_ISSUER_KEY, else the store key
    /// `account`].
    #[arg(long, short = 'i', value_name = "KEY")]
    issuer: Option<String>,
    /// Where to write it [default: <stem>.intoto.json beside FILE].
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Replace the output when it exists.
    #[arg(long)]
    force: bool,
}

impl Opts {
    pub fn run(self, ctx: &Ctx) -> anyhow::Result<Outcome> {
        let output_path = self
            .output
            .clone()
            .unwrap_or_else(|| provenance::path_for(&self.file));
        if let Ok(meta) = std::fs::symlink_metadata(&output_path) {
            if !meta.is_file() {
                bail!(
                    "{} exists and is not a regular file; name another output with -o",
                    output_path.display()
                );
            }
            if !self.force {
                bail!(
                    "{} exists; pass --force to replace it, or name another output with -o",
                    output_path.display()
                );
            }
        }
        let bytes = super::artifact::read_artifact(&self.file)?;
        let store = ctx.store()?;
        // Never generates a key: a provenance signed by a key made on the spot vouches for
        // nothing.
        let keygen = keysource::Keygen {
            disabled: true,
            forced: false,
        };
        let issuer = keysource::issuer_key(ctx, &store, self.issuer.as_deref(), "account", keygen)?;
        let name = self
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let attested = provenance::for_attest(&name, &bytes, self.source.as_deref(), &issuer)
            .with_context(|| format!("cannot attest {}", self.file.display()))?;
        let json = attested.recorded.envelope.to_json();
        // One that appeared since the check above is replaced only with --force too.
        let existing = crate::fsutil::Existing::replace_if(self.force);
        crate::fsutil::write_atomically(&output_path, None, existing, |w| {
            std::io::Write::write_all(w, &json)
        })
        .with_context(|| format!("cannot write {}", output_path.display()))?;
        if let Some(e) = &attested.recorded.deps_error {
            eprintln!("wzt: warning: the artifact's dependency list is not recorded: {e}");
        }
        let statement = &attested.recorded.statement;
        if ctx.json {
            output::print_json(&AttestedJson {
                provenance: &output_path,
                artifact: &self.file,
                signer: issuer.public_key(),
                subjects: statement
                    .subject
                    .iter()
                    .map(|s| SubjectJson {
                        name: s.name.as_deref(),
                        sha256: s.digest.0.get("sha256").map(String::as_str),
                    })
                    .collect(),
                crates: &attested.recorded.crates,
                unknown: &attested.unknown,
            });
        } else {
            println!(
                "Wrote {} for {} (signed by {})",
                output_path.display(),
                self.file.display(),
                issuer.public_key()
            );
            if let Some(source) = statement.source().ok().flatten() {
                println!(
                    "  source: {}{}",
                    escape(source.repository.as_deref().unwrap_or("(no remote)")),
                    source
                        .commit
                        .as_deref()
                        .map(|c| format!(" @ {c}"))
                        .unwrap_or_default()
                );
            }
            if let Some(n) = attested.recorded.crates {
                println!("  crates: {n} (cargo auditable)");
            }
            println!("  not known, so not recorded:");
            for what in &attested.unknown {
                println!("    - {what}");
            }
        }
        Ok(Outcome::Success)
    }
}

/// `wzt attest --json` (field names are stable: README).
#[derive(serde::Serialize)]
struct AttestedJson<'a, C: serde::Serialize, U: serde::Serialize> {
    provenance: &'a std::path::Path,
    artifact: &'a std::path::Path,
    signer: &'a str,
    subjects: Vec<SubjectJson<'a>>,
    crates: &'a C,
    unknown: &'a U,
}

#[derive(serde::Serialize)]
struct SubjectJson<'a> {
    name: Option<&'a str>,
    sha256: Option<&'a str>,
}
